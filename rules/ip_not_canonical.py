from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.ipaddr import cidr_warnings, ip_warning, parse_ip, special_range
from svclint.model.resources import Resource
from svclint.model.services import NONE, cluster_ips, known_type, string_items


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    kind = known_type(service)
    addresses = [(path, f"spec.clusterIPs[{i}]", value) for i, (path, value) in enumerate(cluster_ips(service))
                 if kind != "ExternalName" and isinstance(value, str) and value != NONE]
    addresses += [(("spec", "externalIPs", i), f"spec.externalIPs[{i}]", value)
                  for i, value in string_items(service, "spec", "externalIPs")
                  if not _rejected_external_ip(value)]
    balancer_ip = service.get("spec", "loadBalancerIP")
    if isinstance(balancer_ip, str) and balancer_ip:
        addresses.append((("spec", "loadBalancerIP"), "spec.loadBalancerIP", balancer_ip))
    for path, where, value in addresses:
        warning = ip_warning(where, value)
        if warning:
            yield Hit(path, warning)
    if kind in (None, "LoadBalancer"):
        for index, value in string_items(service, "spec", "loadBalancerSourceRanges"):
            for warning in cidr_warnings(f"spec.loadBalancerSourceRanges[{index}]", value):
                yield Hit(("spec", "loadBalancerSourceRanges", index), warning)


def _rejected_external_ip(value: str) -> bool:
    """Loopback and the like are refused (external-ip-invalid): no point warning about their spelling."""
    address = parse_ip(value)
    return address is not None and special_range(value, address) is not None
