"""Shrink an object to the facts cross-object rules read.

Per-object rules see the whole object while its file is being checked; afterwards only
these facts are kept (and, with --jobs, sent back from the worker), so memory stays
proportional to what cross-object rules need, not to the size of the manifests.
"""

from __future__ import annotations

from typing import Any, Mapping

from svclint.model.resources import Resource, dig
from svclint.model.workloads import WorkloadKind, workload_kind

# Kinds kept whole but for their metadata: small, and read field by field by cross-object rules.
WHOLE_KINDS = frozenset({
    "Service", "networking.k8s.io/Ingress", "extensions/Ingress", "Endpoints",
    "discovery.k8s.io/EndpointSlice", "kind.x-k8s.io/Cluster",
    "kustomize.config.k8s.io/Kustomization",
    "gateway.networking.k8s.io/HTTPRoute", "gateway.networking.k8s.io/GRPCRoute",
    "gateway.networking.k8s.io/TCPRoute", "gateway.networking.k8s.io/TLSRoute",
    "gateway.networking.k8s.io/UDPRoute",
})
WORKLOAD_SPEC_KEYS = ("selector", "serviceName")
CONTAINER_KEYS = ("name", "ports", "restartPolicy")
ANNOTATION_PREFIX = "svclint.io/"


def facts_of(resource: Resource, workload_kinds: Mapping[str, WorkloadKind]) -> Resource:
    if resource.qualified_kind in WHOLE_KINDS:
        if not isinstance(resource.data.get("metadata"), dict):
            return resource
        # Annotations (last-applied-configuration, cloud load-balancer settings) can outweigh
        # the rest of the object, and cross-object rules read none but svclint's own.
        data = {**resource.data, "metadata": _metadata(resource.data["metadata"])}
        return Resource(data, resource.file, resource.doc_index, resource.namespace, resource.base_path)
    data: dict[str, Any] = {
        "apiVersion": resource.data.get("apiVersion"),
        "kind": resource.data.get("kind"),
        "metadata": _metadata(resource.data.get("metadata")),
    }
    workload = workload_kind(workload_kinds, resource.qualified_kind)
    if workload is not None:
        _copy_workload(resource.data, data, workload.template)
    return Resource(data, resource.file, resource.doc_index, resource.namespace, resource.base_path)


def _metadata(metadata: Any) -> dict:
    if not isinstance(metadata, dict):
        return {}
    kept = {key: metadata[key] for key in ("name", "namespace", "labels") if key in metadata}
    annotations = metadata.get("annotations")
    if isinstance(annotations, dict):
        # Only svclint's own annotations matter later (suppressions); others can be huge.
        own = {k: v for k, v in annotations.items() if str(k).startswith(ANNOTATION_PREFIX)}
        if own:
            kept["annotations"] = own
    return kept


def _copy_workload(source: dict, target: dict, template_path: tuple) -> None:
    spec = source.get("spec")
    if template_path and isinstance(spec, dict):
        target["spec"] = {key: spec[key] for key in WORKLOAD_SPEC_KEYS if key in spec}
    template = dig(source, template_path) if template_path else source
    if not isinstance(template, dict):
        return
    pod_spec = template.get("spec")
    pruned_template = {
        "metadata": _metadata(template.get("metadata")),
        "spec": _pod_spec(pod_spec) if isinstance(pod_spec, dict) else {},
    }
    if template_path:
        _set(target, template_path, pruned_template)
    else:  # a bare Pod is its own template
        target["spec"] = pruned_template["spec"]


def _pod_spec(spec: dict) -> dict:
    return {
        key: [_container(c) for c in spec[key] if isinstance(c, dict)]
        for key in ("containers", "initContainers")
        if isinstance(spec.get(key), list)
    }


def _container(container: dict) -> dict:
    return {key: container[key] for key in CONTAINER_KEYS if key in container}


def _set(target: dict, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value
