from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit, Severity
from svclint.check.rule_inputs import RuleInputs
from svclint.model.facts import EACH, Reads
from svclint.model.resources import Resource, ResourceIndex
from svclint.model.services import TYPE_FIELDS, service_type

METALLB_KINDS = ("metallb.io/IPAddressPool", "metallb.io/L2Advertisement", "metallb.io/BGPAdvertisement")
# Only local clusters are known to lack a provider; on generic and cloud targets most
# clusters have one and svclint cannot know. At most a warning: the API server accepts the
# Service, only its EXTERNAL-IP stays pending.
MESSAGES = {
    "kind": (Severity.WARNING, "type LoadBalancer on kind without a load-balancer provider: EXTERNAL-IP stays "
                               "<pending> (run cloud-provider-kind, or MetalLB)"),
    "minikube": (Severity.WARNING,
                 "type LoadBalancer on minikube: EXTERNAL-IP stays <pending> until `minikube tunnel` runs "
                 "(or the metallb addon)"),
}
# Of MetalLB objects only that they are there (their kind, which the index keeps).
READS: Reads = {
    "Service": TYPE_FIELDS,
    "kind.x-k8s.io/Cluster": [("nodes", EACH, "labels"), ("nodes", EACH, "extraPortMappings"),
                              ("nodes", EACH, "kubeadmConfigPatches")],  # KindCluster.ingress_ports
}


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    if service_type(service) != "LoadBalancer" or inputs.target not in MESSAGES:
        return
    if inputs.settings.load_balancer_providers or any(inputs.index.of_kind(kind) for kind in METALLB_KINDS):
        return
    severity, message = MESSAGES[inputs.target]
    ingress = inputs.index.derived(ingress_ports) if inputs.target == "kind" else []
    if ingress:
        severity = Severity.INFO
        message = (f"type LoadBalancer stays <pending> on kind, but the config maps {' and '.join(map(str, ingress))} "
                   "to an ingress-ready node: through an Ingress, ClusterIP will do")
    yield Hit(("spec", "type"), message, severity=severity)


def ingress_ports(index: ResourceIndex) -> list[int]:
    """The ports (80, 443) a kind config maps to a node labelled ingress-ready=true."""
    return sorted({container for cluster in index.kind_clusters for container, _ in cluster.ingress_ports})
