"""GitLab Code Quality report: a JSON array of issues for `artifacts: reports: codequality`."""

from __future__ import annotations

import json
from typing import TextIO

from svclint.check.engine import Report
from svclint.check.finding import Severity
from svclint.report.fingerprints import fingerprints
from svclint.report.paths import report_path
from svclint.report.text import message_with_object, printable

# Code Quality knows info, minor, major, critical and blocker. What the API server rejects
# (an error) is critical: nothing is applied. Blocker stays free for security tools.
SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def report(result: Report, stream: TextIO, color: bool = False) -> None:
    issues = [
        {
            # One line, no escape sequences or bidi controls, as the text report shows it.
            "description": printable(message_with_object(finding)),
            "check_name": finding.rule,
            "fingerprint": fingerprint,
            "severity": SEVERITIES[finding.severity],
            "location": {"path": printable(report_path(finding.file)), "lines": {"begin": finding.line}},
        }
        for finding, fingerprint in zip(result.findings, fingerprints(result.findings))
    ]
    # One write: json.dump writes each token on its own (millions of calls for many findings,
    # seconds when stdout is a pipe).
    stream.write(json.dumps(issues, indent=2))
    stream.write("\n")
