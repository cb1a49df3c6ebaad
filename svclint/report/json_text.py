"""`json.dumps(value, indent=2)`, byte for byte, at a fraction of its cost for many findings.

With `indent`, the json module encodes in pure Python: a generator per dict and list, seconds
for 75,000 findings. Without it, its C encoder does the work. So records of one shape are
laid out once as a %-template (`template`) whose slots are filled with their values as the C
encoder writes them, all values of a report in one call (`scalars`); records of many shapes
(SARIF results) go through `dumps`, a plain loop that writes each string with the C string
encoder and hands anything unusual to json itself.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii
from typing import Any, Callable

# A value's place in a shape given to `template`. JSON writes it as "\u0000", which no key of
# a shape holds.
SLOT = "\0"
_SLOT_TEXT = json.dumps(SLOT)


def template(shape: Any, level: int) -> str:
    """`shape` as json.dumps(indent=2) writes an item `level` deep (indented, its inner lines
    too), a `%s` for each SLOT: `template(shape, level) % tuple(scalars(values))`."""
    indent = "  " * level
    text = indent + json.dumps(shape, indent=2).replace("\n", "\n" + indent)
    return text.replace("%", "%%").replace(_SLOT_TEXT, "%s")


def scalars(values: list[Any]) -> list[str]:
    """Each value (a string, number, bool or None; not a list or dict) as json.dumps writes it,
    encoded in one call of the C encoder: written with ensure_ascii, no value holds a raw
    line break, so line breaks between them split them apart again."""
    if not values:
        return []
    return json.dumps(values, separators=("\n", ":"))[1:-1].split("\n")


def dumps(value: Any) -> str:
    """json.dumps(value, indent=2), for any value json takes."""
    parts: list[str] = []
    _write(value, "\n", parts.append)
    return "".join(parts)


def _write(value: Any, newline: str, write: Callable[[str], Any]) -> None:
    """`value` as json.dumps(indent=2) writes it where a line starts with `newline`."""
    if isinstance(value, str):
        write(encode_basestring_ascii(value))
    elif type(value) is int:  # not bool, nor an IntEnum: json writes those its own way
        write(int.__repr__(value))
    elif value is None:
        write("null")
    elif isinstance(value, dict) and value:
        inner = newline + "  "
        opening = "{" + inner
        for key, item in value.items():
            write(opening + (encode_basestring_ascii(key) if type(key) is str else _key(key)) + ": ")
            opening = "," + inner
            _write(item, inner, write)
        write(newline + "}")
    elif isinstance(value, (list, tuple)) and value:
        inner = newline + "  "
        opening = "[" + inner
        for item in value:
            write(opening)
            opening = "," + inner
            _write(item, inner, write)
        write(newline + "]")
    else:  # floats, bools, empty containers: json's own text, indented here
        write(json.dumps(value, indent=2).replace("\n", newline))


def _key(key: Any) -> str:
    """A key that is not a string (a number, bool or None) as json writes it: as a string."""
    return json.dumps({key: None})[1:-len(": null}")]
