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
    "kind.x-k8s.io/Cluster": [("nodes", EACH, "extraPortMappings")],  # KindCluster.mapped_node_ports
}


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
    for number, port in service_ports(service):
        node_port, protocol = port_number(port.get("nodePort")), protocol_of(port)
        path = ("spec", "ports", number, "nodePort")
        if node_port is None:
            yield Hit(path, "no nodePort: kind picks a random one, which no extraPortMappings entry maps; "
                            "pin it and map it")
        elif index.kind_clusters and low <= node_port <= high and (node_port, protocol) not in mapped:
            yield Hit(path, f"nodePort {node_port}/{protocol} is not the containerPort of any extraPortMappings "
                            "entry of the kind config: unreachable from the host")


def first_node_port_service(index: ResourceIndex) -> Resource | None:
    return next((s for s in index.of_kind("Service") if service_type(s) == "NodePort"), None)


def mapped_node_ports(index: ResourceIndex) -> set[tuple[int, str]]:
    return {port for cluster in index.kind_clusters for port in cluster.mapped_node_ports}
