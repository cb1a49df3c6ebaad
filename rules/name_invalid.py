from __future__ import annotations

from typing import Callable, Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import invalid, label_hint, required, with_hint
from svclint.model.apimachinery import (
    is_dns1035_label,
    is_dns1123_label,
    mask_trailing_dash,
)
from svclint.model.resources import Resource
from svclint.model.versions import RELAXED_SERVICE_NAMES, version


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    name = service.get("metadata", "name")
    generate_name = service.get("metadata", "generateName")
    if name in (None, "") and generate_name in (None, ""):
        yield Hit(("metadata", "name"), with_hint(
            required("metadata.name", "name or generateName is required"), "Give the Service a name"))
    rule = is_dns1123_label if inputs.kubernetes_minor >= RELAXED_SERVICE_NAMES else is_dns1035_label
    if isinstance(name, str) and name:
        yield from _check_name("name", name, rule(name), rule, inputs)
    if isinstance(generate_name, str) and generate_name:
        problems = rule(mask_trailing_dash(generate_name))
        yield from _check_name("generateName", generate_name, problems, rule, inputs)
    namespace = service.get("metadata", "namespace")
    if isinstance(namespace, str) and namespace:
        problems = is_dns1123_label(namespace)
        if problems:
            yield Hit(("metadata", "namespace"), with_hint(
                invalid("metadata.namespace", namespace, problems), label_hint(namespace, is_dns1123_label)))


def _check_name(field: str, value: str, problems: list[str], rule: Callable[[str], list[str]],
                inputs: RuleInputs) -> Iterator[Hit]:
    if not problems:
        return
    if rule is is_dns1035_label and not is_dns1123_label(value.rstrip("-")):
        hint = (f"Service names may start with a digit only from Kubernetes {version(RELAXED_SERVICE_NAMES)} on "
                f"(linted for {version(inputs.kubernetes_minor)}): start it with a letter")
    else:
        hint = label_hint(value, rule)
    yield Hit(("metadata", field), with_hint(invalid(f"metadata.{field}", value, problems), hint))
