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
ONLY_MAPPED = ("on a Linux host clients that use a node IP (the node container's address) reach it without a "
               "mapping, but on Docker Desktop (macOS, Windows) and for clients that use localhost only "
               "extraPortMappings ports work")


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    if inputs.target != "kind" or service_type(service) != "NodePort":
        return
    index = inputs.index
    if not index.kind_clusters and service is index.derived(first_node_port_service):
        yield Hit(("spec", "type"), "the target is kind, but no kind cluster config is loaded: svclint cannot "
                                    "check that the nodePorts of NodePort Services are mapped to the host; "
                                    "lint the config (kind create cluster --config FILE) with the manifests",
                  severity=Severity.INFO)
    mapped = index.derived(mapped_node_ports)
    low, high = inputs.settings.node_port_range
    why = _only_mapped_ports_work(index, inputs.settings.host_platform, low, high)
    severity = None if why else Severity.INFO
    for number, port in service_ports(service):
        node_port, protocol = port_number(port.get("nodePort")), protocol_of(port)
        path = ("spec", "ports", number, "nodePort")
        if node_port is None:
            yield Hit(path, "no nodePort: on kind the cluster picks a random one, which no extraPortMappings "
                            f"entry can map; {why or ONLY_MAPPED}; pin it (nodePort: {low}-{high}) and map it in "
                            "the kind config", severity=severity)
        elif index.kind_clusters and low <= node_port <= high and (node_port, protocol) not in mapped:
            yield Hit(path, f"nodePort {node_port}/{protocol} is not the containerPort of any extraPortMappings "
                            f"entry of the kind config; {why or ONLY_MAPPED}; to reach it through a mapping add "
                            f"{{containerPort: {node_port}, hostPort: ..., protocol: {protocol}}} to a node (kind "
                            "needs the cluster re-created for that)", severity=severity)


def _only_mapped_ports_work(index: ResourceIndex, platform: str, low: int, high: int) -> str | None:
    """Why only mapped node ports reach this author's cluster (a warning), or None when
    clients may well use the node IPs instead (info)."""
    if platform in DOCKER_DESKTOP:
        return (f"the host platform is {'macOS' if platform == 'macos' else 'Windows'}, where Docker Desktop "
                "runs the node containers in a VM: only extraPortMappings ports reach them")
    node_ports = index.derived(all_node_ports)
    for cluster in index.kind_clusters:
        for container, host, _ in cluster.port_mappings:
            if any(p is not None and (low <= p <= high or p in node_ports) for p in (container, host)):
                return (f"the kind config reaches NodePorts through extraPortMappings (containerPort {container}, "
                        f"hostPort {host}), and this port is not among them")
    return None


def first_node_port_service(index: ResourceIndex) -> Resource | None:
    return next((s for s in index.of_kind("Service") if service_type(s) == "NodePort"), None)


def mapped_node_ports(index: ResourceIndex) -> set[tuple[int, str]]:
    return {port for cluster in index.kind_clusters for port in cluster.mapped_node_ports}


def all_node_ports(index: ResourceIndex) -> set[int]:
    """The nodePorts the loaded Services ask for."""
    return {number for service in index.of_kind("Service") for _, port in service_ports(service)
            if (number := port_number(port.get("nodePort"))) is not None}
