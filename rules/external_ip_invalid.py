from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import invalid, with_hint
from svclint.model.ipaddr import INVALID_IP, parse_ip, special_range
from svclint.model.resources import Resource
from svclint.model.services import string_items


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    for index, value in string_items(service, "spec", "externalIPs"):
        where = f"spec.externalIPs[{index}]"
        address = parse_ip(value)
        if address is None:
            hint = ("externalIPs lists single addresses, not ranges" if "/" in value
                    else "externalIPs lists IP addresses of the nodes' network, not host names")
            yield Hit(("spec", "externalIPs", index), with_hint(invalid(where, value, [INVALID_IP]), hint))
        elif reason := special_range(value, address):
            yield Hit(("spec", "externalIPs", index), with_hint(
                invalid(where, value, [reason]),
                "Traffic for this address never reaches the Service from outside the node: use an "
                "address routed to the nodes"))
