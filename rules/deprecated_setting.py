from __future__ import annotations

from typing import Iterator

from svclint.context import RuleContext
from svclint.finding import Hit
from svclint.resources import Resource

TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"
TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"
PREFER_SAME_ZONE_FROM = 34  # from 1.34 PreferSameZone is on by default, and PreferClose its old name


def check(service: Resource, ctx: RuleContext) -> Iterator[Hit]:
    annotations = service.get("metadata", "annotations")
    if isinstance(annotations, dict) and TOPOLOGY_HINTS in annotations:
        yield Hit(("metadata", "annotations", TOPOLOGY_HINTS),
                  f"annotation {TOPOLOGY_HINTS} is deprecated, please use {TOPOLOGY_MODE} instead", anchor="key")
    if service.get("spec", "trafficDistribution") == "PreferClose" and ctx.kubernetes_minor >= PREFER_SAME_ZONE_FROM:
        yield Hit(("spec", "trafficDistribution"),
                  'spec.trafficDistribution: "PreferClose" is deprecated; use "PreferSameZone", which means '
                  "the same")
