from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import duplicate, invalid, with_hint
from svclint.model.resources import Resource
from svclint.model.services import cluster_ips, known_type, string_items

FAMILIES = ("IPv4", "IPv6")
DUAL_STACK = "'RequireDualStack' or 'PreferDualStack'"


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    if known_type(service) in (None, "ExternalName"):
        return  # ExternalName has no IP family (field-not-allowed-for-type); an unknown type, who knows
    seen = set()
    families = list(string_items(service, "spec", "ipFamilies"))
    for index, family in families:
        if family in seen:
            yield Hit(("spec", "ipFamilies", index), with_hint(
                duplicate(f"spec.ipFamilies[{index}]", family), "List each IP family once"))
        if family in FAMILIES:
            seen.add(family)
    if service.get("spec", "ipFamilyPolicy") != "SingleStack":
        return
    for count, what in ((len(cluster_ips(service)), "cluster IPs"), (len(families), "IP families")):
        if count == 2:
            yield Hit(("spec", "ipFamilyPolicy"), with_hint(
                invalid("spec.ipFamilyPolicy", "SingleStack",
                        [f"must be {DUAL_STACK} when multiple {what} are specified"]),
                f"Two {what} make a dual-stack Service: set ipFamilyPolicy: PreferDualStack (or "
                "RequireDualStack), or keep one"))
