from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.fixes import DELETE, SET, Edit, Fix, replace_value
from svclint.check.rule_inputs import RuleInputs
from svclint.model.resources import Resource
from svclint.model.versions import (
    LOAD_BALANCER_IP_DEPRECATED,
    PREFER_SAME_TRAFFIC_DISTRIBUTION,
    TOLERATE_UNREADY_ENDPOINTS_IGNORED,
    TOPOLOGY_AWARE_HINTS_DEPRECATED,
    version,
)
from svclint.source.positions import Path

# path -> (deprecated since, what to use instead); the API server warns about each.
DEPRECATED: dict[Path, tuple[int, str]] = {
    ("spec", "loadBalancerIP"): (
        LOAD_BALANCER_IP_DEPRECATED,
        "use the load-balancer provider's annotation (e.g. metallb.io/loadBalancerIPs)"),
    ("metadata", "annotations", "service.kubernetes.io/topology-aware-hints"): (
        TOPOLOGY_AWARE_HINTS_DEPRECATED, "use the annotation service.kubernetes.io/topology-mode: Auto"),
}
# Replaced by spec.publishNotReadyAddresses, the only thing the endpoint controllers read now.
TOLERATE_UNREADY = ("metadata", "annotations", "service.alpha.kubernetes.io/tolerate-unready-endpoints")


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    for path, (since, instead) in DEPRECATED.items():
        if service.get(*path) not in (None, ""):
            yield Hit(path, f"`{path[-1]}` is deprecated since Kubernetes {version(since)}: {instead}", anchor="key")
    tolerate = service.get(*TOLERATE_UNREADY)
    if tolerate is not None:
        message = ("`tolerate-unready-endpoints` is deprecated, ignored from Kubernetes "
                   f"{version(TOLERATE_UNREADY_ENDPOINTS_IGNORED)} at least")
        publish = service.get("spec", "publishNotReadyAddresses")
        fix: Fix | None = Fix((Edit(DELETE, TOLERATE_UNREADY),), True, "remove the annotation")
        if str(tolerate).lower() == "true" and publish is not True:
            message += ": unready pods get no endpoints; set spec.publishNotReadyAddresses: true"
            fix = None if publish is not None else Fix(
                (Edit(DELETE, TOLERATE_UNREADY), Edit(SET, ("spec", "publishNotReadyAddresses"), True)), True,
                "replace the annotation with spec.publishNotReadyAddresses: true")
        else:
            message += ": remove it (spec.publishNotReadyAddresses replaces it)"
        yield Hit(TOLERATE_UNREADY, message, anchor="key", fix=fix)
    # PreferClose was renamed PreferSameZone; before that, there is no new name to use.
    minor = inputs.kubernetes_minor
    if service.get("spec", "trafficDistribution") == "PreferClose" and minor >= PREFER_SAME_TRAFFIC_DISTRIBUTION:
        yield Hit(("spec", "trafficDistribution"),
                  f"`trafficDistribution: PreferClose` is deprecated since Kubernetes "
                  f"{version(PREFER_SAME_TRAFFIC_DISTRIBUTION)}: "
                  "use PreferSameZone, its new name (same meaning)",
                  fix=replace_value(("spec", "trafficDistribution"), "PreferSameZone",
                                    "write PreferSameZone, PreferClose's new name"))
