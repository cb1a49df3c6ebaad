from __future__ import annotations

from typing import Iterator

from svclint.apierrors import invalid, label_hint, required, with_hint
from svclint.apimachinery import is_dns1123_label
from svclint.context import RuleContext
from svclint.finding import Hit
from svclint.resources import Resource
from svclint.services import service_ports


def check(service: Resource, ctx: RuleContext) -> Iterator[Hit]:
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
