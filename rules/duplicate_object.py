from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit, Severity
from svclint.check.rule_inputs import RuleInputs
from svclint.model.facts import Reads
from svclint.model.resources import Identity, Resource, ResourceIndex, identity

# Identities only (group, kind, name): the index keeps them of every object.
READS: Reads = {}


def check(resource: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    found = inputs.index.derived(duplicates).get(id(resource))
    if found is not None:
        message, severity = found
        yield Hit(("metadata", "name"), message, severity=severity)


def duplicates(index: ResourceIndex) -> dict[int, tuple[str, Severity | None]]:
    """Message and severity for the definitions to report, by id(): each repeat within its
    first definition's file, and once per pair of files for repeats across files."""
    first: dict[Identity, Resource] = {}
    files: dict[Identity, set[str]] = {}
    across: dict[tuple[str, str], list[Resource]] = {}  # (file, earlier file) -> repeats
    found: dict[int, tuple[str, Severity | None]] = {}
    for resource in index.objects:
        if not resource.name:
            continue  # generateName: the API server picks a fresh name
        key = identity(resource)
        if key not in first:
            first[key] = resource
        elif resource.file in files[key]:
            found[id(resource)] = (f"{_describe(resource)} is already defined earlier in this file: kubectl apply "
                                   "keeps only the last definition, and the earlier one is silently lost", None)
        else:
            across.setdefault((resource.file, first[key].file), []).append(resource)
        files.setdefault(key, set()).add(resource.file)
    for (_, earlier_file), repeated in across.items():
        found[id(repeated[0])] = (_across_files(repeated, earlier_file), Severity.INFO)
    return found


def _across_files(repeated: list[Resource], earlier_file: str) -> str:
    # Files that define the same objects are often alternatives (one per environment or
    # cluster) rather than parts of one set, so across files this is only a hint.
    what = _describe(repeated[0])
    if len(repeated) > 1:
        what += f" and {len(repeated) - 1} more object{'s' if len(repeated) > 2 else ''} of this file are"
    else:
        what += " is"
    return (f"{what} also defined in {earlier_file}: if both files are applied together, the later "
            "definitions replace the earlier; if they are alternatives (per environment or cluster), "
            "lint them separately")


def _describe(resource: Resource) -> str:
    name = f"{resource.namespace}/{resource.name}" if resource.namespace else resource.name
    return f"{resource.kind} {name} ({resource.api_version})"
