from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import invalid, with_hint
from svclint.model.ipaddr import INVALID_CIDR, parse_cidr, parse_ip
from svclint.model.resources import Resource
from svclint.model.services import known_type, string_items

ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    if known_type(service) not in (None, "LoadBalancer"):
        return  # on other types the field itself is forbidden (field-not-allowed-for-type)
    if service.get("spec", "loadBalancerSourceRanges"):
        for index, value in string_items(service, "spec", "loadBalancerSourceRanges"):
            cidr = value.strip()  # spaces around a range are tolerated, for history's sake
            if parse_cidr(cidr) is None:
                yield Hit(("spec", "loadBalancerSourceRanges", index), with_hint(
                    invalid(f"spec.LoadBalancerSourceRanges[{index}]", cidr, [INVALID_CIDR]), _hint(cidr)))
        return
    annotation = service.get("metadata", "annotations", ANNOTATION)
    if isinstance(annotation, str) and annotation.strip():
        for cidr in (part.strip() for part in annotation.split(",")):
            if parse_cidr(cidr) is None:
                yield Hit(("metadata", "annotations", ANNOTATION), with_hint(
                    invalid(f"metadata.annotations[{ANNOTATION}]", cidr, [INVALID_CIDR]), _hint(cidr)))


def _hint(cidr: str) -> str:
    address = parse_ip(cidr)
    if address is not None:
        return f'A source range needs a prefix length: "{cidr}/{address.max_prefixlen}" for this address alone'
    return "A source range is an address and a prefix length, such as 203.0.113.0/24 or 2001:db8::/64"
