from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit, Severity
from svclint.check.rule_inputs import RuleInputs
from svclint.model.facts import Reads
from svclint.model.resources import Resource
from svclint.model.services import TYPE_FIELDS, service_type

METALLB_KINDS = ("metallb.io/IPAddressPool", "metallb.io/L2Advertisement", "metallb.io/BGPAdvertisement")
# Only local clusters are known to lack a provider; on generic and cloud targets most
# clusters have one and svclint cannot know.
MESSAGES = {
    "kind": (None, "type LoadBalancer on kind without a load-balancer provider: EXTERNAL-IP stays <pending> "
                   "(run cloud-provider-kind, or MetalLB)"),
    "minikube": (Severity.WARNING,
                 "type LoadBalancer on minikube: EXTERNAL-IP stays <pending> until `minikube tunnel` runs "
                 "(or the metallb addon)"),
}
# Of MetalLB objects only that they are there (their kind, which the index keeps).
READS: Reads = {"Service": TYPE_FIELDS}


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    if service_type(service) != "LoadBalancer" or inputs.target not in MESSAGES:
        return
    if inputs.settings.load_balancer_providers or any(inputs.index.of_kind(kind) for kind in METALLB_KINDS):
        return
    severity, message = MESSAGES[inputs.target]
    yield Hit(("spec", "type"), message, severity=severity)
