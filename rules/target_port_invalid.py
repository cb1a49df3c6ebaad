from __future__ import annotations

import re
from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.fixes import Fix, replace_value
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import invalid, with_hint
from svclint.model.apimachinery import port_name_errors, port_number_errors
from svclint.model.resources import Resource
from svclint.model.services import as_int, service_ports

NAME_RULES = ("Named target ports are container port names: at most 15 lower-case letters, digits and '-', "
              "with at least one letter and no '--'")


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    for index, port in service_ports(service):
        target = port.get("targetPort")
        number = as_int(target)
        where = f"spec.ports[{index}].targetPort"
        # An omitted, 0 or "" targetPort becomes `port`: nothing to say beyond port-invalid's finding.
        if target is None or target == "" or number == 0:
            continue
        if number is not None and port_number_errors(number):
            yield Hit(("spec", "ports", index, "targetPort"), with_hint(
                invalid(where, number, port_number_errors(number)), "Ports are numbered 1 to 65535"))
        elif isinstance(target, str) and port_name_errors(target):
            yield Hit(("spec", "ports", index, "targetPort"), with_hint(
                invalid(where, target, port_name_errors(target)), _hint(target)), fix=_number_fix(index, target))


def _number_fix(index: int, target: str) -> Fix | None:
    """A digits-only name is a number in quotes: the number, when it is a port number."""
    if re.fullmatch("[1-9][0-9]*", target) and not port_number_errors(int(target)):
        return replace_value(("spec", "ports", index, "targetPort"), int(target),
                             f"write targetPort {target} as a number, without quotes")
    return None


def _hint(target: str) -> str:
    if re.fullmatch("[0-9]+", target):
        return (f"The quotes make it a port name, not a number: write targetPort: {int(target)} without "
                "quotes")
    guess = re.sub("-+", "-", re.sub("[^a-z0-9-]+", "-", target.lower())).strip("-")[:15].strip("-")
    example = f', e.g. "{guess}"' if guess and not port_name_errors(guess) else ""
    return f"{NAME_RULES}{example} (rename the container port to match)"
