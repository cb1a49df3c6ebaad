"""Lines as people count them: only `\\n` ends a line (a `\\r\\n` pair is one break).

That is how editors, `grep -n`, `git diff` and code-scanning annotations count. A YAML 1.1
scanner also breaks lines at a lone `\\r`, U+0085, U+2028 and U+2029, so the marks it gives
count lines differently in a text that holds one of those: `Lines` corrects them.
"""

from __future__ import annotations

import bisect
import re
from array import array

import yaml

_YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")
_LONE_CR = re.compile("\r(?!\n)")


def has_yaml_only_breaks(text: str) -> bool:
    return any(c in text for c in _YAML_ONLY_BREAKS) or ("\r" in text and _LONE_CR.search(text) is not None)


class Lines:
    """1-based line and column of a YAML mark, or of a character offset, in `text`."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._exact = not has_yaml_only_breaks(text)  # the marks' own counts are right
        self._starts: array | None = None

    def of(self, mark: yaml.Mark) -> tuple[int, int]:
        if self._exact:
            return mark.line + 1, mark.column + 1
        return self.at(mark.index)

    def at(self, index: int) -> tuple[int, int]:
        if self._starts is None:
            self._starts = array("q", [0])
            self._starts.extend(m.end() for m in re.finditer("\n", self._text))
        line = bisect.bisect_right(self._starts, index)
        return line, index - self._starts[line - 1] + 1

    def line_start(self, mark: yaml.Mark) -> int:
        """The offset of the first character of the mark's line."""
        if self._exact:
            return mark.index - mark.column
        return self._text.rfind("\n", 0, mark.index) + 1


_NOT_NEWLINE = re.compile(r"[^\n]")


def blanked(text: str) -> str:
    """`text` with every character but line breaks made a space: what follows it keeps its
    line, column and character offset."""
    return _NOT_NEWLINE.sub(" ", text)


def split_lines(text: str) -> list[str]:
    """The lines of `text` split at `\\n` only (str.splitlines also splits at U+2028 and more)."""
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
