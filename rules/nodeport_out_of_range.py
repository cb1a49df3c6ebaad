from __future__ import annotations

from typing import Iterator

from svclint.context import RuleContext
from svclint.finding import Hit
from svclint.resources import Resource
from svclint.services import service_ports, service_type


def check(service: Resource, ctx: RuleContext) -> Iterator[Hit]:
    # Only the allocator of NodePort and LoadBalancer Services checks the range; a nodePort
    # on another type is rejected for a different reason (field-not-allowed-for-type).
    if service_type(service) not in ("NodePort", "LoadBalancer"):
        return
    low, high = ctx.settings.node_port_range
    for number, port in service_ports(service):
        node_port = port.get("nodePort")
        if isinstance(node_port, int) and not isinstance(node_port, bool) and node_port != 0:
            if not low <= node_port <= high:
                yield Hit(
                    ("spec", "ports", number, "nodePort"),
                    f"nodePort {node_port} is outside the node port range {low}-{high}",
                )
