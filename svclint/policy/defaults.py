"""The object an admission policy sees: a Service as the API server has it after defaulting.

Admission runs after the API server applies its defaults (k8s.io/kubernetes pkg/apis/core/v1
SetDefaults_Service and the Service strategy), so `object.spec.type` is `ClusterIP` in a policy
even when the manifest leaves it out. Values the server allocates (clusterIP, nodePorts) are
unknown offline and stay absent. Other kinds are seen as written, with their namespace set.
"""

from __future__ import annotations

import copy
from typing import Any

EXTERNAL_TYPES = ("NodePort", "LoadBalancer")


def as_admitted(data: dict, kind: str, namespace: str) -> dict:
    """A defaulted copy of `data` (the original is left alone: its positions locate findings)."""
    admitted = copy.deepcopy(data)
    metadata = admitted.get("metadata")
    if isinstance(metadata, dict) and namespace and "namespace" not in metadata:
        metadata["namespace"] = namespace
    if kind == "Service" and isinstance(admitted.get("spec"), dict):
        _default_service(admitted["spec"])
    return admitted


def _default_service(spec: dict[str, Any]) -> None:
    spec.setdefault("type", "ClusterIP")
    service_type = spec["type"]
    spec.setdefault("sessionAffinity", "None")
    if spec["sessionAffinity"] == "ClientIP":
        config = spec.setdefault("sessionAffinityConfig", {})
        if isinstance(config, dict):
            client_ip = config.setdefault("clientIP", {})
            if isinstance(client_ip, dict):
                client_ip.setdefault("timeoutSeconds", 10800)
    if service_type != "ExternalName":
        spec.setdefault("internalTrafficPolicy", "Cluster")
    if service_type in EXTERNAL_TYPES:
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if service_type == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    ports = spec.get("ports")
    for port in ports if isinstance(ports, list) else []:
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")
            if port.get("targetPort") in (None, 0, ""):
                port["targetPort"] = port.get("port")
