from __future__ import annotations

import re
from typing import Iterator

from svclint.apierrors import invalid, with_hint
from svclint.apimachinery import is_valid_port_name, is_valid_port_num
from svclint.context import RuleContext
from svclint.finding import Hit
from svclint.resources import Resource
from svclint.services import as_int, service_ports

NAME_RULES = ("Named target ports are container port names: at most 15 lower-case letters, digits and '-', "
              "with at least one letter and no '--'")


def check(service: Resource, ctx: RuleContext) -> Iterator[Hit]:
    for index, port in service_ports(service):
        target = port.get("targetPort")
        number = as_int(target)
        where = f"spec.ports[{index}].targetPort"
        # An omitted, 0 or "" targetPort becomes `port`: nothing to say beyond port-invalid's finding.
        if target is None or target == "" or number == 0:
            continue
        if number is not None and is_valid_port_num(number):
            yield Hit(("spec", "ports", index, "targetPort"), with_hint(
                invalid(where, number, is_valid_port_num(number)), "Ports are numbered 1 to 65535"))
        elif isinstance(target, str) and is_valid_port_name(target):
            yield Hit(("spec", "ports", index, "targetPort"), with_hint(
                invalid(where, target, is_valid_port_name(target)), _hint(target)))


def _hint(target: str) -> str:
    if re.fullmatch("[0-9]+", target):
        return (f"The quotes make it a port name, not a number: write targetPort: {int(target)} without "
                "quotes")
    guess = re.sub("-+", "-", re.sub("[^a-z0-9-]+", "-", target.lower())).strip("-")[:15].strip("-")
    example = f', e.g. "{guess}"' if guess and not is_valid_port_name(guess) else ""
    return f"{NAME_RULES}{example} (rename the container port to match)"
