"""The values that flow from rules to reporters."""

from __future__ import annotations

import enum
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from svclint.check.fixes import Fix
from svclint.model.apierrors import field_path
from svclint.model.resources import ObjectRef
from svclint.source.positions import Path

# A message quotes at most this much of any one value: aliases can repeat a 64 KB value
# thousands of times, and a report must stay about as big as the findings are many.
LONGEST_RUN = 320  # above what go_value quotes of a long string (300 and quotes)
LONGEST_MESSAGE = 4_000
_LONG_RUN = re.compile(r"\S{%d,}" % (LONGEST_RUN + 1))
# More hits than this of one rule on one object, alike but for list indices, are one finding.
GROUP_AT = 10
SHOWN_PLACES = 3
_INDEX = re.compile(r"\[\d+\]")


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return _LABELS[self]  # reporters ask once per finding: Enum.name is a slow descriptor

    @classmethod
    def parse(cls, name: str) -> "Severity":
        try:
            return cls[name.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {name!r} (expected error, warning or info)") from None


_LABELS = {severity: severity.name.lower() for severity in Severity}


@dataclass(frozen=True)
class Hit:
    """What a rule says about one object: where (a JSON path) and what, never a line."""

    path: Path
    message: str
    anchor: str = "value"  # "value" points at the value, "key" at the mapping key
    severity: Severity | None = None  # overrides the rule's severity for this one hit
    fix: Fix | None = None  # what would repair it (paths inside the object), if anything

    def __post_init__(self) -> None:
        if len(self.message) > LONGEST_RUN:
            object.__setattr__(self, "message", bounded(self.message))


def bounded(message: str) -> str:
    """The message with each run of more than LONGEST_RUN non-blank characters (a quoted
    value) cut to an excerpt, and the whole cut to LONGEST_MESSAGE characters."""
    message = _LONG_RUN.sub(lambda run: f"{run[0][:LONGEST_RUN]}... ({len(run[0]):,} characters)", message)
    if len(message) > LONGEST_MESSAGE:
        message = f"{message[:LONGEST_MESSAGE]}... ({len(message):,} characters)"
    return message


def grouped(hits: Iterable[Hit]) -> list[Hit]:
    """One rule's hits on one object, with more than GROUP_AT alike (the same but for list
    indices: one aliased bad value repeated 20,000 times in a list) made one hit that names
    a few of the other places and counts them."""
    hits = list(hits)
    if len(hits) <= GROUP_AT:
        return hits
    groups: dict[tuple, list[Hit]] = defaultdict(list)
    for hit in hits:
        groups[(_INDEX.sub("[]", hit.message), hit.anchor, hit.severity)].append(hit)
    kept = []
    for alike in groups.values():
        if len(alike) <= GROUP_AT:
            kept += alike
            continue
        first, others = alike[0], alike[1:]
        places = ", ".join(field_path(hit.path) for hit in others[:SHOWN_PLACES])
        kept.append(Hit(first.path, f"{first.message} (the same at {len(others):,} more places: {places}, ...)",
                        first.anchor, first.severity))
    return kept


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    obj: ObjectRef = field(default_factory=ObjectRef)
    fix: Fix | None = None  # paths from the document's root (Fix.located); see svclint/fix/
    # The overlays and charts whose rendering gave the finding (directories, as `file` is
    # named); empty for a file linted as written.
    via: tuple[str, ...] = ()
    # With `via`: the position holds the offending value itself, as rendered (a fix written
    # there changes what the cluster receives). A mapped position that is only near the value
    # (a resource's name that a prefix changed, a template line) is not exact.
    exact_source: bool = False

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.rule, self.message)
