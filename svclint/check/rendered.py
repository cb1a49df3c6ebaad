"""Linting what overlays and charts render: each rendering is one run of its own (its own
cross-object context: objects of overlays/dev never meet those of overlays/prod), and each
finding is moved to the source file and line that wrote the value (render/origins.py),
naming the rendering (`via`). A finding several renderings share is reported once."""

from __future__ import annotations

import bisect
import dataclasses
import fnmatch
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from svclint.check.checkfile import FileResult, check_source
from svclint.check.finding import Finding
from svclint.check.overrides import apply_policy
from svclint.check.registry import Rule
from svclint.check.render_cache import cached_render
from svclint.check.rendered_caused import caused_elsewhere
from svclint.check.rendered_fixes import source_fix
from svclint.check.settings import Settings
from svclint.check.suppressions import comment_suppressions, suppress
from svclint.render.helm import render_chart
from svclint.render.kustomize import kustomize_command, render_overlay
from svclint.render.layout import CHART_FILE, KUSTOMIZATION_NAMES, Layout, add_named, find_layout, including
from svclint.render.nodes import positions
from svclint.render.origins import SourceFiles, source_spot
from svclint.render.rendering import Rendering
from svclint.source.discover import STDIN, matches_any
from svclint.source.documents import decode_source

# The engine's combine() (the engine calls this module, so it hands it over), and its Report.
Combine = Callable[[Sequence[FileResult], Settings, dict[str, Rule]], Any]
Report = Any

RENDER_FAILED = "render-failed"
RENDER_SKIPPED = "render-skipped"
RENDER_INPUT_MISSING = "render-input-missing"


@dataclass
class RenderedRun:
    findings: list[Finding] = field(default_factory=list)
    objects: int = 0
    renderings: list[Rendering] = field(default_factory=list)


def render_layout(paths: Sequence[str], exclude: Sequence[str], context_files: Sequence[str] = ()) -> Layout:
    """The overlays and charts of a run: in the directories it names, and the kustomization
    and Chart.yaml files it names. A run that names only files (pre-commit's changed files)
    renders the overlays and charts that include them, found above each file and among the
    kustomizations of the context, and reports only what is found at the files it names."""
    directories = [p for p in paths if p != STDIN and os.path.isdir(p)]
    files = [p for p in paths if p != STDIN and os.path.isfile(p)]
    if directories or not files:
        layout = find_layout(directories, lambda d: matches_any(d, exclude))
        add_named(layout, files)
        return layout
    candidates = [os.path.dirname(p) or "." for p in context_files if os.path.basename(p) in KUSTOMIZATION_NAMES]
    renderers = [p for p in files if os.path.basename(p) in (*KUSTOMIZATION_NAMES, CHART_FILE)]
    layout = including([p for p in files if p not in renderers], candidates)
    if renderers:  # a changed kustomization or Chart.yaml can change every object it renders
        layout.report_only = None
    add_named(layout, renderers)
    # A named kustomization that another one of the run builds on is rendered through it.
    referenced = layout.referenced()
    layout.overlays = [k for k in layout.overlays if k.directory not in referenced]
    return layout


def render_all(layout: Layout, settings: Settings, jobs: int | None) -> list[Rendering]:
    """Every overlay and chart run of the layout, rendered in `jobs` threads (the work is the
    renderer's process, or Helm's Go code, which does not hold the GIL)."""
    command = kustomize_command(settings.kustomize_command)
    tasks: list[tuple[Callable[..., Rendering], tuple, str]] = [(render_overlay, (k.directory, k.file, command, settings.render_timeout), k.directory)
             for k in layout.overlays]
    namespace = settings.helm_namespace or settings.namespace
    for chart in layout.charts:
        for values_files in values_sets(chart, settings):
            tasks.append((render_chart, (chart, values_files, settings.helm_release, namespace,
                                         settings.render_timeout), chart))
    def run(task: tuple[Callable[..., Rendering], tuple, str]) -> Rendering:
        function, arguments, directory = task
        rendering = cached_render(settings, function, arguments, layout.reads(directory) or None)
        if not rendering.reads:
            rendering.reads = layout.reads(directory)
        return rendering

    workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    lone = [Rendering(k.directory, k.file, skipped="a Component is rendered only through the overlays that list it "
                                                   "(`components:`), and no overlay of the run does")
            for k in layout.lone_components]
    lone += [Rendering(k.directory, k.file, missing=[(base.file, path) for base, path in layout.missing(k.directory)])
             for k in layout.incomplete]
    if workers == 1:
        return [run(task) for task in tasks] + lone
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, tasks)) + lone


