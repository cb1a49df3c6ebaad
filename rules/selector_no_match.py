from __future__ import annotations

from typing import Any, Iterator, Mapping

from svclint.context import RuleContext
from svclint.finding import Hit, Severity
from svclint.resources import PodTemplate, Resource
from svclint.services import format_labels, selector_of


def check(service: Resource, ctx: RuleContext) -> Iterator[Hit]:
    selector = selector_of(service)
    if selector is None or ctx.index.select(service.namespace, selector):
        return
    message = f"selector {format_labels(selector)} matches no pod template in namespace {service.namespace}"
    elsewhere = [ns for ns in ctx.index.namespaces_selecting(selector) if ns != service.namespace]
    nearest = ctx.index.nearest(service.namespace, selector)
    severity = None
    if elsewhere:
        message += (f", but matches pods in namespace {', '.join(elsewhere)}: "
                    "is metadata.namespace missing or wrong?")
    elif nearest:
        message += f"; nearest: {_describe(nearest, selector)}"
    if not elsewhere and ctx.index.of_kind("apiextensions.k8s.io/CustomResourceDefinition"):
        # Operators create pods from custom resources at run time, out of a linter's sight.
        severity = Severity.INFO
        message += "; its pods may be created at run time by an operator (CustomResourceDefinitions are loaded)"
    yield Hit(("spec", "selector"), message, severity=severity)


def _describe(template: PodTemplate, selector: Mapping[str, Any]) -> str:
    owner = template.owner
    differing = [
        f"{key}={template.labels[key]}" if key in template.labels else f"no {key} label"
        for key, value in selector.items()
        if str(template.labels.get(key)) != str(value)
    ]
    return f"{owner.kind} {owner.namespace}/{owner.name} has {', '.join(differing)}"
