"""Suppressions written in the manifests, and which findings they remove.

Two kinds: comments (`# svclint: disable=RULE[,RULE]` covers its own line and the next one,
or, alone on its line, the next line of YAML; `# svclint: disable-file=RULE` the whole
file) and the `svclint.io/ignore` annotation on an object, which survives Helm and
Kustomize rendering where comments do not. RULE is a slug, a code or a code prefix.

They are collected while each file is checked (the text is not kept afterwards) as plain
data, and applied once all findings are known; one that removes nothing becomes an
`unused-suppression` finding, as ruff's RUF100 does for `# noqa`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

from svclint.check.finding import Finding
from svclint.check.registry import Rule
from svclint.check.selection import (
    BROKEN_INPUT,
    UnknownRuleError,
    check_selector,
    matches,
)
from svclint.model.resources import ObjectRef
from svclint.source.comments import comment_starts
from svclint.source.documents import Problem
from svclint.source.lines import split_lines

ANNOTATION = "svclint.io/ignore"
DIRECTIVES = ("disable", "disable-file")
# YAML's own rule for comments: `#` at the start of a line or after whitespace.
_COMMENT = re.compile(r"(?:^|(?<=\s))#\s*svclint:\s*")
_DIRECTIVE = re.compile(r"(?P<kind>[A-Za-z-]*)\s*(?:=\s*(?P<rules>[\w-]+(?:\s*,\s*[\w-]+)*))?")
_SELECTOR = re.compile(r"[\w-]+")


@dataclass(frozen=True)
class Suppression:
    selector: str  # as written: slug, code or code prefix
    line: int  # where it is written, to report it when it suppresses nothing
    column: int
    scope: str  # "lines", "file" or "object"
    first_line: int = 0  # lines covered (scope "lines")
    last_line: int = 0
    object_number: int | None = None  # the object carrying the annotation (scope "object")

    def covers(self, finding: Finding, obj: ObjectRef | None) -> bool:
        if finding.rule in BROKEN_INPUT or not matches(self.selector, finding.rule):
            return False  # broken input is never suppressed: see selection.BROKEN_INPUT
        if self.scope == "lines":
            return self.first_line <= finding.line <= self.last_line
        return self.scope == "file" or obj == finding.obj


def comment_suppressions(text: str) -> tuple[list[Suppression], list[Problem]]:
    if "svclint:" not in text:  # most files: skip the line-by-line scan
        return [], []
    lines = split_lines(text)
    suppressions: list[Suppression] = []
    problems: list[Problem] = []
    for number, line, comment in _directive_comments(text, lines):
        directive = _DIRECTIVE.match(line, comment.end())
        assert directive is not None  # every part of it is optional: it matches any text
        column = comment.start() + 1
        if directive["kind"] not in DIRECTIVES:
            problems.append(Problem("invalid-suppression", number, column,
                                    f"unknown directive {directive['kind']!r}: expected "
                                    "`# svclint: disable=RULE` or `# svclint: disable-file=RULE`"))
            continue
        if directive["rules"] is None:
            problems.append(Problem("invalid-suppression", number, column,
                                    f"`# svclint: {directive['kind']}` names no rule: write "
                                    f"{directive['kind']}=RULE[,RULE] (a blanket suppression would hide new problems)"))
            continue
        first, last = _covered_lines(lines, number, alone=not line[:comment.start()].strip())
        scope = "file" if directive["kind"] == "disable-file" else "lines"
        for selector in _SELECTOR.finditer(directive["rules"]):
            where = number, directive.start("rules") + selector.start() + 1
            problem = _unknown(selector[0], *where)
            if problem:
                problems.append(problem)
            else:
                suppressions.append(Suppression(selector[0], *where, scope, first, last))
    return suppressions, problems


def _directive_comments(text: str, lines: Sequence[str]) -> Iterator[tuple[int, str, re.Match]]:
    """(line number, line, match) of each `# svclint:` that is a real YAML comment: the same
    text inside a block scalar or a quoted string (a script in an annotation) is data.
    Lines are found by regex; only a file that has some is scanned as YAML."""
    candidates: list[tuple[int, str, re.Match, int]] = []
    line_start = 0
    for number, (line, raw) in enumerate(zip(lines, text.split("\n")), start=1):
        candidates.extend((number, line, match, line_start + match.start())
                          for match in _COMMENT.finditer(line))
        line_start += len(raw) + 1  # `line` lacks the `\r` of a `\r\n`
    if not candidates:
        return
    comments = comment_starts(text, [offset for *_, offset in candidates])
    seen: set[int] = set()
    for number, line, match, offset in candidates:
        if offset in comments and number not in seen:  # a line's first directive comment
            seen.add(number)
            yield number, line, match


def annotation_suppressions(value: Any, line: int, column: int,
                            object_number: int) -> tuple[list[Suppression], list[Problem]]:
    """`svclint.io/ignore: "RULE[,RULE] # reason"` on object number `object_number`."""
    selectors = [s.strip() for s in value.split("#", 1)[0].split(",")] if isinstance(value, str) else []
    if not any(selectors):
        return [], [Problem("invalid-suppression", line, column,
                            f"{ANNOTATION} names no rule: write \"RULE[,RULE] # reason\"")]
    suppressions, problems = [], []
    for selector in filter(None, selectors):
        problem = _unknown(selector, line, column)
        if problem:
            problems.append(problem)
        else:
            suppressions.append(Suppression(selector, line, column, "object", object_number=object_number))
    return suppressions, problems


def suppress(findings: Sequence[Finding], suppressions: Mapping[str, Sequence[Suppression]],
             objects: Mapping[str, Sequence[ObjectRef]]) -> tuple[list[Finding], list[tuple[str, Suppression]]]:
    """The findings no suppression covers, and the suppressions (with their file) that covered none."""
    used: set[tuple[str, int]] = set()
    kept = []
    for finding in findings:
        here = suppressions.get(finding.file)
        if not here:  # most files: nothing to look at
            kept.append(finding)
            continue
        covering = [
            number for number, suppression in enumerate(here)
            if suppression.covers(finding, _object_of(suppression, objects.get(finding.file, ())))
        ]
        used.update((finding.file, number) for number in covering)
        if not covering:
            kept.append(finding)
    unused = [
        (file, suppression) for file, items in suppressions.items()
        for number, suppression in enumerate(items) if (file, number) not in used
    ]
    return kept, unused


def unused_findings(unused: Sequence[tuple[str, Suppression]], rules: Mapping[str, Rule],
                    objects: Mapping[str, Sequence[ObjectRef]]) -> list[Finding]:
    """`unused-suppression` findings, for suppressions of rules that ran and found nothing there.

    A suppression of a rule that was not run (deselected) is not reported: another run may use it.
    """
    rule = rules.get("unused-suppression")
    if rule is None:
        return []
    findings = []
    for file, suppression in unused:
        if any(matches(suppression.selector, slug) for slug in rules):
            obj = _object_of(suppression, objects.get(file, ()))
            findings.append(Finding(file, suppression.line, suppression.column, rule.slug, rule.severity,
                                    _unused_message(suppression), obj or ObjectRef()))
    return findings


def _covered_lines(lines: Sequence[str], number: int, alone: bool) -> tuple[int, int]:
    """A directive covers its own line and the next; alone on its line, it reaches over the
    comments and blank lines below it to the next line of YAML."""
    last = number + 1
    while alone and last <= len(lines) and lines[last - 1].strip()[:1] in ("", "#"):
        last += 1
    return number, last


def _unknown(selector: str, line: int, column: int) -> Problem | None:
    try:
        check_selector(selector)
    except UnknownRuleError as exc:
        return Problem("invalid-suppression", line, column, f"suppression names an {exc}")
    return None


def _object_of(suppression: Suppression, objects: Sequence[ObjectRef]) -> ObjectRef | None:
    number = suppression.object_number
    return objects[number] if number is not None and number < len(objects) else None


def _unused_message(suppression: Suppression) -> str:
    if suppression.scope == "object":
        return f"{ANNOTATION}: {suppression.selector} suppresses nothing on this object"
    if suppression.scope == "file":
        return f"`disable-file={suppression.selector}` suppresses nothing in this file"
    return f"`disable={suppression.selector}` suppresses nothing on this line or the next"
