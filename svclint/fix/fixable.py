"""The one place that says which findings `--fix` may repair."""

from __future__ import annotations

from svclint.check.finding import Finding
from svclint.check.fixes import QUOTE, REPLACE


def fixable(finding: Finding, unsafe: bool = False) -> bool:
    """Whether `--fix` (with `--unsafe-fixes`: `unsafe`) repairs this finding.

    A fix edits the file the finding points into, at the finding's JSON paths. A finding on
    an object rendered from a Kustomize overlay or a Helm chart (its `via`) is fixable only
    where the rendering re-targeted its fix to the source file (check/rendered_fixes.py):
    the position holds the value itself (`exact_source`, never so in a Helm template) and
    the fix only replaces or quotes scalars there.
    """
    if finding.fix is None or (not finding.fix.safe and not unsafe):
        return False
    if finding.via:
        return finding.exact_source and all(edit.action in (REPLACE, QUOTE) for edit in finding.fix.edits)
    return True
