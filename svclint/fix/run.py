"""`--fix`: lint, edit the text of each fixable finding, lint again, until nothing is left to fix.

The edits are made on copies of the linted files in a temporary directory (the same
relative layout, so that kustomization namespaces still apply, and overlays and charts
render from the copies: what they read besides the linted files, such as a base outside the
paths, a generator's input or a chart's templates, is copied too, and never fixed), and
each round lints those copies: the user's files are never touched here (the command writes
them, or shows a diff, from the outcome). Per round and file, fixes whose lines do not
overlap are applied together; one that overlaps a fix already taken waits for the next
round, which sees the re-parsed text. A file whose fixed text no longer parses, or still shows a finding that was
fixed, goes back to its text before that round and is fixed no further; so does a file
fixed for a rendered finding when the round leaves an overlay that no longer renders.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import stat
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Sequence

from svclint.check.engine import Report, lint_paths
from svclint.check.finding import Finding
from svclint.check.rendered import RENDER_FAILED, render_layout
from svclint.check.settings import Settings
from svclint.fix.fixable import fixable
from svclint.fix.text_edits import FileText, TextEdit, apply, lines_touched, plan
from svclint.source.discover import STDIN, InputError, discover, discover_context
from svclint.source.documents import STDIN_NAME, read_raw

MAX_ROUNDS = 10
# Findings that mean the text no longer reads as it did: a fix that brings one is undone.
READING_RULES = frozenset({"invalid-yaml", "duplicate-key", "not-an-object", "document-too-complex",
                           "ignored-by-kubectl"})


@dataclass
class FileOutcome:
    path: str  # as the user named it (<stdin> for stdin)
    original: str | None  # None: not fixable (not UTF-8 text, read-only, not a regular file)
    fixed: str | None = None
    fixes: int = 0  # findings repaired
    failure: str | None = None
    read: bytes = b""  # the bytes read, to check that the file did not change before it is written

    @property
    def changed(self) -> bool:
        return self.original is not None and self.fixed is not None and self.fixed != self.original


@dataclass
class FixRun:
    report: Report  # what remains, on the user's paths
    files: list[FileOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why files were not fixed
    unsafe: bool = False  # whether unsafe fixes were applied too

    @property
    def fixed(self) -> int:
        return sum(outcome.fixes for outcome in self.files)

    @property
    def failures(self) -> list[str]:
        return [f"{o.path}: {o.failure}" for o in self.files if o.failure]


def fix_paths(paths: Sequence[str], settings: Settings, unsafe: bool = False, jobs: int | None = 1) -> FixRun:
    """Lints `paths` and fixes what can be fixed, in copies; raises InputError as lint_paths does."""
    discovery = discover(paths, settings.exclude)
    mirror = tempfile.mkdtemp(prefix="svclint-fix-")
    try:
        fixer = _Fixer(discovery.files, discovery.notes, settings, mirror, unsafe, jobs)
        fixer.copy_rendering_inputs(*_rendering_inputs(paths, settings), discovery.files)
        return fixer.run()
    finally:
        shutil.rmtree(mirror, ignore_errors=True)


class _Fixer:
    def __init__(self, files: list[str], notes: list[str], settings: Settings, mirror: str,
                 unsafe: bool, jobs: int | None) -> None:
        self.unsafe, self.jobs, self.mirror = unsafe, jobs, mirror
        self.outcomes: dict[str, FileOutcome] = {}  # by copy path
        self.notes = list(notes)
        self.texts: dict[str, str] = {}  # copy path -> current text, for the fixable files
        self.rendered_fixes: set[str] = set()  # copies edited in this round for rendered findings
        for path in files:
            copy = self._copy(path)
            self.outcomes[copy] = self._read(path, copy)
        self.settings = _settings_for_copies(settings, files)
        self.shown = {copy: outcome.path for copy, outcome in self.outcomes.items()}

    def _copy(self, path: str) -> str:
        relative = "stdin.yaml" if path == STDIN else os.path.abspath(path).lstrip(os.sep)
        copy = os.path.join(self.mirror, "files", relative)
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        return copy

    def copy_rendering_inputs(self, inputs: list[str], overlays_found: list[str], linted: list[str]) -> None:
        """Copies what the overlays and charts read besides the linted files (context only).
        `overlays_found`: the kustomization files of a run that names only files (pre-commit),
        found above the files, which the copies have outside the working directory; they
        are given as context, where such a run also looks for overlays that include a file."""
        named = {os.path.abspath(path) for path in linted if path != STDIN}
        found = [self._copy(path) for path in overlays_found]
        if found:
            self.settings = dataclasses.replace(self.settings, context=(*self.settings.context, *found))
        for path in inputs:
            if os.path.abspath(path) in named or not os.path.isfile(path):
                continue
            copy = self._copy(path)
            try:
                shutil.copyfile(path, copy)
                self.shown[copy] = path
            except OSError:
                pass  # the rendering in the copies then says what is missing

    def _read(self, path: str, copy: str) -> FileOutcome:
        try:
            shown, raw, regular = read_raw(path)
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
        with open(copy, "wb") as stream:
            stream.write(raw)
        outcome = FileOutcome(STDIN_NAME if path == STDIN else path, None, read=raw)
        why = _why_not_fixable(path, raw, regular)
        if why:
            self.notes.append(f"{outcome.path}: {why}; not fixed")
            return outcome
        outcome.original = outcome.fixed = self.texts[copy] = raw.decode("utf-8")
        return outcome

    def run(self) -> FixRun:
        report = self._lint()
        for _ in range(MAX_ROUNDS):
            before = _reading_counts(report)
            failing = _renderings_failing(report)
            pending = self._round(report)
            if not pending:
                break
            report = self._lint()
            if self._undo_failures(pending, before, report, _renderings_failing(report) > failing):
                report = self._lint()
        for copy, text in self.texts.items():
            self.outcomes[copy].fixed = text
        return FixRun(self._shown_report(report), list(self.outcomes.values()), self.notes, self.unsafe)

    def _lint(self) -> Report:
        return lint_paths(list(self.outcomes), self.settings, self.jobs)

    def _round(self, report: Report) -> dict[str, tuple[str, Counter]]:
        """Applies the fixes that do not overlap, file by file; what each file was and which findings it fixed."""
        by_file: dict[str, list[Finding]] = defaultdict(list)
        for finding in report.findings:
            if finding.file in self.texts and fixable(finding, self.unsafe):
                by_file[finding.file].append(finding)
        pending = {}
        self.rendered_fixes = set()
        for copy, findings in by_file.items():
            edits, fixed = _non_overlapping(FileText(self.texts[copy]), findings)
            if edits:
                pending[copy] = (self.texts[copy], fixed)
                if any(f.via and _identity(f) in fixed for f in findings):
                    self.rendered_fixes.add(copy)
                self._write_copy(copy, apply(self.texts[copy], edits))
        return pending

    def _undo_failures(self, pending: dict[str, tuple[str, Counter]], before: dict[str, Counter],
                       report: Report, rendering_broke: bool) -> bool:
        """Counts the fixes that worked; undoes the files whose fixes did not (with
        `rendering_broke`, every file fixed for a rendered finding). True if any was undone."""
        after = defaultdict(list)
        for finding in report.findings:
            after[finding.file].append(finding)
        undone = False
        for copy, (old_text, fixed) in pending.items():
            failure = _failure(fixed, before.get(copy, Counter()), after[copy])
            if rendering_broke and copy in self.rendered_fixes:
                failure = "fixes not applied: an overlay or chart that reads the fixed text would no longer render"
            if failure:
                self.outcomes[copy].failure = failure
                self._write_copy(copy, old_text)
                del self.texts[copy]  # fixed no further
                self.outcomes[copy].fixed = old_text
                undone = True
            else:
                self.outcomes[copy].fixes += sum(fixed.values())
        return undone

    def _write_copy(self, copy: str, text: str) -> None:
        self.texts[copy] = text
        with open(copy, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)

    def _shown_report(self, report: Report) -> Report:
        """The report with the copies' paths given back as the user named the files."""
        def shown(path: str) -> str:
            return self.shown.get(path, path)

        def message(text: str) -> str:
            if self.mirror not in text:
                return text
            for copy, path in sorted(self.shown.items(), key=lambda item: -len(item[0])):
                text = text.replace(copy, path)
            return text

        directories = {os.path.dirname(copy): os.path.dirname(path) or "." for copy, path in self.shown.items()}

        def via(rendering: str) -> str:  # an overlay or chart directory, maybe with its values files
            directory, _, rest = rendering.partition(" (")
            return directories.get(directory, directory) + (f" ({rest}" if rest else "")

        findings = [dataclasses.replace(f, file=shown(f.file), message=message(f.message),
                                        via=tuple(via(v) for v in f.via)) for f in report.findings]
        findings.sort(key=Finding.sort_key)
        target = report.detected_target
        return dataclasses.replace(
            report, findings=findings, file_paths=[shown(p) for p in report.file_paths],
            notes=[message(note) for note in report.notes],
            detected_target=(target[0], shown(target[1])) if target else None,
            fixed=sum(o.fixes for o in self.outcomes.values()))


