from __future__ import annotations

from typing import Iterator, NamedTuple

from svclint.context import RuleContext
from svclint.finding import Hit, Severity
from svclint.resources import Resource, ResourceIndex, identity


class Repeat(NamedTuple):
    first: Resource  # the first definition of the object
    in_same_file: bool  # an earlier definition is in the repeat's own file


def check(resource: Resource, ctx: RuleContext) -> Iterator[Hit]:
    repeat = ctx.index.derived(repeats).get(id(resource))
    if repeat is None:
        return
    what = f"{resource.kind} {resource.namespace}/{resource.name} ({resource.api_version})"
    if repeat.in_same_file:
        yield Hit(("metadata", "name"), f"{what} is already defined earlier in this file: kubectl apply "
                                        "keeps only the last definition, and the earlier one is silently lost")
    else:
        # Files that define the same objects are often alternatives (one per environment or
        # cluster) rather than parts of one set, so across files this is only a hint.
        yield Hit(("metadata", "name"), f"{what} is also defined in {repeat.first.file}: if both files are "
                                        "applied together, the later one replaces the earlier; if they are "
                                        "alternatives (per environment or cluster), lint them separately",
                  severity=Severity.INFO)


def repeats(index: ResourceIndex) -> dict[int, Repeat]:
    """Every definition after the first of its object, by id()."""
    found: dict[int, Repeat] = {}
    files_seen: dict[tuple, set[str]] = {}
    first: dict[tuple, Resource] = {}
    for resource in index.objects:
        if not resource.name:
            continue  # generateName: the API server picks a fresh name
        key = identity(resource)
        files = files_seen.setdefault(key, set())
        if key in first:
            found[id(resource)] = Repeat(first[key], resource.file in files)
        else:
            first[key] = resource
        files.add(resource.file)
    return found