def values_sets(chart: str, settings: Settings) -> list[tuple[str, ...]]:
    """The runs of a chart: its default values, and each values set the configuration names for it."""
    sets: list[tuple[str, ...]] = [()]
    for pattern, configured in settings.helm_values:
        if _chart_matches(chart, pattern):
            sets += [tuple(files) for files in configured]
    return list(dict.fromkeys(sets))


def _chart_matches(chart: str, pattern: str) -> bool:
    normalised = os.path.normpath(pattern)
    return fnmatch.fnmatch(os.path.normpath(chart), normalised) or \
        fnmatch.fnmatch(os.path.abspath(chart), os.path.abspath(normalised)) or \
        fnmatch.fnmatch(os.path.basename(os.path.normpath(chart)), pattern)


def lint_renderings(renderings: Sequence[Rendering], layout: Layout, settings: Settings,
                    rules: dict[str, Rule], combine: Combine) -> RenderedRun:
    """Lints each rendering as a run of its own, with `combine` (the engine's: cross-object
    rules, suppressions, policy) on its checked text."""
    run = RenderedRun(renderings=list(renderings))
    files = SourceFiles()
    reads = {directory: set(layout.reads(directory)) for directory in layout.kustomizations}
    for rendering in renderings:
        problem = _render_problem(rendering, rules)
        if problem is not None:
            run.findings.append(problem)
        if not rendering.objects:
            continue
        text = rendering.text()
        report = lint_rendered_text(rendering.name, text, settings, rules, combine)
        run.objects += report.objects
        nodes = _PositionIndex(text)
        chain = layout.chain(os.path.normpath(rendering.name)) if rendering.name in layout.kustomizations else []
        for finding in report.findings:
            number, path, anchor = nodes.at(finding.line, finding.column)
            spot = source_spot(rendering, chain, reads, files, number, path, anchor)
            # The fix's paths are the rendered document's: kept only as a fix of the source file.
            fix = source_fix(finding.fix, spot, rendering, chain, reads, files, number)
            run.findings.append(dataclasses.replace(finding, file=spot.file, line=spot.line, column=spot.column,
                                                    via=(rendering.name,), exact_source=spot.exact, fix=fix))
    if settings.allow_suppressions:
        run.findings = _without_suppressed(run.findings, files)
    if layout.report_only is not None:  # the changed files of a pre-commit run: findings at them
        elsewhere = [f for f in run.findings if os.path.normpath(f.file) not in layout.report_only]
        run.findings = [f for f in run.findings if os.path.normpath(f.file) in layout.report_only]
        run.findings += caused_elsewhere(elsewhere, layout, settings, rules, combine, files, lint_rendered_text)
    run.findings = _once(apply_policy(run.findings, settings))
    return run


def lint_rendered_text(name: str, text: str, settings: Settings, rules: dict[str, Rule], combine: Combine) -> Any:
    """The report on a rendering's text, linted as one run of its own."""
    virtual = f"<rendered {name}>"
    result = check_source(decode_source(virtual, text.encode("utf-8")), text.isascii(), False, settings, rules)
    return combine([result], settings, rules)


