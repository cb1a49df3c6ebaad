"""Which `#` characters of a text start a YAML comment.

A regex over lines cannot tell a comment from the same text inside a block scalar or a
quoted string (an annotation holding a shell script, a ConfigMap holding a YAML file).
PyYAML's token API gives no comments, but it gives every scalar with its start and end:
a `#` that no scalar covers, at the start of a line or after whitespace, is a comment.

Only the texts that hold a candidate pay for the scan (libyaml's scanner, linear, with no
recursion however deep the nesting). Where the scanner stops at invalid YAML, it resumes at
each `---` line, as the documents are read; the text it could not read keeps the
reading of a line-by-line scan (a `#` after whitespace is a comment): that document is
reported as invalid YAML anyway.
"""

from __future__ import annotations

import bisect
import re
from typing import Iterable

import yaml

from svclint.source.kubectl_yaml import Loader

_DOCUMENT_START = re.compile(r"^---(?=[ \t\r\n]|\Z)", re.MULTILINE)
_BLOCK_STYLES = ("|", ">")
Span = tuple[int, int]  # [start, end) character offsets


def comment_starts(text: str, offsets: Iterable[int]) -> set[int]:
    """The offsets, among `offsets` (each a `#` at a line start or after whitespace), that
    start a comment: the others are inside a scalar."""
    spans = scalar_spans(text)
    starts = [start for start, _ in spans]
    inside = set()
    for offset in offsets:
        at = bisect.bisect_right(starts, offset) - 1
        if at >= 0 and spans[at][0] <= offset < spans[at][1]:
            inside.add(offset)
    return set(offsets) - inside


def scalar_spans(text: str) -> list[Span]:
    """The span of each scalar's content, sorted, for every part of `text` the scanner reads.
    After invalid YAML, each document is scanned again on its own, as the documents are
    read (an unclosed `[` makes the scanner fail only in a later document)."""
    spans: list[Span] = []
    if _scan(text, 0, spans):
        return spans
    spans.clear()
    starts = [0] + [m.start() for m in _DOCUMENT_START.finditer(text) if m.start()] + [len(text)]
    for start, end in zip(starts, starts[1:]):
        _scan(text[start:end], start, spans)
    return spans


def _scan(text: str, offset: int, spans: list[Span]) -> bool:
    """Appends the scalar spans of `text` (at `offset` in the whole); whether the scanner
    read it to the end (else it stopped at invalid YAML)."""
    try:
        for token in yaml.scan(text, Loader=Loader):
            if isinstance(token, yaml.ScalarToken):
                spans.append(_content(text, token, offset))
    except yaml.YAMLError:
        return False
    return True


def _content(text: str, token: yaml.ScalarToken, offset: int) -> Span:
    """A block scalar's token starts at its `|` or `>`, whose line may end in a real comment;
    its content starts on the next line."""
    start, end = token.start_mark.index, token.end_mark.index
    if token.style in _BLOCK_STYLES:
        newline = text.find("\n", start, end)
        start = end if newline < 0 else newline + 1
    return offset + start, offset + end
