from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.fixes import delete_key
from svclint.check.rule_inputs import RuleInputs
from svclint.model.resources import Resource
from svclint.model.services import as_int, service_ports, service_type


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    # Only the allocator of NodePort and LoadBalancer Services checks the range; a nodePort
    # on another type is rejected for a different reason (field-not-allowed-for-type).
    kind = service_type(service)
    if kind not in ("NodePort", "LoadBalancer"):
        return
    low, high = inputs.settings.node_port_range
    for number, port in service_ports(service):
        node_port = as_int(port.get("nodePort"))
        if node_port:  # 0 or none: the allocator picks one
            if not low <= node_port <= high:
                path = ("spec", "ports", number, "nodePort")
                yield Hit(path, f"nodePort {node_port} is outside the node port range {low}-{high}",
                          fix=delete_key(path, "remove nodePort, so that the cluster allocates one in its range",
                                         safe=False))
    # A LoadBalancer with externalTrafficPolicy Local also gets a health check node port from
    # the same allocator; a requested one outside the range fails the create (an internal error).
    health = as_int(service.get("spec", "healthCheckNodePort"))
    if kind == "LoadBalancer" and service.get("spec", "externalTrafficPolicy") == "Local" and health:
        if not low <= health <= high:
            yield Hit(("spec", "healthCheckNodePort"),
                      f"healthCheckNodePort {health} is outside the node port range {low}-{high}")
