from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import invalid, with_hint
from svclint.model.apimachinery import is_qualified_name
from svclint.model.resources import Resource
from svclint.model.services import known_type


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    if known_type(service) not in (None, "LoadBalancer"):
        return  # the field itself is forbidden on other types (field-not-allowed-for-type)
    value = service.get("spec", "loadBalancerClass")
    if isinstance(value, str) and is_qualified_name(value):
        yield Hit(("spec", "loadBalancerClass"), with_hint(
            invalid("spec.loadBalancerClass", value, is_qualified_name(value)),
            "A load balancer class names the controller that implements it, as a prefixed name such as "
            "example.com/internal-vip; leave it out for the cloud provider's default"))
