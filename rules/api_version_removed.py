from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.resources import Resource
from svclint.model.versions import ENDPOINT_SLICE_V1BETA1_REMOVED, INGRESS_V1BETA1_REMOVED, version

# (apiVersion, kind) -> (no longer served from, the apiVersion to use); objects next to Services only.
REMOVED: dict[tuple[str, str], tuple[int, str]] = {
    ("extensions/v1beta1", "Ingress"): (INGRESS_V1BETA1_REMOVED, "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "Ingress"): (INGRESS_V1BETA1_REMOVED, "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "IngressClass"): (INGRESS_V1BETA1_REMOVED, "networking.k8s.io/v1"),
    ("discovery.k8s.io/v1beta1", "EndpointSlice"): (ENDPOINT_SLICE_V1BETA1_REMOVED, "discovery.k8s.io/v1"),
}
# What else changes with the apiVersion, when it is more than the apiVersion line.
RESHAPED = {"Ingress": " (backend.service.name and .port.number, pathType)"}


def check(resource: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    removed = REMOVED.get((resource.api_version, resource.kind))
    if removed is None or inputs.kubernetes_minor < removed[0]:
        return
    since, instead = removed
    yield Hit(("apiVersion",), f"{resource.kind} {resource.api_version} is no longer served (Kubernetes "
                               f"{version(since)} on): use {instead}{RESHAPED.get(resource.kind, '')}")
