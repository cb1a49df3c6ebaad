"""Readers for the parts of a v1 Service that many rules look at, tolerant of wrong types."""

from __future__ import annotations

from typing import Iterator

from svclint.resources import Resource

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


def selector_of(service: Resource) -> dict[str, str] | None:
    """The selector a Service uses to find pods, or None when it selects none itself, or
    when it is not a mapping of strings to strings (the schema rule reports that)."""
    if service_type(service) == "ExternalName":
        return None
    selector = service.get("spec", "selector")
    if not isinstance(selector, dict) or not selector:
        return None
    if not all(isinstance(key, str) and isinstance(value, str) for key, value in selector.items()):
        return None
    return selector
