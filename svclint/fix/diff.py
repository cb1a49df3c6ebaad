"""`--diff`: the unified diff `--fix` would write, file by file."""

from __future__ import annotations

import difflib

NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(_lines(before), _lines(after), fromfile=path, tofile=path)
    return "".join(line if line.endswith("\n") else f"{line}\n{NO_NEWLINE}" for line in lines)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True) if "\r" not in text else _split_at_newlines(text)


def _split_at_newlines(text: str) -> list[str]:
    """Lines ending at `\\n` only (CRLF files keep their `\\r`; str.splitlines would split there)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return lines + [parts[-1]] if parts[-1] else lines
