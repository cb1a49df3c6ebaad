from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit, Severity
from svclint.check.rule_inputs import RuleInputs
from svclint.model.facts import Reads
from svclint.model.resources import Resource, ResourceIndex
from svclint.model.services import (
    HEADLESS_FIELDS,
    SELECTOR_FIELDS,
    is_headless,
    selector_of,
    services_by_namespace,
)

PATH = ("spec", "serviceName")
READS: Reads = {"apps/StatefulSet": [PATH], "Service": [*HEADLESS_FIELDS, *SELECTOR_FIELDS]}


def check(statefulset: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    name = statefulset.get(*PATH)
    if not isinstance(name, str) or not name:
        return
    namespace = statefulset.namespace
    services = inputs.index.with_identity("Service", namespace, name)
    dns = f"{statefulset.name}-0.{name}.{namespace}.svc"
    if not services:
        yield from _missing(statefulset, name, dns, inputs.index)
        return
    service = services[-1]  # of several definitions, the last one applied wins
    if not is_headless(service):
        yield Hit(PATH, f"Service {namespace}/{name} named by serviceName is not headless (`clusterIP: None`): "
                        f"no DNS names such as {dns}")
    elif not any(s is service for s in inputs.index.derived(governing_services).get(id(statefulset), [])):
        yield Hit(PATH, f"headless Service {namespace}/{name} named by serviceName does not select these "
                        f"pods: no DNS names such as {dns}")


def _missing(statefulset: Resource, name: str, dns: str, index: ResourceIndex) -> Iterator[Hit]:
    namespace = statefulset.namespace
    if namespace not in index.derived(services_by_namespace):
        return  # none of the namespace's Services is loaded: a partial set of manifests
    message = f"serviceName `{name}` names no Service in namespace {namespace}: no DNS names such as {dns}"
    governing = index.derived(governing_services).get(id(statefulset))
    if governing:
        yield Hit(PATH, f"{message}; did you mean `{governing[0].name}`?")
    else:
        # Pods that nobody addresses by name work without it (argo-cd's application controller).
        yield Hit(PATH, message, severity=Severity.INFO)


def governing_services(index: ResourceIndex) -> dict[int, list[Resource]]:
    """The headless Services that select each workload's pods, by id() of the workload."""
    table: dict[int, list[Resource]] = {}
    for service in index.of_kind("Service"):
        selector = selector_of(service)
        if is_headless(service) and selector:
            for template in index.select(service.namespace, selector):
                table.setdefault(id(template.owner), []).append(service)
    return table
