from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.fixes import Fix, delete_key
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import forbidden, invalid, with_hint
from svclint.model.resources import Resource
from svclint.model.services import (
    cluster_ips,
    is_headless,
    is_set,
    known_type,
    node_port,
    service_ports,
)

SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"
ONLY_LOAD_BALANCER = "may only be used when `type` is 'LoadBalancer'"
LOAD_BALANCER_FIELDS = ("allocateLoadBalancerNodePorts", "loadBalancerClass")


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    kind = known_type(service)
    if kind is None:
        return  # value-not-supported reports the type; what is allowed depends on the type meant
    if kind in ("NodePort", "LoadBalancer") and is_headless(service):
        path = cluster_ips(service)[0][0]
        yield Hit(path, with_hint(
            invalid("spec.clusterIPs[0]", "None", [f"may not be set to 'None' for {kind} services"]),
            f"Only a ClusterIP Service can be headless: remove clusterIP: None, or drop type: {kind}"))
    if kind == "ExternalName":
        yield from _external_name(service)
    if kind == "ClusterIP":
        yield from _node_ports(service)
    if kind != "LoadBalancer":
        yield from _load_balancer_fields(service, kind)


def _removal(service: Resource, *paths: tuple) -> Fix:
    """Removing the fields: safe when the type is written (the author chose it), unsafe when
    it defaults to ClusterIP (the author may have meant the type the fields belong to)."""
    edits = tuple(edit for path in paths for edit in delete_key(path, "").edits)
    return Fix(edits, service.get("spec", "type") not in (None, ""),
               f"remove {' and '.join(str(path[-1]) for path in paths)}")


def _external_name(service: Resource) -> Iterator[Hit]:
    ips = cluster_ips(service)
    if ips:
        yield Hit(ips[0][0][:2], with_hint(
            forbidden("spec.clusterIPs", "may not be set for ExternalName services"),
            "An ExternalName Service is a DNS alias (CNAME) and gets no cluster IP: remove it"), anchor="key",
            fix=_removal(service, *dict.fromkeys(path for path in (("spec", "clusterIP"), ("spec", "clusterIPs"))
                                                  if is_set(service, *path))))
    families = service.get("spec", "ipFamilies")
    for field, given in (("ipFamilies", isinstance(families, list) and bool(families)),
                         ("ipFamilyPolicy", is_set(service, "spec", "ipFamilyPolicy"))):
        if given:
            yield Hit(("spec", field), with_hint(
                forbidden(f"spec.{field}", "may not be set for ExternalName services"),
                "An ExternalName Service is a DNS alias (CNAME) and has no IP family: remove it"), anchor="key",
                fix=_removal(service, ("spec", field)))


def _node_ports(service: Resource) -> Iterator[Hit]:
    if service.get("spec", "type") in (None, ""):
        why = "The Service has no type, so it is ClusterIP"
    else:
        why = "A ClusterIP Service opens no port on the nodes"
    for index, port in service_ports(service):
        if node_port(port):
            yield Hit(("spec", "ports", index, "nodePort"), with_hint(
                forbidden(f"spec.ports[{index}].nodePort", "may not be used when `type` is 'ClusterIP'"),
                f"{why}: set type: NodePort (or LoadBalancer) to expose this port on every node, "
                "or remove nodePort"), fix=_removal(service, ("spec", "ports", index, "nodePort")))


def _load_balancer_fields(service: Resource, kind: str) -> Iterator[Hit]:
    remedy = f"It applies to LoadBalancer Services only, and this one is {kind}: remove it, or set type: LoadBalancer"
    ranges = service.get("spec", "loadBalancerSourceRanges")
    annotations = service.get("metadata", "annotations")
    if isinstance(ranges, list) and ranges:
        yield Hit(("spec", "loadBalancerSourceRanges"), with_hint(
            forbidden("spec.LoadBalancerSourceRanges", ONLY_LOAD_BALANCER), remedy), anchor="key",
            fix=_removal(service, ("spec", "loadBalancerSourceRanges")))
    elif isinstance(annotations, dict) and SOURCE_RANGES_ANNOTATION in annotations:
        yield Hit(("metadata", "annotations", SOURCE_RANGES_ANNOTATION), with_hint(
            forbidden(f"metadata.annotations[{SOURCE_RANGES_ANNOTATION}]", ONLY_LOAD_BALANCER), remedy),
            anchor="key", fix=_removal(service, ("metadata", "annotations", SOURCE_RANGES_ANNOTATION)))
    for field in LOAD_BALANCER_FIELDS:
        if is_set(service, "spec", field):
            yield Hit(("spec", field), with_hint(forbidden(f"spec.{field}", ONLY_LOAD_BALANCER),
                                                 remedy), anchor="key", fix=_removal(service, ("spec", field)))
