from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.facts import Reads
from svclint.model.resources import Resource, ResourceIndex, identity
from svclint.model.services import (
    PORTS_FIELDS,
    TYPE_FIELDS,
    port_number,
    service_ports,
    service_type,
)
from svclint.source.positions import Path

READS: Reads = {"Service": [*TYPE_FIELDS, *PORTS_FIELDS, ("spec", "healthCheckNodePort")]}
SHOWN = 3  # other Services named in a message
Owners = tuple  # (sorted descriptions, identity -> its descriptions)


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    owners = inputs.index.derived(node_port_owners)
    low, high = inputs.settings.node_port_range
    for path, node_port in requested_node_ports(service):
        if not low <= node_port <= high:
            continue  # refused as out of range before it could collide (nodeport-out-of-range)
        others = _others(owners.get(node_port, ([], {})), identity(service))
        if others:
            yield Hit(path, f"nodePort {node_port} is also requested by {others}: the Service applied "
                            "second is rejected")


def _others(owners: "Owners", own: tuple) -> str:
    """The first few other owners by name, and how many more: 2,000 Services sharing a port
    would otherwise each name the 1,999 others (a report of 148 MB, in quadratic time)."""
    described, by_identity = owners
    mine = by_identity.get(own, set())
    count = len(described) - len(mine)
    shown = [d for d in described[:SHOWN + len(mine)] if d not in mine][:SHOWN]
    return ", ".join(shown) + (f" and {count - SHOWN:,} other Services" if count > SHOWN else "")


def requested_node_ports(service: Resource) -> Iterator[tuple[Path, int]]:
    """Explicit node ports the allocator reserves for the Service, each once (ports with the
    same `port` number, 53/TCP and 53/UDP, share theirs)."""
    if service_type(service) not in ("NodePort", "LoadBalancer"):
        return
    seen = set()
    for number, port in service_ports(service):
        node_port = port_number(port.get("nodePort"))
        if node_port is not None and node_port not in seen:
            seen.add(node_port)
            yield ("spec", "ports", number, "nodePort"), node_port
    health_check = port_number(service.get("spec", "healthCheckNodePort"))
    if health_check is not None and health_check not in seen:
        yield ("spec", "healthCheckNodePort"), health_check


def node_port_owners(index: ResourceIndex) -> dict[int, Owners]:
    """Node port -> the descriptions of the Services requesting it (sorted, each once), and
    those of each identity (a Service written in two files is described once in each)."""
    by_port: dict[int, dict[tuple, set[str]]] = defaultdict(dict)
    for service in index.of_kind("Service"):
        for _, node_port in requested_node_ports(service):
            by_port[node_port].setdefault(identity(service), set()).add(_describe(service))
    return {port: (sorted(set().union(*owners.values())), owners) for port, owners in by_port.items()}


def _describe(service: Resource) -> str:
    return f"Service {service.namespace}/{service.name} ({service.file})"
