from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.check.validation import resolve_version, schema_hits
from svclint.model.resources import Resource

# A value of the wrong type in these maps of strings is reported by the rule named, which
# shows the quoted form (`canary: "yes"`); the schema rule reports it only when that rule is off.
STRING_MAP_OWNERS = {
    ("metadata", "labels"): "label-invalid",
    ("spec", "selector"): "label-invalid",
    ("metadata", "annotations"): "annotation-invalid",
}


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    for hit in schema_hits(service.data, resolve_version(inputs.settings.kubernetes_version)):
        owner = STRING_MAP_OWNERS.get(tuple(hit.path[:2])) if len(hit.path) == 3 else None
        if owner is None or not inputs.runs(owner):
            yield hit
