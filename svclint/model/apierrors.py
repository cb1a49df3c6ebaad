"""Messages in the API server's words: `<path>: <Type>: <detail>`, as kubectl prints them,
followed by a plain hint."""

from __future__ import annotations

import difflib
import json
import re
from typing import Any, Callable, Iterable, Mapping

from svclint.source.positions import Path

LONGEST_QUOTED_VALUE = 300
LONGEST_QUOTED_LIST = 10


def field_path(path: Path) -> str:
    """("spec", "ports", 0, "name") -> "spec.ports[0].name"."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def go_value(value: Any) -> str:
    """A value as the API server prints it in `Invalid value: ...`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and len(value) > LONGEST_QUOTED_VALUE:  # a 2 MB value makes no readable message
        return json.dumps(value[:LONGEST_QUOTED_VALUE], ensure_ascii=False) + f"... ({len(value):,} characters)"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list) and len(value) > LONGEST_QUOTED_LIST:  # aliases can repeat an item 20,000 times
        return "[]string{" + ", ".join(go_value(v) for v in value[:LONGEST_QUOTED_LIST]) + f", ...}} ({len(value):,} items)"
    if isinstance(value, list):
        return "[]string{" + ", ".join(go_value(v) for v in value) + "}"
    if value is None:
        return "null"
    return str(value)


def invalid(where: str, value: Any, details: Iterable[str]) -> str:
    return f"{where}: Invalid value: {go_value(value)}: {'; '.join(details)}"


def required(where: str, detail: str = "") -> str:
    return f"{where}: Required value" + (f": {detail}" if detail else "")


def forbidden(where: str, detail: str) -> str:
    return f"{where}: Forbidden: {detail}"


def duplicate(where: str, value: Any) -> str:
    return f"{where}: Duplicate value: {go_value(value)}"


def not_supported(where: str, value: Any, supported: Iterable[str]) -> str:
    listed = ", ".join(go_value(s) for s in sorted(supported))
    return f"{where}: Unsupported value: {go_value(value)}: supported values: {listed}"


def with_hint(message: str, hint: str | None) -> str:
    """The API server's message, then the hint as a sentence of its own."""
    if not hint:
        return message
    return f"{message}{'' if message.endswith('.') else '.'} {hint}"


def closest(value: str, choices: Iterable[str], aliases: Mapping[str, str] | None = None) -> str | None:
    """The supported value the user most likely meant: same letters in another case, the same
    word with other separators (`Load-Balancer`), a known old name, or a near spelling."""
    choices = list(choices)
    if aliases and value in aliases:
        return aliases[value]
    squashed = _squash(value)
    for choice in choices:
        if _squash(choice) == squashed:
            return choice
    by_squash = {_squash(c): c for c in choices}
    close = difflib.get_close_matches(squashed, list(by_squash), n=1, cutoff=0.75)
    return by_squash[close[0]] if close else None


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def label_hint(value: str, problems: Callable[[str], list[str]]) -> str:
    """How to turn `value` into a valid DNS label, with an example when one can be guessed."""
    size = len(value.encode())
    if size > 63 and not problems(value[:63].rstrip("-")):
        return f"It is {size} characters long: shorten it to 63 at most"
    guess = re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-")[:63].rstrip("-")
    example = f', e.g. "{guess}"' if guess and not problems(guess) else ""
    return f"Use lower-case letters, digits and '-', starting and ending with a letter or digit{example}"


def string_expected(where: str, key: str, value: Any, written: str | None, go_field: str) -> str:
    """A YAML boolean or number in a map of strings (labels, selector, annotations): the decode
    error kubectl gets, and the quoted form that fixes it."""
    go_types: dict[type, str] = {dict: "object", list: "array"}
    go_type = "bool" if isinstance(value, bool) else go_types.get(type(value), "number")
    message = f"{where}: json: cannot unmarshal {go_type} into Go struct field {go_field} of type string"
    if isinstance(value, (dict, list)):
        return with_hint(message, "The value must be a single string")
    written = written if written is not None else go_value(value)
    what = "a boolean" if isinstance(value, bool) else "a number"
    return with_hint(message, f"kubectl reads {written} as {what}, and these values must be strings: "
                              f"quote it, {key}: {json.dumps(written, ensure_ascii=False)}")
