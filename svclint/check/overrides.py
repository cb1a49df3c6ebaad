"""What the configuration says about findings: per-file-ignores, ignore-objects and
severity overrides, applied once all findings (and in-file suppressions) are known."""

from __future__ import annotations

import dataclasses
from fnmatch import fnmatchcase
from typing import Iterable

from svclint.check.finding import Finding
from svclint.check.registry import load_rules
from svclint.check.selection import BROKEN_INPUT, POLICY_PREFIX, matches, most_specific, policy_specificity
from svclint.check.settings import Settings
from svclint.model.resources import ObjectRef
from svclint.source.discover import matches_any


def apply_policy(findings: Iterable[Finding], settings: Settings) -> list[Finding]:
    """Broken input is kept as it is (see selection.BROKEN_INPUT): to skip such a file, exclude it."""
    if not settings.per_file_ignores and not settings.ignore_objects and not settings.severity:
        return list(findings)  # nothing to apply: no call per finding
    kept = [
        f for f in findings
        if f.rule in BROKEN_INPUT
        or not _ignored_in_file(f, settings) and not _ignored_object(f.obj, settings.ignore_objects)
    ]
    if not settings.severity:
        return kept
    return [f if f.rule in BROKEN_INPUT else _with_severity(f, settings) for f in kept]


def _ignored_in_file(finding: Finding, settings: Settings) -> bool:
    return any(
        any(matches(selector, finding.rule) for selector in selectors) and matches_any(finding.file, [glob])
        for glob, selectors in settings.per_file_ignores
    )


def _ignored_object(obj: ObjectRef, patterns: Iterable[str]) -> bool:
    if not obj.kind:
        return False
    parts = (obj.kind, obj.namespace or "", obj.name or "")
    return any(all(map(fnmatchcase, parts, pattern.split("/"))) for pattern in patterns)


def _with_severity(finding: Finding, settings: Settings) -> Finding:
    overrides = dict(settings.severity)
    if finding.rule.startswith(POLICY_PREFIX):
        scored = [(policy_specificity(s, finding.rule), s) for s in overrides]
        best = max(((score, s) for score, s in scored if score is not None), default=None, key=lambda p: p[0])
        return dataclasses.replace(finding, severity=overrides[best[1]]) if best else finding
    selector = most_specific(overrides, load_rules()[finding.rule])
    return dataclasses.replace(finding, severity=overrides[selector]) if selector else finding
