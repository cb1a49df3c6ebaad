"""The one place that says which findings `--fix` may repair."""

from __future__ import annotations

from svclint.check.finding import Finding


def fixable(finding: Finding, unsafe: bool = False) -> bool:
    """Whether `--fix` (with `--unsafe-fixes`: `unsafe`) repairs this finding.

    A fix edits the file the finding points into, at the finding's JSON paths: that holds for
    objects read directly from a plain file (or stdin). A finding on an object rendered from
    a Kustomize overlay or a Helm chart (its `via`, once rendering exists) is fixable only
    where the rendered path maps exactly onto the source file, never inside a template: the
    check for that belongs here.
    """
    if finding.fix is None or (not finding.fix.safe and not unsafe):
        return False
    return getattr(finding, "via", None) is None
