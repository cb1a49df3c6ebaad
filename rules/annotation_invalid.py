from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.fixes import quote_value
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import invalid, string_expected, with_hint
from svclint.model.apimachinery import is_qualified_name
from svclint.model.resources import Resource
from svclint.model.services import map_key_text

ANNOTATIONS = ("metadata", "annotations")
TOTAL_SIZE_LIMIT = 256 * 1024  # bytes of all keys and values together
TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"
TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"  # deprecated spelling of the same setting


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    annotations = service.get(*ANNOTATIONS)
    if not isinstance(annotations, dict):
        return
    for key, value in annotations.items():
        key_text = map_key_text(key)
        problems = is_qualified_name(key_text.lower())  # case does not matter in annotation keys
        if problems:
            yield Hit(ANNOTATIONS + (key,), invalid("metadata.annotations", key_text, problems), anchor="key")
        if value is not None and not isinstance(value, str):
            written = inputs.written(service, *ANNOTATIONS, key)
            message = string_expected(f"metadata.annotations[{key_text}]", key_text, value,
                                      written, "ObjectMeta.metadata.annotations")
            fix = quote_value(ANNOTATIONS + (key,), f"quote {written} so that it stays the text written") \
                if written is not None and not isinstance(value, (dict, list)) else None
            yield Hit(ANNOTATIONS + (key,), with_hint(
                message, "Client-side kubectl apply may instead drop the whole annotations map without a word"),
                fix=fix)
    yield from _size(annotations)
    yield from _topology(annotations)


def _size(annotations: dict) -> Iterator[Hit]:
    size = sum(len(map_key_text(k).encode()) + len(v.encode() if isinstance(v, str) else b"")
               for k, v in annotations.items())
    if size > TOTAL_SIZE_LIMIT:
        yield Hit(ANNOTATIONS, with_hint(
            f"metadata.annotations: Too long: must have at most {TOTAL_SIZE_LIMIT} bytes",
            f"The annotations take {size} bytes: keep large data in a ConfigMap"), anchor="key")


def _topology(annotations: dict) -> Iterator[Hit]:
    mode, hints = annotations.get(TOPOLOGY_MODE), annotations.get(TOPOLOGY_HINTS)
    if isinstance(mode, str) and isinstance(hints, str) and mode != hints:
        where = f"metadata.annotations[{TOPOLOGY_MODE}]"
        yield Hit(ANNOTATIONS + (TOPOLOGY_MODE,), with_hint(
            invalid(where, mode, [f"must match annotations[{TOPOLOGY_HINTS}] when both are specified"]),
            f"Keep only {TOPOLOGY_MODE}: {TOPOLOGY_HINTS} is its deprecated name"))