def _why_not_fixable(path: str, raw: bytes, regular: bool) -> str | None:
    if path != STDIN:
        if not regular:
            return "not a regular file"
        real = os.path.realpath(path)
        mode = os.stat(real).st_mode
        if not stat.S_ISREG(mode):
            return "not a regular file"
        # Without any write permission bit the file is read-only, also to root, who may write it.
        if not mode & 0o222 or not os.access(real, os.W_OK) or not os.access(os.path.dirname(real), os.W_OK | os.X_OK):
            return "read-only"
    if raw.startswith(b"\xef\xbb\xbf"):
        return "starts with a byte-order mark"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    return None


def _settings_for_copies(settings: Settings, files: list[str]) -> Settings:
    """The copies are named one by one (nothing to exclude); the context is the same files
    as the user's run would read, minus the files being fixed (their copies stand for them)."""
    fixing = {os.path.realpath(path) for path in files if path != STDIN}
    context = tuple(path for path in discover_context(settings.context, settings.exclude)
                    if os.path.realpath(path) not in fixing)
    # Renderings of the copies are not cached: their paths are new each run, the entries never met again.
    return dataclasses.replace(settings, exclude=(), context=context, cache_dir=None)


def _non_overlapping(source: FileText, findings: list[Finding]) -> tuple[list[TextEdit], Counter]:
    """The edits of the fixes that do not overlap one another, in finding order, and the
    findings they fix (two findings with the very same edits are fixed together)."""
    taken: list[tuple[int, int]] = []
    chosen: dict[tuple[TextEdit, ...], None] = {}
    fixed: Counter = Counter()
    for finding in sorted(findings, key=Finding.sort_key):
        edits = plan(source, finding.fix) if finding.fix else None
        if not edits:
            continue
        key = tuple(edits)
        if key not in chosen:
            first, last = lines_touched(source, edits)
            if any(first <= other_last and other_first <= last for other_first, other_last in taken):
                continue  # the next round, on the re-parsed text
            taken.append((first, last))
            chosen[key] = None
        fixed[_identity(finding)] += 1
    return [edit for key in chosen for edit in key], fixed


