"""Identities of findings that survive edits elsewhere in the file.

A fingerprint hashes the rule, the file, the object (kind, namespace, name) and the message,
never the line or column, so code scanning and GitLab keep tracking a finding when lines
are added above it. Findings that agree on all of these (two identical duplicate keys in
one file) are told apart by their order of appearance.
"""

from __future__ import annotations

import hashlib
from typing import Sequence

from svclint.check.finding import Finding
from svclint.report.paths import report_path


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One fingerprint per finding, in order; unique within one report."""
    seen: dict[tuple, int] = {}  # not a Counter: most identities are new, and its __missing__ is Python
    shown = {file: report_path(file) for file in {finding.file for finding in findings}}
    result = []
    for finding in findings:
        identity = (
            finding.rule, shown[finding.file],
            finding.obj.kind or "", finding.obj.namespace or "", finding.obj.name or "",
            finding.message,
        )
        occurrence = seen.get(identity, 0)
        seen[identity] = occurrence + 1
        text = "\0".join((*identity, str(occurrence)))
        result.append(hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest())  # a file name need not be UTF-8
    return result
