from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.facts import EACH, Reads
from svclint.model.resources import Resource
from svclint.source.positions import dig
from svclint.model.services import (
    PORTS_FIELDS,
    TYPE_FIELDS,
    port_number,
    service_ports,
    service_type,
    services_by_namespace,
)
from svclint.source.documents import shorten
from svclint.source.positions import Path

# Of other objects, the check reads the named Services' types and ports (and their names,
# which the index keeps anyway); of Ingresses, their backends and the annotations that
# define AWS Load Balancer Controller actions.
_ROUTE_RULES = [("spec", "rules", EACH, "backendRefs")]
# v1 names `defaultBackend`; the v1beta1 shape (extensions, networking.k8s.io) names it `backend`.
_INGRESS_BACKENDS = [("spec", "defaultBackend"), ("spec", "backend"),
                     ("spec", "rules", EACH, "http", "paths", EACH, "backend")]
_INGRESS_READS = [*_INGRESS_BACKENDS, ("metadata", "annotations")]
READS: Reads = {
    "networking.k8s.io/Ingress": _INGRESS_READS,
    "extensions/Ingress": _INGRESS_READS,
    "gateway.networking.k8s.io/HTTPRoute": _ROUTE_RULES,
    "gateway.networking.k8s.io/GRPCRoute": _ROUTE_RULES,
    "gateway.networking.k8s.io/TCPRoute": _ROUTE_RULES,
    "gateway.networking.k8s.io/TLSRoute": _ROUTE_RULES,
    "gateway.networking.k8s.io/UDPRoute": _ROUTE_RULES,
    "Service": [*TYPE_FIELDS, *PORTS_FIELDS],
}


@dataclass(frozen=True)
class BackendRef:
    path: Path  # of the reference's `name`
    port_path: Path
    namespace: str
    name: str
    port: Any  # a number, a name, or None


# The AWS Load Balancer Controller: a backend whose port name is `use-annotation` is no
# Service but the action defined by the Ingress annotation `actions.<the backend's name>`.
ALB_ACTION_PORT = "use-annotation"
ALB_ACTIONS = "alb.ingress.kubernetes.io/actions."


def check(route: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    services = inputs.index.derived(services_by_namespace)
    for ref in backend_refs(route):
        if route.kind == "Ingress" and ref.port == ALB_ACTION_PORT:
            if not _has_alb_action(route, ref.name):
                yield Hit(ref.path, _missing_action(ref))
            continue
        if ref.namespace not in services:
            continue  # none of that namespace's Services is loaded: a partial set of manifests
        found = inputs.index.with_identity("Service", ref.namespace, ref.name)
        if not found:
            yield Hit(ref.path, _missing_service(ref, [s.name for s in services[ref.namespace]]))
        elif ref.port is not None and not any(_has_port(s, ref.port) for s in found):
            yield Hit(ref.port_path, _missing_port(ref, found[-1]))


def backend_refs(route: Resource) -> Iterator[BackendRef]:
    """Services named by an Ingress (v1, or the v1beta1 shape) or a Gateway API route."""
    if route.kind == "Ingress":
        yield from _ingress_refs(route)
        return
    rules = route.get("spec", "rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        refs = dig(rule, ("backendRefs",))
        for j, ref in enumerate(refs if isinstance(refs, list) else []):
            if isinstance(ref, dict) and ref.get("group", "") == "" and ref.get("kind", "Service") == "Service":
                base = ("spec", "rules", i, "backendRefs", j)
                namespace = ref.get("namespace") or route.namespace
                yield from _ref(base + ("name",), base + ("port",), namespace, ref.get("name"), ref.get("port"))


def _ingress_refs(ingress: Resource) -> Iterator[BackendRef]:
    backends: list[Path] = [("spec", "defaultBackend"), ("spec", "backend")]
    rules = ingress.get("spec", "rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        paths = dig(rule, ("http", "paths"))
        if isinstance(paths, list):
            backends += [("spec", "rules", i, "http", "paths", j, "backend") for j in range(len(paths))]
    for backend in backends:
        service = ingress.get(*backend, "service")
        if isinstance(service, dict):
            port = service.get("port")
            key = "number" if isinstance(port, dict) and "number" in port else "name"
            value = port.get(key) if isinstance(port, dict) else None
            base = backend + ("service",)
            yield from _ref(base + ("name",), base + ("port", key), ingress.namespace, service.get("name"), value)
        elif ingress.get(*backend, "serviceName") is not None:  # v1beta1: serviceName and servicePort
            yield from _ref(backend + ("serviceName",), backend + ("servicePort",), ingress.namespace,
                            ingress.get(*backend, "serviceName"), ingress.get(*backend, "servicePort"))


def _ref(path: Path, port_path: Path, namespace: Any, name: Any, port: Any) -> Iterator[BackendRef]:
    if isinstance(name, str) and name and isinstance(namespace, str):
        number_or_name = isinstance(port, (int, str)) and not isinstance(port, bool)  # port: true is no port 1
        yield BackendRef(path, port_path, namespace, name, port if number_or_name else None)


def _has_port(service: Resource, wanted: Any) -> bool:
    if service_type(service) == "ExternalName":
        return True  # its ports are the external host's, not the Service's
    if isinstance(wanted, str):
        return any(port.get("name") == wanted for _, port in service_ports(service))
    return any(port_number(port.get("port")) == wanted for _, port in service_ports(service))


def _has_alb_action(ingress: Resource, name: str) -> bool:
    annotations = ingress.get("metadata", "annotations")
    return isinstance(annotations, dict) and isinstance(annotations.get(ALB_ACTIONS + name), str)


def _missing_action(ref: BackendRef) -> str:
    # A Service name is at most 63 characters: the message stays within one line of 160.
    return f"no annotation `{ALB_ACTIONS}{shorten(ref.name, 63)}` defines this `{ALB_ACTION_PORT}` action"


def _missing_service(ref: BackendRef, names: list[str]) -> str:
    message = f"no Service `{ref.name}` in namespace {ref.namespace}"
    close = difflib.get_close_matches(ref.name, names, n=1)
    if close:
        message += f"; did you mean `{close[0]}`?"
    return message + ": requests for this backend fail"


def _missing_port(ref: BackendRef, service: Resource) -> str:
    ports = [f"{port.get('port')}" + (f" ({port['name']})" if port.get("name") else "")
             for _, port in service_ports(service)]
    wanted = f"named `{ref.port}`" if isinstance(ref.port, str) else str(ref.port)
    return (f"Service {ref.namespace}/{ref.name} has no port {wanted} (its ports: {', '.join(ports) or 'none'}); "
            "a backend names the Service's `port`, not the pods' targetPort")
