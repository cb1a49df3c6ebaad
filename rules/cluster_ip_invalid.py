from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import invalid, with_hint
from svclint.model.ipaddr import INVALID_IP, is_ipv6, parse_ip
from svclint.model.resources import Resource
from svclint.model.services import NONE, cluster_ips, is_headless, known_type

FAMILIES = {"IPv4": False, "IPv6": True}  # family -> is IPv6


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    if known_type(service) == "ExternalName":
        return  # any cluster IP is forbidden there (field-not-allowed-for-type)
    ips = cluster_ips(service)
    if not all(isinstance(value, str) for _, value in ips):
        return  # wrong types are the schema's
    yield from _in_sync(service)
    values = [value for _, value in ips]
    bad = False
    for index, (path, value) in enumerate(ips):
        if index == 0 and value == NONE:
            if len(ips) > 1:
                bad = True
                yield Hit(("spec", "clusterIPs"), with_hint(
                    invalid("spec.clusterIPs", values, ["'None' must be the first and only value"]),
                    "A headless Service has no cluster IP: clusterIPs: [None] only"), anchor="key")
        elif parse_ip(value) is None:
            bad = True
            yield Hit(path, with_hint(invalid(f"spec.clusterIPs[{index}]", value, [INVALID_IP]), _hint(value)))
    if len(ips) > 2:
        yield Hit(("spec", "clusterIPs"), invalid("spec.clusterIPs", values, ["may only hold up to 2 values"]),
                  anchor="key")
    if bad:
        return  # as the API server: the checks below would only repeat the same problem
    addresses = [address for value in values if (address := parse_ip(value)) is not None]  # all: none is bad
    if len(ips) > 1 and len({is_ipv6(a) for a in addresses}) < 2:
        yield Hit(("spec", "clusterIPs"), with_hint(
            invalid("spec.clusterIPs", values, ["may specify no more than one IP for each IP family"]),
            "Two cluster IPs are for dual-stack: one IPv4 and one IPv6 address"), anchor="key")
    families = service.get("spec", "ipFamilies")
    if not is_headless(service) and isinstance(families, list):
        for index, ((path, value), family) in enumerate(zip(ips, families)):
            if isinstance(family, str) and family in FAMILIES and is_ipv6(addresses[index]) != FAMILIES[family]:
                yield Hit(path, with_hint(invalid(f"spec.clusterIPs[{index}]", value, [
                    f"expected an {family} value as indicated by `ipFamilies[{index}]`"]),
                    "List ipFamilies in the same order as clusterIPs"))


def _in_sync(service: Resource) -> Iterator[Hit]:
    single, listed = service.get("spec", "clusterIP"), service.get("spec", "clusterIPs")
    if not isinstance(listed, list) or not listed:
        return
    if single in (None, ""):
        yield Hit(("spec", "clusterIPs"), with_hint(
            invalid("spec.clusterIPs", listed, ["must be empty when `clusterIP` is not specified"]),
            "Set clusterIP to the first of clusterIPs too"), anchor="key")
    elif listed[0] != single:
        yield Hit(("spec", "clusterIPs"), with_hint(
            invalid("spec.clusterIPs", listed, ["first value must match `clusterIP`"]),
            f"clusterIP is {single}: make it the first of clusterIPs"), anchor="key")


def _hint(value: str) -> str:
    if value.lower() == "none":
        return 'A headless Service says "None", with a capital N'
    if "/" in value:
        return "A cluster IP is one address, not a range"
    return "A cluster IP is an IPv4 or IPv6 address from the cluster's service range, or None"