def _without_suppressed(findings: list[Finding], files: SourceFiles) -> list[Finding]:
    """The findings that no suppression comment in the source file they now point at covers
    (the comments never reach the rendered text). Unused comments are not judged here: a
    comment in a base may be for a finding only one of its overlays has."""
    sources = {f.file for f in findings if f.via}
    comments = {file: comment_suppressions(files.text(file))[0] for file in sources}
    kept, _ = suppress(findings, comments, {})
    return kept


def _render_problem(rendering: Rendering, rules: dict[str, Rule]) -> Finding | None:
    if rendering.missing and RENDER_INPUT_MISSING in rules:
        file, path = rendering.missing[0]
        names = ", ".join(p for _, p in rendering.missing)
        line, column = _naming(file, path)
        return Finding(file, line, column, RENDER_INPUT_MISSING, rules[RENDER_INPUT_MISSING].severity,
                       f"{rendering.name} is not rendered: {names} not found (made by a build step?); "
                       f"its resource files are linted as plain manifests", via=(rendering.name,))
    if rendering.error is not None and RENDER_FAILED in rules:
        return Finding(rendering.anchor, 1, 1, RENDER_FAILED, rules[RENDER_FAILED].severity,
                       f"{rendering.name} does not render: {rendering.error}", via=(rendering.name,))
    if rendering.skipped is not None and RENDER_SKIPPED in rules:
        return Finding(rendering.anchor, 1, 1, RENDER_SKIPPED, rules[RENDER_SKIPPED].severity,
                       f"{rendering.name}: {rendering.skipped}", via=(rendering.name,))
    return None


def _naming(file: str, path: str) -> tuple[int, int]:
    """Where a kustomization first names `path` (line 1 when no line does plainly)."""
    try:
        with open(file, encoding="utf-8", errors="replace") as stream:
            for number, line in enumerate(stream, 1):
                if path in line and not line.lstrip().startswith("#"):
                    return number, line.index(path) + 1
    except OSError:
        pass
    return 1, 1


def _once(findings: list[Finding]) -> list[Finding]:
    """Findings alike but for the rendering that gave them, as one naming every rendering."""
    merged: dict[tuple, Finding] = {}
    for finding in findings:
        key = (finding.file, finding.line, finding.column, finding.rule, finding.message)
        seen = merged.get(key)
        merged[key] = finding if seen is None else dataclasses.replace(
            seen, via=tuple(dict.fromkeys(seen.via + finding.via)), exact_source=seen.exact_source and finding.exact_source,
            fix=seen.fix if seen.fix == finding.fix else None)  # a shared value: one fix in the shared file
    return list(merged.values())


class _PositionIndex:
    """Which value of the rendered text a finding's line and column are about."""

    def __init__(self, text: str) -> None:
        self._at = positions(text)
        self._keys = sorted(self._at)

    def at(self, line: int, column: int) -> tuple[int, tuple, str]:
        if (line, column) in self._at:
            return self._at[(line, column)]
        before = bisect.bisect_right(self._keys, (line, column)) - 1
        return self._at[self._keys[max(before, 0)]] if self._keys else (0, (), "value")


def add_rendered(report: Report, layout: Layout, settings: Settings, rules: dict[str, Rule],
                 jobs: int | None, combine: Combine) -> None:
    """Renders the overlays and charts of `layout` and adds what linting them finds to `report`."""
    run = lint_renderings(render_all(layout, settings, jobs), layout, settings, rules, combine)
    report.findings = sorted([*report.findings, *run.findings], key=Finding.sort_key)
    report.files += len(run.renderings)
    report.objects += run.objects
    report.file_paths += [r.anchor for r in run.renderings]
    report.notes = [note for note in report.notes if not _rendered_chart_note(note, layout.charts)]


def _rendered_chart_note(note: str, charts: list[str]) -> bool:
    """Whether `note` is discovery's "skipped Helm chart templates" about a chart rendered
    here, or a subchart of one."""
    if ": skipped Helm chart templates" not in note:
        return False
    skipped = os.path.normpath(note.split(": skipped Helm chart templates", 1)[0])
    return any(skipped == chart or skipped.startswith(chart + os.sep) or chart == "." for chart in charts)
