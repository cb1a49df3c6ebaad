from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.facts import Reads
from svclint.model.resources import Resource, ResourceIndex
from svclint.model.services import SELECTOR_FIELDS, has_selector, service_type

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
# Of Endpoints, their names (the index keeps them).
READS: Reads = {
    "Service": SELECTOR_FIELDS,
    "discovery.k8s.io/EndpointSlice": [("metadata", "labels", SERVICE_NAME_LABEL)],
}


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    if service_type(service) == "ExternalName" or has_selector(service):
        return
    if (service.namespace, service.name) in inputs.index.derived(services_with_endpoints):
        return
    yield Hit(("spec",), f"no selector, and no Endpoints or EndpointSlice for `{service.name}` is loaded: "
                         "the Service has no endpoints", anchor="key")


def services_with_endpoints(index: ResourceIndex) -> set[tuple[str, str]]:
    """(namespace, Service name) of every loaded Endpoints or EndpointSlice."""
    owners = {(e.namespace, e.name) for e in index.of_kind("Endpoints")}
    for endpoint_slice in index.of_kind("discovery.k8s.io/EndpointSlice"):
        service_name = endpoint_slice.get("metadata", "labels", SERVICE_NAME_LABEL)
        if isinstance(service_name, str):
            owners.add((endpoint_slice.namespace, service_name))
    return owners
