"""Identities of findings that survive edits elsewhere in the file.

A fingerprint hashes the rule, the file, the object (kind, namespace, name) and the message,
never the line or column, so code scanning and GitLab keep tracking a finding when lines
are added above it. Findings that agree on all of these (two identical duplicate keys in
one file) are told apart by their order of appearance.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Sequence

from svclint.check.finding import Finding
from svclint.report.paths import report_path


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One fingerprint per finding, in order; unique within one report."""
    seen: Counter[tuple] = Counter()
    result = []
    for finding in findings:
        identity = (
            finding.rule, report_path(finding.file),
            finding.obj.kind or "", finding.obj.namespace or "", finding.obj.name or "",
            finding.message,
        )
        occurrence = seen[identity]
        seen[identity] += 1
        text = "\0".join((*identity, str(occurrence)))
        result.append(hashlib.sha256(text.encode("utf-8")).hexdigest())
    return result