def _identity(finding: Finding) -> tuple:
    """A finding as it would be found again after lines moved: rule, object and message."""
    return finding.rule, finding.obj, finding.message


def _rendering_inputs(paths: Sequence[str], settings: Settings) -> tuple[list[str], list[str]]:
    """Every file the overlays and charts of the run read; and, for a run that names only
    files, the kustomization files of the overlays that include them."""
    layout = render_layout(paths, settings.exclude, discover_context(settings.context, settings.exclude))
    files = set(layout.consumed)
    for directory in layout.kustomizations:
        files.update(layout.reads(directory))
    found = [k.file for k in layout.overlays] if layout.report_only is not None else []
    return sorted(files), found


def _renderings_failing(report: Report) -> int:
    return sum(1 for finding in report.findings if finding.rule == RENDER_FAILED)


def _reading_counts(report: Report) -> dict[str, Counter]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for finding in report.findings:
        if finding.rule in READING_RULES:
            counts[finding.file][finding.rule] += 1
    return counts


def _failure(fixed: Counter, reading_before: Counter, after: list[Finding]) -> str | None:
    reading_after = Counter(f.rule for f in after if f.rule in READING_RULES)
    worse = [rule for rule, count in reading_after.items() if count > reading_before[rule]]
    if worse:
        first = next(f for f in after if f.rule in worse)
        return f"fixes not applied: the fixed text would not read as before ({first.rule}: {first.message})"
    remaining = Counter(_identity(f) for f in after)
    for identity, count in fixed.items():
        if remaining[identity] > 0:
            rule, _, message = identity
            return f"fixes not applied: the fixed text still shows {rule}: {message}"
    return None
