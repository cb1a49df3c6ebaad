"""Readers for the parts of a v1 Service that many rules look at, tolerant of wrong types.

A value of the wrong JSON type is the `schema` rule's to report, and a value the API server
rejects is its Service validation rule's (port-invalid, target-port-invalid, ...): these
readers skip both, so that other rules do not complain about the same field again.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from svclint.model.apimachinery import port_name_errors
from svclint.model.resources import Resource, ResourceIndex
from svclint.source.positions import Path

SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
PROTOCOLS = ("SCTP", "TCP", "UDP")  # case-sensitive: `tcp` is rejected
NONE = "None"  # clusterIP of a headless Service

# What the readers below read of a Service, for the READS of cross-object rules that call them.
TYPE_FIELDS: list[Path] = [("spec", "type")]  # service_type, known_type
PORTS_FIELDS: list[Path] = [("spec", "ports")]  # service_ports
SELECTOR_FIELDS: list[Path] = [("spec", "selector"), *TYPE_FIELDS]  # has_selector, selector_of
HEADLESS_FIELDS: list[Path] = [("spec", "clusterIPs"), ("spec", "clusterIP")]  # cluster_ips, is_headless


def service_type(service: Resource) -> str:
    """The type after defaulting: an omitted type is ClusterIP."""
    value = service.get("spec", "type")
    return "ClusterIP" if value in (None, "") else str(value)


def known_type(service: Resource) -> str | None:
    """The type after defaulting, or None when it is not one the API server knows.

    Rules whose verdict depends on the type stay silent on None: a misspelled type is
    reported once (value-not-supported), not again by every rule guessing another type.
    """
    kind = service_type(service)
    return kind if kind in SERVICE_TYPES else None


def service_ports(service: Resource) -> Iterator[tuple[int, dict]]:
    ports = service.get("spec", "ports")
    if isinstance(ports, list):
        for number, port in enumerate(ports):
            if isinstance(port, dict):
                yield number, port


def has_selector(service: Resource) -> bool:
    """Whether the Service selects its pods itself (a non-empty selector, of whatever types)."""
    selector = service.get("spec", "selector")
    return service_type(service) != "ExternalName" and isinstance(selector, dict) and bool(selector)


def selector_of(service: Resource) -> dict | None:
    """The selector a Service uses to find pods, or None when it selects none itself.

    A selector whose keys or values are not strings is None too: the API server rejects the
    Service (label-invalid says so), so rules that follow the selector to pods stay quiet.
    """
    if not has_selector(service):
        return None
    selector = service.get("spec", "selector")
    decodable = all(isinstance(k, str) and isinstance(v, str) for k, v in selector.items())
    return selector if decodable else None


def protocol_of(port: dict) -> str:
    """A port's protocol after defaulting (Service ports and container ports: TCP)."""
    return str(port.get("protocol") or "TCP")


def as_int(value: Any) -> int | None:
    """An integer field's value, or None when it is not a number the API server decodes as one.

    `80.0` counts: kubectl sends it as the JSON number 80. A number beyond 32 bits does not:
    the integer fields of a Service are int32, so decoding fails before any validation
    (the schema rule reports it).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value) if -(2**31) <= value < 2**31 else None


def port_number(value: Any) -> int | None:
    """A valid port number (1-65535), or None for a name, a bool, a missing, zero or out-of-range value."""
    number = as_int(value)
    return number if number is not None and 1 <= number <= 65535 else None


def target_name(port: dict) -> str | None:
    """A named targetPort, or None; a name the API server rejects (`"8080"`, `HTTP`, more than
    15 characters) is none either (target-port-invalid), nor is one of a port whose protocol
    it rejects (`tcp`: value-not-supported)."""
    target = port.get("targetPort")
    if not isinstance(target, str) or not target or port_name_errors(target) or not _accepted_protocol(port):
        return None
    return target


def target_number(port: dict) -> int | None:
    """The numeric port traffic goes to: targetPort, or `port` when targetPort is unset or 0;
    None for a port the API server rejects (its number or its protocol)."""
    if not _accepted_protocol(port):
        return None
    target = port.get("targetPort")
    if target in (None, 0, ""):
        return port_number(port.get("port"))
    return port_number(target)


def _accepted_protocol(port: dict) -> bool:
    return protocol_of(port) in PROTOCOLS


def node_port(port: dict) -> int:
    """The requested nodePort, 0 when none (or when it is not a number)."""
    return as_int(port.get("nodePort")) or 0


def cluster_ips(service: Resource) -> list[tuple[Path, Any]]:
    """`spec.clusterIPs` as the API server validates it, with where each value is written.

    When only `clusterIP` is given, the registry copies it into `clusterIPs`, so its errors
    are about `spec.clusterIPs[0]` but the value is written at `spec.clusterIP`.
    """
    ips = service.get("spec", "clusterIPs")
    if isinstance(ips, list) and ips:
        return [(("spec", "clusterIPs", i), ip) for i, ip in enumerate(ips)]
    single = service.get("spec", "clusterIP")
    return [(("spec", "clusterIP"), single)] if single not in (None, "") else []


def is_headless(service: Resource) -> bool:
    ips = cluster_ips(service)
    return len(ips) == 1 and ips[0][1] == NONE


def externally_accessible(service: Resource) -> bool:
    """NodePort, LoadBalancer, or ClusterIP with external IPs (pkg/api/service ExternallyAccessible)."""
    kind = service_type(service)
    external_ips = service.get("spec", "externalIPs")
    return kind in ("NodePort", "LoadBalancer") or (kind == "ClusterIP" and bool(external_ips))


def is_set(service: Resource, *path: Any) -> bool:
    """Whether an optional field is given (a pointer field in Go: null is unset, "" is set)."""
    return service.get(*path) is not None


def string_items(service: Resource, *path: Any) -> Iterator[tuple[int, str]]:
    """The string entries of a list field, with their index."""
    items = service.get(*path)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, str):
                yield index, item


def map_key_text(key: Any) -> str:
    """A map key as kubectl sends it: YAML turns `on:` into a boolean key, sent as "true"."""
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def format_labels(labels: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{key}: {value}" for key, value in labels.items()) + "}"


def services_by_namespace(index: ResourceIndex) -> dict[str, list[Resource]]:
    """A table for `index.derived`: the loaded Services of each namespace."""
    table: dict[str, list[Resource]] = {}
    for service in index.of_kind("Service"):
        table.setdefault(service.namespace, []).append(service)
    return table
