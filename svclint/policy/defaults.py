"""The object an admission policy sees: a Service as the API server has it after defaulting.

Admission runs after the API server applies its defaults (k8s.io/kubernetes pkg/apis/core/v1
SetDefaults_Service and the Service strategy), so `object.spec.type` is `ClusterIP` in a policy
even when the manifest leaves it out. Values the server allocates (clusterIP, nodePorts) are
unknown offline and stay absent. Other kinds are seen as written, with their namespace set.
"""

from __future__ import annotations

from typing import Any

EXTERNAL_TYPES = ("NodePort", "LoadBalancer")


def as_admitted(data: dict, kind: str, namespace: str) -> dict:
    """A defaulted copy of `data`; the original is left alone (its positions locate findings),
    and only what defaulting changes is copied (a deep copy of every object costs a run more
    than evaluating it)."""
    admitted = dict(data)
    metadata = admitted.get("metadata")
    if isinstance(metadata, dict) and namespace and "namespace" not in metadata:
        admitted["metadata"] = {**metadata, "namespace": namespace}
    if kind == "Service" and isinstance(admitted.get("spec"), dict):
        admitted["spec"] = _default_service(admitted["spec"])
    return admitted


def _default_service(written: dict[str, Any]) -> dict[str, Any]:
    spec = dict(written)
    spec.setdefault("type", "ClusterIP")
    service_type = spec["type"]
    spec.setdefault("sessionAffinity", "None")
    if spec["sessionAffinity"] == "ClientIP":
        config = spec.get("sessionAffinityConfig") or {}
        client_ip = config.get("clientIP") or {} if isinstance(config, dict) else None
        if isinstance(client_ip, dict):
            spec["sessionAffinityConfig"] = {**config, "clientIP": {"timeoutSeconds": 10800, **client_ip}}
    if service_type != "ExternalName":
        spec.setdefault("internalTrafficPolicy", "Cluster")
    if service_type in EXTERNAL_TYPES:
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if service_type == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    ports = spec.get("ports")
    if isinstance(ports, list):
        spec["ports"] = [_default_port(port) if isinstance(port, dict) else port for port in ports]
    return spec


def _default_port(written: dict[str, Any]) -> dict[str, Any]:
    port = {"protocol": "TCP", **written}
    if port.get("targetPort") in (None, 0, ""):
        port["targetPort"] = port.get("port")
    return port
