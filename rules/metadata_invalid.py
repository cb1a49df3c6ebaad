from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import invalid, with_hint
from svclint.model.apimachinery import is_qualified_name
from svclint.model.resources import Resource

STANDARD_FINALIZERS = ("kubernetes", "orphan", "foregroundDeletion")
OWNER_FIELDS = ("apiVersion", "kind", "name", "uid")


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    yield from _owner_references(service)
    yield from _finalizers(service)


def _owner_references(service: Resource) -> Iterator[Hit]:
    references = service.get("metadata", "ownerReferences")
    if not isinstance(references, list):
        return
    controller = None
    for index, reference in enumerate(references):
        if not isinstance(reference, dict):
            continue
        path = ("metadata", "ownerReferences", index)
        yield from _empty_fields(reference, path)
        if reference.get("apiVersion") == "v1" and reference.get("kind") == "Event":
            yield Hit(path, "metadata.ownerReferences: Invalid value: [...]: /v1, Kind=Event is disallowed "
                            "from being an owner")
        if reference.get("controller") is True:
            current = f"{reference.get('kind')}/{reference.get('name')}"
            if controller:
                yield Hit(path + ("controller",), with_hint(
                    "metadata.ownerReferences: Invalid value: [...]: Only one reference can have Controller set "
                    f'to true. Found "true" in references for {controller} and {current}',
                    "An object has at most one controller: set controller: true on one reference only"))
            controller = controller or current


def _empty_fields(reference: dict, path: tuple) -> Iterator[Hit]:
    for field in OWNER_FIELDS:
        value = reference.get(field)
        if not isinstance(value, str):
            continue  # a missing field is the schema's to report
        if field == "apiVersion" and not _version(value):
            yield Hit(path + (field,), invalid(f"metadata.ownerReferences.{field}", value,
                                               ["version must not be empty"]))
        elif not value:
            yield Hit(path + (field,), invalid(f"metadata.ownerReferences.{field}", value, ["must not be empty"]))


def _version(api_version: str) -> str:
    """The version part of `group/version` (empty when malformed), as schema.ParseGroupVersion reads it."""
    parts = api_version.split("/")
    return parts[-1] if len(parts) <= 2 else ""


def _finalizers(service: Resource) -> Iterator[Hit]:
    finalizers = service.get("metadata", "finalizers")
    if not isinstance(finalizers, list):
        return
    names = [f for f in finalizers if isinstance(f, str)]
    for index, name in enumerate(finalizers):
        if not isinstance(name, str):
            continue
        problems = is_qualified_name(name)
        if "/" not in name and name not in STANDARD_FINALIZERS:
            problems.append("name is neither a standard finalizer name nor is it fully qualified")
        if problems:
            yield Hit(("metadata", "finalizers", index), with_hint(
                invalid("metadata.finalizers", name, problems),
                "A finalizer is kubernetes, orphan, foregroundDeletion, or a name with a domain "
                "prefix such as example.com/cleanup"))
    if "orphan" in names and "foregroundDeletion" in names:
        yield Hit(("metadata", "finalizers"), invalid(
            "metadata.finalizers", names, ["finalizer orphan and foregroundDeletion cannot be both set"]), anchor="key")
