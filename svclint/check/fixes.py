"""What a rule proposes to change, in terms of JSON paths: the fix stage (svclint/fix/)
turns it into text edits at the source positions, so no rule handles text either.

An `Edit` says what to do at one path of the object; a `Fix` is the edits that repair one
finding together, whether it is safe (the result is what the author meant beyond doubt and
the API server accepts it) and one sentence on what it does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from svclint.source.positions import Path

REPLACE, QUOTE, DELETE, SET = "replace", "quote", "delete", "set"
SAFE, UNSAFE, NONE = "safe", "unsafe", "none"


@dataclass(frozen=True)
class Edit:
    """One change at `path`: `replace` the scalar with `value`; `quote` the scalar as written
    (kubectl then reads the text as a string); `delete` the key; `set` the key to `value`,
    adding it to its mapping when missing."""

    action: str
    path: Path
    value: object = None


@dataclass(frozen=True)
class Replacement:
    """A fix's edit as a region of the file (1-based; the end exclusive) and its new text:
    filled in by the fix stage for reports that show fixes (SARIF), which read no file."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True)
class Fix:
    edits: tuple[Edit, ...]
    safe: bool
    description: str
    doc_index: int = -1  # where the fix applies: set when the finding is located
    replacements: tuple[Replacement, ...] = ()  # the edits as text regions, when a report needs them

    def located(self, doc_index: int, base_path: Path) -> "Fix":
        """The fix with paths from the document's root (a List item's object sits under `items`)."""
        edits = tuple(replace(edit, path=tuple(base_path) + tuple(edit.path)) for edit in self.edits)
        return replace(self, edits=edits, doc_index=doc_index)

    @property
    def safety(self) -> str:
        return SAFE if self.safe else UNSAFE


def replace_value(path: Path, value: object, description: str, safe: bool = True) -> Fix:
    return Fix((Edit(REPLACE, tuple(path), value),), safe, description)


def quote_value(path: Path, description: str) -> Fix:
    return Fix((Edit(QUOTE, tuple(path)),), True, description)


def delete_key(path: Path, description: str, safe: bool = True) -> Fix:
    return Fix((Edit(DELETE, tuple(path)),), safe, description)


def set_value(path: Path, value: object, description: str, safe: bool = True) -> Fix:
    return Fix((Edit(SET, tuple(path), value),), safe, description)
