from __future__ import annotations

import re
from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.fixes import quote_value
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import invalid, string_expected, with_hint
from svclint.model.apimachinery import is_qualified_name, label_value_errors
from svclint.model.resources import Resource
from svclint.model.services import map_key_text

# (path, how the API server names it, the Go struct field in decode errors)
LABEL_MAPS = (
    (("metadata", "labels"), "metadata.labels", "ObjectMeta.metadata.labels"),
    (("spec", "selector"), "spec.selector", "ServiceSpec.spec.selector"),
)
KEY_HINT = ("A key is a name of up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter "
            "or digit, with an optional DNS subdomain prefix and '/' (e.g. app.kubernetes.io/name)")


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    for path, where, go_field in LABEL_MAPS:
        labels = service.get(*path)
        if not isinstance(labels, dict):
            continue
        for key, value in labels.items():
            key_text = map_key_text(key)
            problems = is_qualified_name(key_text)
            if problems:
                yield Hit(path + (key,), with_hint(invalid(where, key_text, problems), KEY_HINT), anchor="key")
            if isinstance(value, str):
                problems = label_value_errors(value)
                if problems:
                    yield Hit(path + (key,), with_hint(invalid(where, value, problems), _value_hint(value)))
            elif value is not None:
                written = inputs.written(service, *path, key)
                fix = quote_value(path + (key,), f"quote {written} so that it stays the text written") \
                    if written is not None and not isinstance(value, (dict, list)) else None
                yield Hit(path + (key,), string_expected(f"{where}[{key_text}]", key_text, value, written, go_field),
                          fix=fix)


def _value_hint(value: str) -> str:
    guess = re.sub(r"[^A-Za-z0-9_.-]+", "-", value)[:63]
    guess = re.sub(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "", guess)
    example = f', e.g. "{guess}"' if guess and not label_value_errors(guess) else ""
    return ("A label value is empty or up to 63 letters, digits, '-', '_' or '.', starting and ending with a "
            f"letter or digit{example}")
