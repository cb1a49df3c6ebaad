"""What a changed file of an overlay causes at files the change does not touch (pre-commit).

A commit that changes the pod labels in a base's Deployment can orphan the base's Service,
in a file the commit does not touch. The overlays that include the changed files are
rendered a second time as git's HEAD has every file they read (copied to a scratch tree), and
a finding at an untouched file that the HEAD rendering does not give is reported at the
changed file, naming the object it is about and where that object is written.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from typing import Any, Sequence

from svclint.check.caused import WORKLOAD_LABELS, after_change, show_at_head
from svclint.check.finding import Finding
from svclint.check.registry import Rule
from svclint.check.settings import Settings
from svclint.render.kustomize import kustomize_command, render_overlay
from svclint.render.layout import Kustomization, Layout
from svclint.render.nodes import follow
from svclint.render.origins import SourceFiles


def caused_elsewhere(elsewhere: Sequence[Finding], layout: Layout, settings: Settings, rules: dict[str, Rule],
                     combine: Any, files: SourceFiles, lint_rendered_text: Any) -> list[Finding]:
    """The findings of `elsewhere` (at files the change does not touch) that the change caused,
    moved to the changed file; `lint_rendered_text` lints a rendering as rendered.py does."""
    changed = layout.report_only or set()
    caused: list[Finding] = []
    for overlay in layout.overlays:
        reads = layout.reads(overlay.directory)
        mine = [f for f in elsewhere if overlay.directory in f.via]
        touched = sorted(changed & set(reads))
        if not mine or not touched:
            continue
        before = _head_findings(overlay, reads, settings, rules, combine, lint_rendered_text)
        if before is None:
            continue
        for finding in mine:
            if _key(finding) in before:
                continue  # there before the change
            line, column = _where(touched[0], files)
            caused.append(dataclasses.replace(
                finding, file=touched[0], line=line, column=column, exact_source=False,
                message=after_change(finding.message, finding.obj, finding.file)))
    return caused


def _key(finding: Finding) -> tuple:
    return finding.rule, finding.obj, finding.message


def _head_findings(overlay: Kustomization, reads: Sequence[str], settings: Settings, rules: dict[str, Rule],
                   combine: Any, lint_rendered_text: Any) -> set[tuple] | None:
    """The findings of the overlay as git's HEAD has the files it reads; None when that
    cannot be known (outside git, files outside the working directory)."""
    if any(os.path.isabs(path) or path.startswith("..") for path in reads):
        return None
    with tempfile.TemporaryDirectory(prefix="svclint-head-") as scratch:
        for path in reads:
            shown = show_at_head(path)
            if shown is None:
                return None
            if shown.returncode == 0:
                os.makedirs(os.path.dirname(os.path.join(scratch, path)) or scratch, exist_ok=True)
                with open(os.path.join(scratch, path), "wb") as stream:
                    stream.write(shown.stdout)
            elif path == overlay.file:
                return None  # a new overlay: nothing was there before
        rendering = render_overlay(os.path.join(scratch, overlay.directory), overlay.file,
                                   kustomize_command(settings.kustomize_command), settings.render_timeout)
        if rendering.error is not None or rendering.skipped is not None:
            return None
        report = lint_rendered_text(overlay.directory, rendering.text(), settings, rules, combine)
    return {_key(finding) for finding in report.findings}


def _where(path: str, files: SourceFiles) -> tuple[int, int]:
    """The pod template labels of the first workload of the changed file, else its first line."""
    for node in files.documents(path):
        reached = follow(node, WORKLOAD_LABELS, None)
        if reached.depth == len(WORKLOAD_LABELS) and reached.key is not None:
            return reached.key.start_mark.line + 1, reached.key.start_mark.column + 1
    return 1, 1
