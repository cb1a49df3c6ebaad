from __future__ import annotations

import difflib
from typing import Any, Iterator, Mapping

from svclint.check.finding import Hit, Severity
from svclint.check.fixes import Fix, replace_value
from svclint.check.rule_inputs import RuleInputs
from svclint.model.facts import Reads
from svclint.model.resources import PodTemplate, Resource, ResourceIndex
from svclint.model.services import SELECTOR_FIELDS, format_labels, selector_of

# Of pod templates, their labels (the index keeps them); of CRDs only that they are there.
READS: Reads = {"Service": SELECTOR_FIELDS}


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    selector = selector_of(service)
    if selector is None or not inputs.index.templates:
        # No workload of any kind in the run: the pods come from elsewhere (a Service folder,
        # a single file), and the run's notes say that selectors were not checked.
        return
    if inputs.index.select(service.namespace, selector):
        return
    message = f"selector {format_labels(selector)} matches no pod template in namespace {service.namespace}"
    elsewhere = [ns for ns in inputs.index.namespaces_selecting(selector) if ns != service.namespace]
    nearest = inputs.index.nearest(service.namespace, selector)
    severity = None
    if elsewhere:
        message += (f", but matches pods in namespace {', '.join(elsewhere)}: "
                    "is metadata.namespace missing or wrong?")
    elif nearest:
        message += f"; nearest: {_describe(nearest, selector)}"
    if not elsewhere and inputs.index.of_kind("apiextensions.k8s.io/CustomResourceDefinition"):
        # Operators create pods from custom resources at run time, out of a linter's sight.
        severity = Severity.INFO
        message += "; its pods may be created at run time by an operator (CustomResourceDefinitions are loaded)"
    fix = None if elsewhere else _one_value_off(inputs.index, service.namespace, selector)
    yield Hit(("spec", "selector"), message, severity=severity, fix=fix)


def _one_value_off(index: ResourceIndex, namespace: str, selector: Mapping[str, Any]) -> Fix | None:
    """When exactly one workload of the namespace has every pair of the selector but one,
    whose value differs and is alike (`catalog` and `catalog-v2`; with a one-label selector
    every workload differs by one value): that value (unsafe: the workload may be the one
    that is wrong)."""
    changes = set()
    for key in selector:
        rest = {k: v for k, v in selector.items() if k != key}
        templates = index.select(namespace, rest) if rest else \
            [t for t in index.templates if t.owner.namespace == namespace]
        for template in templates:
            value = template.labels.get(key)
            if isinstance(value, str) and value != str(selector[key]) and _alike(value, str(selector[key])):
                changes.add((key, value, template.owner.ref))
    if len(changes) != 1:
        return None
    key, value, owner = changes.pop()
    return replace_value(("spec", "selector", key), value,
                         f"select {key}={value}, the label of {owner.kind} {owner.namespace}/{owner.name}", safe=False)


def _describe(template: PodTemplate, selector: Mapping[str, Any]) -> str:
    owner = template.owner
    differing = [
        f"{key}={template.labels[key]}" if key in template.labels else f"no {key} label"
        for key, value in selector.items()
        if str(template.labels.get(key)) != str(value)
    ]
    return f"{owner.kind} {owner.namespace}/{owner.name} has {', '.join(differing)}"


def _alike(value: str, other: str) -> bool:
    return difflib.SequenceMatcher(None, value, other).ratio() >= ALIKE


ALIKE = 0.6  # a typo, a suffix (-v2), not another application
