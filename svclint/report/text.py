"""One line per finding, `file:line:col: severity[rule] message (Kind ns/name)`, then a summary."""

from __future__ import annotations

from typing import Callable, TextIO

from svclint.check.engine import Report
from svclint.check.finding import Finding, Severity

SOURCE_CONTEXT = 60  # characters of the source line shown on each side of the column
_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"
# C0 and C1 control characters and DEL, shown as escapes: \n, \x1b (a terminal or a CI log
# would run an ANSI sequence, and a CR would let a value overwrite the line).
_ESCAPES = {code: repr(chr(code))[1:-1] for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
# Unicode bidi controls (LRM, RLM, embeddings, overrides, isolates), which reorder the text
# shown around them ("Trojan Source"), and the Unicode line and paragraph separators.
_ESCAPES.update({code: f"\\u{code:04x}" for code in (0x200E, 0x200F, *range(0x202A, 0x202F),
                                                       *range(0x2066, 0x206A), 0x2028, 0x2029)})
# The same, but leaving CR and LF to a format that escapes line breaks its own way (GitHub's %0A).
_ESCAPES_BUT_LINE_BREAKS = {code: escape for code, escape in _ESCAPES.items() if chr(code) not in "\r\n"}


def report(result: Report, stream: TextIO, color: bool = False) -> None:
    write_report(result, stream, lambda finding: format_finding(finding, color) + source_excerpt(result, finding))


def source_excerpt(result: Report, finding: Finding) -> str:
    """With --show-source: the finding's line, and a caret under its column, as compilers show them."""
    line = result.source.get((finding.file, finding.line))
    if line is None:
        return ""
    start = max(0, finding.column - 1 - SOURCE_CONTEXT)  # a minified JSON file is one long line
    lead = "..." if start else ""
    shown = lead + printable(line[start:finding.column - 1 + SOURCE_CONTEXT])
    indent = " " * len(lead + printable(line[start:finding.column - 1]))
    return f"\n    {shown}\n    {indent}^"


def write_report(result: Report, stream: TextIO, render: Callable[[Finding], str]) -> None:
    """Each finding as `render` makes it a line, the summary, and a pointer to `svclint explain`."""
    for finding in result.findings:
        stream.write(render(finding) + "\n")
    stream.write(summary(result) + "\n")
    if result.findings:
        stream.write(explain_hint(result.findings[0].rule) + "\n")


def format_finding(finding: Finding, color: bool = False, escaped: bool = True) -> str:
    """The finding's line; control characters are shown as escapes (see printable), except
    CR and LF when not `escaped`: the GitHub reporter escapes line breaks its own way."""
    show = printable if escaped else printable_but_line_breaks
    severity = finding.severity.label
    location = show(f"{finding.file}:{finding.line}:{finding.column}:")
    if color:
        severity = f"{_COLORS[finding.severity]}{severity}{_RESET}"
        location = f"{_BOLD}{location}{_RESET}"
    return f"{location} {severity}[{finding.rule}] {show(message_with_object(finding))}"


def message_with_object(finding: Finding) -> str:
    described = finding.obj.describe()
    message = f"{finding.message} ({described})" if described else finding.message
    return f"{message} (via {', '.join(finding.via)})" if finding.via else message


def printable(text: str) -> str:
    """One line, whatever the manifest holds: names and keys quoted in messages may contain
    line breaks or terminal escapes, and file names bytes that are not UTF-8."""
    if text.isprintable():  # the usual text: every character escaped (and a surrogate) is unprintable
        return text
    return _without_surrogates(text.translate(_ESCAPES))


def printable_but_line_breaks(text: str) -> str:
    """printable(), with CR and LF left as they are."""
    if text.isprintable():
        return text
    return _without_surrogates(text.translate(_ESCAPES_BUT_LINE_BREAKS))


def _without_surrogates(text: str) -> str:
    if not text.isprintable():  # lone surrogates from undecodable file names
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def summary(result: Report) -> str:
    """`2 problems (1 error, 1 warning), 3 infos in 12 files, 31 objects`: problems are the
    findings at or above --fail-on; the others are counted apart, by severity."""
    scope = f"in {_plural(result.files, 'file')}, {_plural(result.objects, 'object')}"
    if result.detected_target:
        target, source = result.detected_target
        scope += f"; target: {target} (from {source})"
    levels = (Severity.ERROR, Severity.WARNING, Severity.INFO)
    problems = [_plural(result.count(s), s.label) for s in levels if s >= result.problem_level and result.count(s)]
    lesser = [_plural(result.count(s), s.label) for s in levels if s < result.problem_level and result.count(s)]
    total = sum(result.count(s) for s in levels if s >= result.problem_level)
    head = f"{_plural(total, 'problem')} ({', '.join(problems)})" if total else "No problems"
    if result.hidden:
        lesser.append(f"{_plural(result.hidden, 'finding')} below {result.problem_level.label} hidden (--quiet)")
    fixed = f" ({result.fixed} fixed)" if result.fixed else ""
    return ", ".join([head + fixed, *lesser]) + f" {scope}"


def explain_hint(example_rule: str) -> str:
    return f"Run `svclint explain RULE` (e.g. `svclint explain {example_rule}`) for a rule's rationale and fix."


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
