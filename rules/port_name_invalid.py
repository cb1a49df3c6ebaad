from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.fixes import Fix, set_value
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import invalid, label_hint, required, with_hint
from svclint.model.apimachinery import is_dns1123_label
from svclint.model.resources import Resource
from svclint.model.services import as_int, protocol_of, service_ports, target_name


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    ports = service.get("spec", "ports")
    several = isinstance(ports, list) and len(ports) > 1  # `ports: true` is the schema rule's
    names = _new_names(service) if several else {}
    for index, port in service_ports(service):
        name = port.get("name")
        where = f"spec.ports[{index}].name"
        if name in (None, ""):
            if several:
                yield Hit(("spec", "ports", index, "name"), with_hint(
                    required(where), "Every port of a Service with more than one port needs a name"),
                    fix=_naming(index, names.get(index)))
        elif isinstance(name, str) and is_dns1123_label(name):
            yield Hit(("spec", "ports", index, "name"), with_hint(
                invalid(where, name, is_dns1123_label(name)), label_hint(name, is_dns1123_label)))


def _new_names(service: Resource) -> dict[int, str]:
    """A name for each unnamed port: its named targetPort (`http`), else its protocol and
    number (`tcp-8080`), made unique among the Service's names with the port number."""
    taken = {port.get("name") for _, port in service_ports(service) if isinstance(port.get("name"), str)}
    names = {}
    for index, port in service_ports(service):
        number = as_int(port.get("port"))
        if port.get("name") not in (None, "") or not number:
            continue
        candidates = [f"{protocol_of(port).lower()}-{number}"]
        target = target_name(port)
        if target:
            candidates = [target, f"{target}-{number}", *candidates]
        name = next((c for c in candidates if c not in taken and not is_dns1123_label(c)), None)
        if name:
            names[index] = name
            taken.add(name)
    return names


def _naming(index: int, name: str | None) -> Fix | None:
    if name is None:
        return None
    return set_value(("spec", "ports", index, "name"), name, f"name the port {name}")
