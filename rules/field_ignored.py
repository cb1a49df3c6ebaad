from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import with_hint
from svclint.model.resources import Resource
from svclint.model.services import is_headless, known_type


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    kind = known_type(service)
    spec = service.get("spec")
    if kind is None or not isinstance(spec, dict):
        return
    if kind == "ClusterIP" and is_headless(service):
        if spec.get("loadBalancerIP"):
            yield _ignored("loadBalancerIP", "spec.loadBalancerIP is ignored for headless services")
        if spec.get("externalIPs"):
            yield _ignored("externalIPs", "spec.externalIPs is ignored for headless services")
        if spec.get("sessionAffinity") == "ClientIP":
            yield _ignored("sessionAffinity", "spec.SessionAffinity is ignored for headless services")
    if kind == "ExternalName" and spec.get("externalIPs"):
        yield _ignored("externalIPs", 'spec.externalIPs is ignored when spec.type is "ExternalName"')
    if kind != "ExternalName" and spec.get("externalName"):
        yield _ignored("externalName", 'spec.externalName is ignored when spec.type is not "ExternalName"')


def _ignored(field: str, warning: str) -> Hit:
    return Hit(("spec", field), with_hint(warning, "Remove it, or check the Service's type"), anchor="key")
