from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import invalid, label_hint, required, with_hint
from svclint.model.apimachinery import is_dns1123_label
from svclint.model.resources import Resource
from svclint.model.services import service_ports


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    ports = service.get("spec", "ports")
    several = isinstance(ports, list) and len(ports) > 1  # `ports: true` is the schema rule's
    for index, port in service_ports(service):
        name = port.get("name")
        where = f"spec.ports[{index}].name"
        if name in (None, ""):
            if several:
                yield Hit(("spec", "ports", index, "name"), with_hint(
                    required(where), "Every port of a Service with more than one port needs a name"))
        elif isinstance(name, str) and is_dns1123_label(name):
            yield Hit(("spec", "ports", index, "name"), with_hint(
                invalid(where, name, is_dns1123_label(name)), label_hint(name, is_dns1123_label)))
