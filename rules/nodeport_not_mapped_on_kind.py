from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit, Severity
from svclint.check.rule_inputs import RuleInputs
from svclint.model.facts import EACH, Reads
from svclint.model.resources import Resource, ResourceIndex
from svclint.model.services import (
    PORTS_FIELDS,
    TYPE_FIELDS,
    port_number,
    protocol_of,
    service_ports,
    service_type,
)

READS: Reads = {
    "Service": [*TYPE_FIELDS, *PORTS_FIELDS],
    "kind.x-k8s.io/Cluster": [("nodes", EACH, "extraPortMappings")],  # KindCluster.port_mappings
}

DOCKER_DESKTOP = ("macos", "windows")
# The explanation (Linux node IPs vs Docker Desktop and localhost) is in the rule's rationale.
ONLY_MAPPED = "reachable at a node IP on a Linux host only, not from localhost or Docker Desktop"


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    if inputs.target != "kind" or service_type(service) != "NodePort":
        return
    index = inputs.index
    if not index.kind_clusters and service is index.derived(first_node_port_service):
        yield Hit(("spec", "type"), "the target is kind, but no kind cluster config is loaded to check the "
                                    "nodePorts against: lint it with the manifests",
                  severity=Severity.INFO)
    mapped = index.derived(mapped_node_ports)
    low, high = inputs.settings.node_port_range
    why = _only_mapped_ports_work(index, inputs.settings.host_platform, low, high)
    severity = None if why else Severity.INFO
    for number, port in service_ports(service):
        node_port, protocol = port_number(port.get("nodePort")), protocol_of(port)
        path = ("spec", "ports", number, "nodePort")
        if node_port is None:
            yield Hit(path, f"no nodePort: kind picks a random one, which no extraPortMappings entry maps; "
                            f"{why or ONLY_MAPPED}", severity=severity)
        elif index.kind_clusters and low <= node_port <= high and (node_port, protocol) not in mapped:
            yield Hit(path, f"nodePort {node_port}/{protocol} is in no extraPortMappings entry of the kind config; "
                            f"{why or ONLY_MAPPED}", severity=severity)


def _only_mapped_ports_work(index: ResourceIndex, platform: str, low: int, high: int) -> str | None:
    """Why only mapped node ports reach this author's cluster (a warning), or None when
    clients may well use the node IPs instead (info)."""
    if platform in DOCKER_DESKTOP:
        return f"on {'macOS' if platform == 'macos' else 'Windows'} only mapped ports reach kind's nodes"
    node_ports = index.derived(all_node_ports)
    for cluster in index.kind_clusters:
        for container, host, _ in cluster.port_mappings:
            if any(p is not None and (low <= p <= high or p in node_ports) for p in (container, host)):
                return f"the kind config maps NodePorts (containerPort {container}), not this one"
    return None


def first_node_port_service(index: ResourceIndex) -> Resource | None:
    return next((s for s in index.of_kind("Service") if service_type(s) == "NodePort"), None)


def mapped_node_ports(index: ResourceIndex) -> set[tuple[int, str]]:
    return {port for cluster in index.kind_clusters for port in cluster.mapped_node_ports}


def all_node_ports(index: ResourceIndex) -> set[int]:
    """The nodePorts the loaded Services ask for."""
    return {number for service in index.of_kind("Service") for _, port in service_ports(service)
            if (number := port_number(port.get("nodePort"))) is not None}
