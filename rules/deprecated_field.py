from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.resources import Resource
from svclint.source.positions import Path

# path -> (deprecated since, what to use instead); the API server warns about each.
DEPRECATED: dict[Path, tuple[str, str]] = {
    ("spec", "loadBalancerIP"): (
        "1.24", "its meaning was never portable and many providers ignore it; use the provider's annotation "
                "(e.g. metallb.io/loadBalancerIPs, service.beta.kubernetes.io/azure-load-balancer-ipv4) "
                "or a Gateway address"),
    ("metadata", "annotations", "service.kubernetes.io/topology-aware-hints"): (
        "1.27", "use the annotation service.kubernetes.io/topology-mode: Auto"),
}


# PreferClose was renamed PreferSameZone, which is on by default from 1.34; before, there is no new name.
PREFER_SAME_ZONE_FROM = 34


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    for path, (since, instead) in DEPRECATED.items():
        if service.get(*path) not in (None, ""):
            yield Hit(path, f"`{path[-1]}` is deprecated since Kubernetes {since}: {instead}", anchor="key")
    if service.get("spec", "trafficDistribution") == "PreferClose" and inputs.kubernetes_minor >= PREFER_SAME_ZONE_FROM:
        yield Hit(("spec", "trafficDistribution"),
                  f"`trafficDistribution: PreferClose` is deprecated since Kubernetes 1.{PREFER_SAME_ZONE_FROM}: "
                  "use PreferSameZone, its new name (same meaning)")
