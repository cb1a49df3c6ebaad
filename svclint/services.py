"""Readers for the parts of a v1 Service that many rules look at, tolerant of wrong types."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from svclint.resources import Resource, ResourceIndex

SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")


def service_type(service: Resource) -> str:
    """The type after defaulting: an omitted type is ClusterIP."""
    value = service.get("spec", "type")
    return "ClusterIP" if value in (None, "") else str(value)


def service_ports(service: Resource) -> Iterator[tuple[int, dict]]:
    ports = service.get("spec", "ports")
    if isinstance(ports, list):
        for number, port in enumerate(ports):
            if isinstance(port, dict):
                yield number, port


def selector_of(service: Resource) -> dict | None:
    """The selector a Service uses to find pods, or None when it selects none itself."""
    if service_type(service) == "ExternalName":
        return None
    selector = service.get("spec", "selector")
    return selector if isinstance(selector, dict) and selector else None


def protocol_of(port: dict) -> str:
    """A port's protocol after defaulting (Service ports and container ports: TCP)."""
    return str(port.get("protocol") or "TCP")


def port_number(value: Any) -> int | None:
    """An integer port, or None for a name, a bool, a missing or a zero value."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value != 0 else None


def target_name(port: dict) -> str | None:
    """A named targetPort. A digits-only string is no name (the API server rejects it)."""
    target = port.get("targetPort")
    return target if isinstance(target, str) and any(c.isalpha() for c in target) else None


def target_number(port: dict) -> int | None:
    """The numeric port traffic goes to: targetPort, or `port` when targetPort is unset or 0."""
    target = port.get("targetPort")
    if target in (None, 0, ""):
        return port_number(port.get("port"))
    return port_number(target)


def is_headless(service: Resource) -> bool:
    return service.get("spec", "clusterIP") == "None"


def format_labels(labels: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{key}: {value}" for key, value in labels.items()) + "}"


def services_by_namespace(index: ResourceIndex) -> dict[str, list[Resource]]:
    """A table for `index.derived`: the loaded Services of each namespace."""
    table: dict[str, list[Resource]] = {}
    for service in index.of_kind("Service"):
        table.setdefault(service.namespace, []).append(service)
    return table
