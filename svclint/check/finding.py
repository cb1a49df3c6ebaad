"""The values that flow from rules to reporters."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from svclint.model.resources import ObjectRef
from svclint.source.positions import Path


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, name: str) -> "Severity":
        try:
            return cls[name.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {name!r} (expected error, warning or info)") from None


@dataclass(frozen=True)
class Hit:
    """What a rule says about one object: where (a JSON path) and what, never a line."""

    path: Path
    message: str
    anchor: str = "value"  # "value" points at the value, "key" at the mapping key
    severity: Severity | None = None  # overrides the rule's severity for this one hit


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    obj: ObjectRef = field(default_factory=ObjectRef)

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.rule, self.message)
