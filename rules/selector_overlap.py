from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.facts import Reads
from svclint.model.resources import PodTemplate, Resource
from svclint.model.services import SELECTOR_FIELDS, format_labels, selector_of

# Of pod templates, their labels (the index keeps them).
READS: Reads = {"Service": SELECTOR_FIELDS}



def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    selector = selector_of(service)
    if selector is None:
        return
    apps: dict[str, PodTemplate] = {}
    for template in inputs.index.select(service.namespace, selector):
        app = app_of(template, inputs.options["app-labels"])
        if app is not None:
            apps.setdefault(app, template)
    if len(apps) < 2:
        return
    listing = ", ".join(sorted(apps)[:4]) + (f" and {len(apps) - 4} more" if len(apps) > 4 else "")
    message = (f"selector {format_labels(selector)} selects the pods of {len(apps)} applications ({listing}); "
               f"add `{inputs.options['app-labels'][0]}` to it")
    yield Hit(("spec", "selector"), message, anchor="key")


def app_of(template: PodTemplate, app_labels: tuple[str, ...]) -> str | None:
    """The application the pod belongs to: the value of the first of `app_labels` it has."""
    for key in app_labels:
        value = template.labels.get(key)
        if value not in (None, ""):
            return str(value)
    return None
