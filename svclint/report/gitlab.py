"""GitLab Code Quality report: a JSON array of issues for `artifacts: reports: codequality`."""

from __future__ import annotations

from typing import Any, TextIO

from svclint.check.engine import Report
from svclint.check.finding import Finding, Severity
from svclint.report import json_text
from svclint.report.fingerprints import fingerprints
from svclint.report.paths import report_path
from svclint.report.text import message_with_object, printable

# Code Quality knows info, minor, major, critical and blocker. What the API server rejects
# (an error) is critical: nothing is applied. Blocker stays free for security tools.
SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}
SLOT = json_text.SLOT
# An issue, as an item of the report's list; _values gives what fills its slots.
_ISSUE = json_text.template({
    "description": SLOT, "check_name": SLOT, "fingerprint": SLOT, "severity": SLOT,
    "location": {"path": SLOT, "lines": {"begin": SLOT}},
}, 1)


def report(result: Report, stream: TextIO, color: bool = False) -> None:
    if not result.findings:
        stream.write("[]\n")
        return
    # The issues as json.dumps(issues, indent=2) writes them, without its slow pure-Python
    # encoder: the template of an issue, filled with the values as the C encoder writes them
    # (json_text). One write: many small ones cost seconds when stdout is a pipe.
    values = [value for finding, fingerprint in zip(result.findings, fingerprints(result.findings))
              for value in _values(finding, fingerprint)]
    issues = ",\n".join([_ISSUE] * len(result.findings)) % tuple(json_text.scalars(values))
    stream.write(f"[\n{issues}\n]\n")


def _values(finding: Finding, fingerprint: str) -> tuple[Any, ...]:
    """The values of the finding's issue, in the order of _ISSUE."""
    return (
        # One line, no escape sequences or bidi controls, as the text report shows it.
        printable(message_with_object(finding)), finding.rule, fingerprint, SEVERITIES[finding.severity],
        printable(report_path(finding.file)), finding.line,
    )
