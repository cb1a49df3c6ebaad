"""GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`.

The runner turns each command into an annotation on the file and line. Values are escaped
as the runner's command parser expects: `%`, CR and LF in the message; also `:` and `,` in
properties, which would otherwise end the property. A `::` in the message needs nothing: the
runner splits a command at its first `::`, and the properties before it hold no raw `:`.
Escape sequences, other control characters and bidi controls are shown as `\x1b`, `\u202e`
(text.printable): the log and the annotation never run or reorder them.
"""

from __future__ import annotations

from typing import TextIO

from svclint.check.engine import Report
from svclint.check.finding import Finding, Severity
from svclint.report import text
from svclint.report.paths import report_path

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def report(result: Report, stream: TextIO, color: bool = False) -> None:
    for finding in result.findings:
        stream.write(command(finding) + "\n")


def actions_text_report(result: Report, stream: TextIO, color: bool = False) -> None:
    """The text report inside GitHub Actions: each finding line becomes a workflow command
    carrying the same text, so the log shows it once and the file gets an annotation."""
    text.write_report(result, stream, command)


def command(finding: Finding) -> str:
    # Line and column are numbers: nothing to escape.
    file = escape_property(text.printable(report_path(finding.file)))
    title = escape_property(f"svclint ({finding.rule})")
    properties = f"file={file},line={finding.line},col={finding.column},title={title}"
    return f"::{COMMANDS[finding.severity]} {properties}::{escape_data(text.format_finding(finding, escaped=False))}"


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")
