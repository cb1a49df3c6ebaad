"""JSON text read with the json module, and JSON paths located in it without composing nodes.

kubectl reads a stream that starts with `{` as JSON. Reading it as YAML gives the same data
but composes a node for every value: a 5 MB `kind: List` took 10 s and 600 MB, where the
json module takes a fraction of a second and holds only the data. A finding's position is
found afterwards by walking the text along the finding's path, skipping the values beside
it; only the offsets of the containers walked through are remembered.

The fast path takes only what both readers read alike: a single JSON value (a stream of
several is read as YAML reads it), without duplicate keys (the YAML path reports those),
characters YAML refuses, surrogate escapes, nesting beyond MAX_DEPTH or numbers beyond
64 bits. Anything else returns None, and the YAML path reads the text as before.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from svclint.source.complexity import MAX_DEPTH
from svclint.source.kubectl_yaml import LARGEST_EXACT_JSON_INT, resolve_plain

# What YAML's reader refuses (PyYAML's NON_PRINTABLE), and escapes of UTF-16 surrogates,
# which the json module pairs and YAML does not: both are left to the YAML path.
_YAML_ONLY = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
                        r"|\\u[dD][89a-fA-F]")
_WHITESPACE = re.compile(r"[ \t\r\n]*")
_STRUCTURE = re.compile(r'["\[\]{}]')
_SCALAR_END = re.compile(r"[,\]}\s]|\Z")
LONGEST_INT = 18  # digits: below 2**63, so that YAML and JSON read it alike


class NotForJson(Exception):
    """The text is not read alike by the json module and the YAML path."""


def load_json(text: str) -> tuple[Any, int, int] | None:
    """The data of `text` if it is a single JSON value read alike by both readers, with the
    offsets where that value starts and ends; else None."""
    if _YAML_ONLY.search(text):
        return None
    start = _WHITESPACE.match(text).end()  # type: ignore[union-attr]
    try:
        data, end = _DECODER.raw_decode(text, start)
    except (ValueError, NotForJson, RecursionError):
        return None
    # YAML refuses a tab where a block could start (before or after the value); JSON does not.
    if text[end:].strip(" \t\r\n") or "\t" in text[:start] or "\t" in text[end:] or _too_deep(data):
        return None
    return data, start, end


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise NotForJson("duplicate keys")
    return mapping


def _number(text: str) -> Any:
    """As the YAML path reads a JSON number: a plain scalar, integral floats as integers."""
    if len(text.lstrip("-")) > LONGEST_INT and "." not in text and "e" not in text.lower():
        raise NotForJson("a number beyond 64 bits")
    value = resolve_plain(text)
    if value.__class__ is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise NotForJson("not a finite number")
        if value.is_integer() and abs(value) < LARGEST_EXACT_JSON_INT:
            return int(value)
    return value


def _constant(text: str) -> Any:
    raise NotForJson(text)  # NaN, Infinity: not JSON to kubectl


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_float=_number, parse_int=_number,
                            parse_constant=_constant)


def _too_deep(data: Any) -> bool:
    level, depth = [data], 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            return True
        level = [child for item in level if isinstance(item, (dict, list))
                 for child in (item.values() if isinstance(item, dict) else item)
                 if isinstance(child, (dict, list))]
    return False


class JsonLocator:
    """Offsets of the values at JSON paths in one JSON document's text, found by walking the
    text; the children of each container walked through are remembered (their offsets only)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._children: dict[int, Any] = {}  # container offset -> {key: (key, value)} or [value]

    def find(self, path: tuple) -> tuple[int | None, int, bool]:
        """(offset of the last key on the way, offset of the value, whether the whole path was
        found); a missing part stops at its parent, as the YAML path does."""
        value = _WHITESPACE.match(self.text).end()  # type: ignore[union-attr]
        key = None
        for part in path:
            child = self._child(value, part)
            if child is None:
                return key, value, False
            key, value = child
        return key, value, True

    def scalar(self, offset: int) -> str | None:
        """The scalar at `offset` as a YAML node would hold it: a string decoded, a number or
        literal as written; None for a container."""
        first = self.text[offset]
        if first == '"':
            return scanstring(self.text, offset + 1)[0]
        if first in "[{":
            return None
        return self.text[offset:_SCALAR_END.search(self.text, offset).start()]  # type: ignore[union-attr]

    def _child(self, offset: int, part: object) -> tuple[int | None, int] | None:
        first = self.text[offset]
        if first == "{":
            return self._members(offset).get(str(part))
        if first == "[" and isinstance(part, int):
            items = self._items(offset)
            return (None, items[part]) if 0 <= part < len(items) else None
        return None

    def _members(self, offset: int) -> dict[str, tuple[int, int]]:
        if offset not in self._children:
            members: dict[str, tuple[int, int]] = {}
            at = self._skip_space(offset + 1)
            while self.text[at] != "}":
                self._expect(at, '"')
                name, after = scanstring(self.text, at + 1)
                colon = self._skip_space(after)
                self._expect(colon, ":")
                value = self._skip_space(colon + 1)
                members[name] = (at, value)  # the last duplicate wins, as in the data
                at = self._next(self._skip(value))
            self._children[offset] = members
        return self._children[offset]

    def _items(self, offset: int) -> list[int]:
        if offset not in self._children:
            items: list[int] = []
            at = self._skip_space(offset + 1)
            while self.text[at] != "]":
                items.append(at)
                at = self._next(self._skip(at))
            self._children[offset] = items
        return self._children[offset]

    def _expect(self, offset: int, char: str) -> None:
        if self.text[offset] != char:  # YAML flow style, or not JSON at all
            raise ValueError(f"expected {char!r} at {offset}")

    def _skip_space(self, offset: int) -> int:
        return _WHITESPACE.match(self.text, offset).end()  # type: ignore[union-attr]

    def _next(self, offset: int) -> int:
        """Past the `,` after a member or item, if any."""
        at = self._skip_space(offset)
        if self.text[at] not in ",]}":
            raise ValueError(f"expected ',' at {at}")
        return self._skip_space(at + 1) if self.text[at] == "," else at

    def _skip(self, offset: int) -> int:
        """The offset just past the value starting at `offset`."""
        first = self.text[offset]
        if first == '"':
            return scanstring(self.text, offset + 1)[1]
        if first not in "[{":
            return _SCALAR_END.search(self.text, offset).start()  # type: ignore[union-attr]
        depth, at = 0, offset
        while True:
            found = _STRUCTURE.search(self.text, at)
            char, at = found[0], found.end()  # type: ignore[index, union-attr]
            if char == '"':
                at = scanstring(self.text, at)[1]
            elif char in "[{":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return at
