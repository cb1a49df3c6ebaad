from __future__ import annotations

from typing import Any, Iterator, Mapping

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.resources import Resource
from svclint.model.services import format_labels
from svclint.model.workloads import WorkloadKind, pod_templates, workload_kind
from svclint.source.positions import Path

# Who refuses a workload whose selector misses its pods: the API server, or for a custom
# resource the controller that validates it.
VALIDATING_CONTROLLERS = {"argoproj.io": "the Argo Rollouts controller"}


def check(workload: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    kind = workload_kind(inputs.settings.workload_kinds, workload.qualified_kind)
    if kind is None:
        return
    rejected = f"{VALIDATING_CONTROLLERS.get(workload.group, 'the API server')} rejects the {workload.kind}"
    for site in pod_templates(workload.data, kind):
        if site.selector is None or not isinstance(workload.get(*site.template), dict):
            continue  # no selector of its own, or no template (an Argo Rollout with a workloadRef)
        selector = workload.get(*site.selector)
        if selector is None or selector == {}:
            if kind.selector_required and site.main:
                yield Hit(site.selector, f"{workload.kind} has no (or an empty) selector: {rejected}; "
                                         f"select the template's labels {format_labels(site.labels)}")
            continue
        hit = _mismatch(selector, site.labels, kind) if isinstance(selector, dict) else None
        if hit is not None:
            path, text = hit
            yield Hit(site.selector + path, f"{text}, but the pod template's labels are "
                                            f"{format_labels(site.labels)}: {rejected}")


def _mismatch(selector: dict, labels: Mapping[str, Any], kind: WorkloadKind) -> tuple[Path, str] | None:
    """The first part of the selector that the template's labels do not satisfy."""
    if kind.selector_is_map:
        return _label_mismatch(selector, labels, ())
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, dict):
        found = _label_mismatch(match_labels, labels, ("matchLabels",))
        if found:
            return found
    expressions = selector.get("matchExpressions")
    for number, expression in enumerate(expressions if isinstance(expressions, list) else []):
        if isinstance(expression, dict) and not _satisfies(expression, labels):
            return ("matchExpressions", number), f"selector expression {_describe(expression)} is not satisfied"
    return None


def _label_mismatch(wanted: dict, labels: Mapping[str, Any], base: Path) -> tuple[Path, str] | None:
    for key, value in wanted.items():
        if key not in labels or str(labels[key]) != str(value):
            return base + (key,), f"selector requires {key}: {value}"
    return None


def _satisfies(expression: dict, labels: Mapping[str, Any]) -> bool:
    key, operator = expression.get("key"), expression.get("operator")
    values = [str(v) for v in expression.get("values") or []]
    value = str(labels[key]) if isinstance(key, str) and key in labels else None
    present = value is not None
    if operator == "In":
        return present and value in values
    if operator == "NotIn":
        return not present or value not in values
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    return True  # an unknown operator is the API server's to reject, not a mismatch


def _describe(expression: dict) -> str:
    values = expression.get("values")
    listed = f" [{', '.join(map(str, values))}]" if isinstance(values, list) and values else ""
    return f"`{expression.get('key')} {expression.get('operator')}{listed}`"
