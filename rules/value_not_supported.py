from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.fixes import replace_value
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import closest, field_path, not_supported, with_hint
from svclint.model.resources import Resource
from svclint.model.services import (
    PROTOCOLS,
    SERVICE_TYPES,
    externally_accessible,
    known_type,
    service_ports,
    string_items,
)
from svclint.model.versions import (
    PREFER_SAME_TRAFFIC_DISTRIBUTION,
    TRAFFIC_DISTRIBUTION,
    version,
)
from svclint.source.positions import Path

TRAFFIC_POLICIES = ("Cluster", "Local")
OLD_TRAFFIC_POLICIES = {"Global": "Cluster", "OnlyLocal": "Local"}  # the beta annotation's values
IP_FAMILY_POLICIES = ("SingleStack", "PreferDualStack", "RequireDualStack")


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    kind = known_type(service)
    yield from _unless_empty(("spec", "type"), service.get("spec", "type"), SERVICE_TYPES)
    yield from _unless_empty(("spec", "sessionAffinity"), service.get("spec", "sessionAffinity"), ("ClientIP", "None"))
    for index, port in service_ports(service):
        yield from _unless_empty(("spec", "ports", index, "protocol"), port.get("protocol"), PROTOCOLS)
    # externalTrafficPolicy on a Service that is not externally accessible is refused whatever
    # its value (traffic-policy-invalid); the value is checked where it means something.
    if kind is None or externally_accessible(service):
        policy = service.get("spec", "externalTrafficPolicy")
        yield from _unless_empty(("spec", "externalTrafficPolicy"), policy, TRAFFIC_POLICIES, OLD_TRAFFIC_POLICIES)
    yield from _when_set(("spec", "internalTrafficPolicy"), service.get("spec", "internalTrafficPolicy"),
                         TRAFFIC_POLICIES)
    if kind != "ExternalName":  # IP family fields are forbidden there (field-not-allowed-for-type)
        yield from _when_set(("spec", "ipFamilyPolicy"), service.get("spec", "ipFamilyPolicy"), IP_FAMILY_POLICIES)
        for index, family in string_items(service, "spec", "ipFamilies"):
            yield from _when_set(("spec", "ipFamilies", index), family, ("IPv4", "IPv6"))
    yield from _traffic_distribution(service, inputs.kubernetes_minor)


def _unless_empty(path: Path, value: object, supported: tuple[str, ...],
                  aliases: dict[str, str] | None = None) -> Iterator[Hit]:
    """A plain string field: empty means 'use the default'."""
    if value != "":
        yield from _when_set(path, value, supported, aliases)


def _when_set(path: Path, value: object, supported: tuple[str, ...],
              aliases: dict[str, str] | None = None, hint: str | None = None) -> Iterator[Hit]:
    """An optional field: null means unset, and any string, "" included, must be supported."""
    if not isinstance(value, str) or value in supported:
        return  # null is unset; other types are the schema's
    meant = closest(value, supported, aliases)
    if hint is None and meant:
        hint = f'Did you mean "{meant}"?' + (" Values are case-sensitive." if meant.lower() == value.lower() else "")
    # Only a difference of case is beyond doubt: a near spelling or an old name may mean another value.
    fix = replace_value(path, meant, f"write {meant}, the value's own spelling") \
        if meant and meant.lower() == value.lower() else None
    yield Hit(path, with_hint(not_supported(field_path(path), value, supported), hint), fix=fix)


def _traffic_distribution(service: Resource, minor: int) -> Iterator[Hit]:
    if minor < TRAFFIC_DISTRIBUTION:  # the alpha field before it is dropped unread
        return
    supported: tuple[str, ...] = ("PreferClose",)
    if minor >= PREFER_SAME_TRAFFIC_DISTRIBUTION:
        supported += ("PreferSameZone", "PreferSameNode")
    value = service.get("spec", "trafficDistribution")
    hint = None
    if value in ("PreferSameZone", "PreferSameNode") and value not in supported:
        hint = (f"{value} is accepted from Kubernetes {version(PREFER_SAME_TRAFFIC_DISTRIBUTION)} on "
                f"(linted for {version(minor)})")
        if value == "PreferSameZone":
            hint += ": PreferClose means the same"
    yield from _when_set(("spec", "trafficDistribution"), value, supported, hint=hint)
