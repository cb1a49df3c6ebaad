"""The pipeline: files → documents → resource index → rules → findings.

Each file is checked on its own (per-object rules, see checkfile.py); then the facts of all
files, and of the context files (read, never reported on), form one index for the
cross-object rules, whose findings are located by parsing again only the files they
concern. Suppressions and the configuration's ignores and severities apply last.
"""

from __future__ import annotations

import dataclasses
import functools
import os.path
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from svclint.check.caused import add_caused
from svclint.check.checkfile import (
    FileResult,
    LocalFinding,
    admitted_namespace,
    context_facts,
    fact_plan,
    policy_finding,
)
from svclint.check.failure import reading
from svclint.check.finding import Finding, Hit, Severity, grouped
from svclint.check.overrides import apply_policy
from svclint.check.parallel import FORKS, check_files, map_in_workers, worker_count
from svclint.check.policies import Policies, gather_policies, holding_policies, policy_findings
from svclint.check.registry import Rule, RulesByKind, load_rules
from svclint.check.rendered import add_rendered, render_layout
from svclint.check.rule_inputs import RuleInputs
from svclint.check.selection import enabled
from svclint.check.settings import Settings
from svclint.check.suppressions import suppress, unused_findings
from svclint.model.facts import FactPlan
from svclint.model.resources import (
    ObjectRef,
    Resource,
    ResourceIndex,
)
from svclint.model.services import selector_of
from svclint.policy.model import is_binding, is_policy
from svclint.source.discover import STDIN, InputError, discover, discover_context
from svclint.source.documents import AsciiFileText, read_text
from svclint.source.positions import PositionResolver
from svclint.source.streams import read_once

if TYPE_CHECKING:
    from svclint.check.cache import FactsCache


@dataclass
class Report:
    findings: list[Finding]
    files: int
    objects: int
    notes: list[str] = field(default_factory=list)
    file_paths: list[str] = field(default_factory=list)  # every linted file, clean ones too (JUnit lists them)
    detected_target: tuple[str, str] | None = None  # (target, file it was detected from), when not set
    # Findings at or above it are problems (--fail-on; the default, warning, for `never`); the
    # others are shown and counted apart. `hidden`: those below it that --quiet left out.
    problem_level: Severity = Severity.WARNING
    hidden: int = 0
    source: dict[tuple[str, int], str] = field(default_factory=dict)  # (file, line) -> text, for --show-source
    policies: list[tuple[str, str, str]] = field(default_factory=list)  # (rule, description, file) of each policy
    fixed: int | None = None  # with --fix: how many findings the fixes repaired

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def is_problem(self, finding: Finding) -> bool:
        return finding.severity >= self.problem_level

    def without_lesser_findings(self) -> "Report":
        """The report with the findings below the problem level left out, and counted (--quiet)."""
        problems = [f for f in self.findings if self.is_problem(f)]
        return dataclasses.replace(self, findings=problems, hidden=self.hidden + len(self.findings) - len(problems))


def lint_paths(paths: Sequence[str], settings: Settings, jobs: int | None = 1) -> Report:
    """Lints files and directories against the context, in `jobs` processes (None: as many
    as pays); raises InputError for paths that cannot be read."""
    discovery = discover(paths, settings.exclude)
    rules = selected_rules(settings)
    context_files = discover_context(settings.context, settings.exclude)
    layout = render_layout(paths, settings.exclude, context_files)  # overlays and charts: linted as rendered
    discovery.files = [f for f in discovery.files if os.path.normpath(f) not in layout.consumed]
    if layout.report_only is None:  # an overlay that cannot be built: its files, even from outside the paths
        named = {os.path.normpath(f) for f in discovery.files}
        discovery.files += [f for f in layout.plain_files() if f not in named]
    reported = {os.path.normpath(path) for path in discovery.files}
    context_files = [p for p in context_files if os.path.normpath(p) not in reported]
    notes = discovery.notes
    context = read_context(context_files, settings, jobs, notes)
    workers = worker_count(discovery.files, jobs)
    early = _early_policies(discovery.files, context, settings, workers)
    results = check_files(discovery.files, settings, rules, workers, early.policies if early else None)
    report = combine(results, settings, rules, context, workers, early)
    if context and STDIN not in paths:  # what the changed files cause in files they do not touch
        add_caused(report, results, context, settings, rules)
    report.notes = [*notes, *report.notes]
    if layout.renders:
        add_rendered(report, layout, settings, rules, jobs, combine)
    return report


def selected_rules(settings: Settings) -> dict[str, Rule]:
    return _selected_rules(settings.select, settings.ignore)


@functools.lru_cache(maxsize=16)
def _selected_rules(select: tuple[str, ...], ignore: tuple[str, ...]) -> dict[str, Rule]:
    """Matched once per selection: a run asks twice, and in-process callers (tests, a fuzzer) often."""
    return {rule.slug: rule for rule in enabled(load_rules().values(), select, ignore)}


def read_context(paths: Sequence[str], settings: Settings, jobs: int | None = 1,
                 notes: list[str] | None = None) -> list[FileResult]:
    """Facts of the context files: from the cache when their content has not changed, else
    parsed in `jobs` processes (None: as many as pays). Why the cache is not used, if it is
    not, is added to `notes`."""
    if not paths:
        return []
    from svclint.check.cache import FactsCache, facts_to_cache  # ~7 ms to import

    plan = fact_plan(selected_rules(settings).values(), settings)
    cache = FactsCache(settings.cache_dir, settings, plan) if settings.cache_dir else None
    if cache and cache.note and notes is not None:
        notes.append(cache.note)
    results, streams = _cached_context(paths, cache) if cache else ({}, {})
    missing = [(path, streams.get(path)) for path in paths if path not in results]
    parsed = map_in_workers(_parse_context_file, plan, missing, worker_count([p for p, _ in missing], jobs))
    for (path, _), (result, digest) in zip(missing, parsed):
        results[path] = result
        if cache:
            cache.put(digest, facts_to_cache(result))
    if cache:
        cache.save()
    return [results[path] for path in paths]


def _cached_context(paths: Sequence[str], cache: FactsCache) -> tuple[dict[str, FileResult], dict[str, bytes]]:
    """The results of the context files whose facts are cached, and the bytes of the pipes
    among the others (read to hash them: a pipe cannot be read a second time to parse it)."""
    from svclint.check.cache import cached_result, content_digest

    results: dict[str, FileResult] = {}
    streams: dict[str, bytes] = {}
    for path in paths:
        raw, regular = _read_context_file(path)
        with reading(path):
            facts = cache.get(content_digest(raw))
        if facts is not None:
            results[path] = cached_result(path, facts)
        elif not regular:
            streams[path] = raw
    return results, streams


def _parse_context_file(plan: FactPlan, item: tuple[str, bytes | None]) -> tuple[FileResult, str]:
    """A context file's facts (from its bytes when they were read already), and the digest
    of the content they are cached under."""
    from svclint.check.cache import content_digest

    path, raw = item
    raw = raw if raw is not None else _read_context_file(path)[0]
    with reading(path):
        return context_facts(path, raw, plan), content_digest(raw)


def _read_context_file(path: str) -> tuple[bytes, bool]:
    """The bytes of a context file, read once, and whether it is a regular file."""
    try:
        return read_once(path)
    except OSError as exc:
        raise InputError(f"context: {path}: cannot read: {exc.strerror or exc}") from None


def combine(results: Sequence[FileResult], settings: Settings, rules: dict[str, Rule],
            context: Sequence[FileResult] = (), workers: int = 1, early: Policies | None = None) -> Report:
    """Resolves namespaces across files, runs the cross-object rules (in `workers` processes)
    on the objects of the reported files (`results`) against all objects (`context` too), and
    collects findings. `early`: the policies the results were judged by as they were checked."""
    objects_by_file, index, kustomized = _indexed([*results, *context], settings)
    if any(kustomized.get(os.path.normpath(result.path)) for result in results):
        early = None  # judged in the namespace the objects name, not the kustomization's
    reported = {result.path: result for result in results}
    policies = policy_findings(index, reported, settings, rules, workers, early)
    findings = [
        Finding(result.path, f.line, f.column, f.rule, f.severity, f.message,
                _object_of(f, result.path, objects_by_file[result.path], kustomized, settings.namespace), f.fix)
        for result in results for f in result.findings
    ]
    if policies.judged_early:
        findings += [policy_finding(result.path, row) for result in results for row in result.policy_rows]
    findings += _cross_object_findings(index, settings, rules, reported, workers)
    findings += policies.findings
    # Only suppressions need the objects of a file by number (refs cost ~3 µs an object).
    refs = {path: [r.ref for r in objects_by_file[path]] for path, result in reported.items() if result.suppressions}
    if settings.allow_suppressions:
        findings, unused = suppress(findings, {r.path: r.suppressions for r in results}, refs)
        # A rule that checked nothing (no workload in sight) leaves its suppressions unjudged.
        unchecked = _unchecked_rules(index, rules)
        findings += unused_findings(unused, {slug: r for slug, r in rules.items() if slug not in unchecked}, refs)
    findings = apply_policy(findings, settings)
    findings.sort(key=Finding.sort_key)
    return Report(findings, files=len(results), objects=sum(1 for r in index.objects if r.file in reported),
                  notes=_unchecked_selectors_note(index, rules, reported) + policies.notes, policies=policies.policies,
                  file_paths=[result.path for result in results], detected_target=_detected_target(index, settings),
                  problem_level=settings.fail_threshold or Severity.WARNING)


def _indexed(results: Sequence[FileResult], settings: Settings
             ) -> tuple[dict[str, list[Resource]], ResourceIndex, dict[str, str]]:
    """The objects of each file with their namespaces resolved, their index, and the
    namespaces kustomizations give files."""
    kustomized = {file: ns for result in results for file, ns in result.kustomized.items()}
    objects_by_file = {
        result.path: [_with_namespace(r, kustomized, settings.namespace) for r in result.objects]
        for result in results
    }
    index = ResourceIndex.build((r for objects in objects_by_file.values() for r in objects),
                                settings.workload_kinds)
    return objects_by_file, index, kustomized


def _early_policies(files: Sequence[str], context: Sequence[FileResult], settings: Settings,
                    workers: int) -> Policies | None:
    """The policies known before the linted `files` are checked (from --policy, the context
    and those of `files` that hold policies): they judge each object while its file is
    checked. None when forked workers could not inherit them (compiled expressions do not pickle)."""
    if workers > 1 and not FORKS:
        return None
    holding = holding_policies(files)
    if not holding and not settings.policies and not any(
            is_policy(r) or is_binding(r) for result in context for r in result.objects):
        return None
    return gather_policies(_indexed(context, settings)[1], settings, holding)


def _detected_target(index: ResourceIndex, settings: Settings) -> tuple[str, str] | None:
    """kind, and the kind cluster config that says so, when the target was not set (RuleInputs.target)."""
    if settings.target or not index.kind_clusters:
        return None
    return "kind", index.kind_clusters[0].resource.file


def _unchecked_rules(index: ResourceIndex, rules: dict[str, Rule]) -> set[str]:
    """The enabled rules that check nothing in this run: selector-no-match when the run
    holds no pod template at all (the workloads come from elsewhere)."""
    return set() if index.templates else {"selector-no-match"} & set(rules)


def _unchecked_selectors_note(index: ResourceIndex, rules: dict[str, Rule], reported: dict[str, FileResult]) -> list[str]:
    """The note that selector-no-match checked nothing, when the run holds Services with a
    selector but no pod template at all."""
    if not _unchecked_rules(index, rules):
        return []
    selecting = sum(1 for service in index.of_kind("Service")
                    if service.file in reported and selector_of(service) is not None)
    if not selecting:
        return []
    services = f"{selecting} Service{'' if selecting == 1 else 's'}"
    return [f"selectors of {services} not checked (selector-no-match): the run holds no workload "
            "(Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, ...) to match them against; "
            "give the workloads with --context PATH, or --context git for the whole repository"]


def _object_of(finding: LocalFinding, file: str, objects: Sequence[Resource], kustomized: dict[str, str],
               default: str) -> ObjectRef:
    """The object of a file's finding: by its number, else as its document names it (its
    namespace resolved as an object's is)."""
    if finding.object_number is not None:
        return objects[finding.object_number].ref
    header = finding.header
    if header is None:
        return ObjectRef()
    written = Resource({"apiVersion": header.api_version, "kind": header.kind, "metadata": {"name": header.name}},
                       file, 0, header.namespace)
    return _with_namespace(written, kustomized, default).ref


def _with_namespace(resource: Resource, kustomized: dict[str, str], default: str) -> Resource:
    return admitted_namespace(resource, kustomized.get(os.path.normpath(resource.file)) or default)


def _cross_object_findings(index: ResourceIndex, settings: Settings, rules: dict[str, Rule],
                           reported: dict[str, FileResult], workers: int) -> list[Finding]:
    """The index rules' findings on the objects of `reported`, file by file, in `workers` processes."""
    enabled_slugs = frozenset(rules)
    index_rules = [(rule, RuleInputs(index, settings, rule.options_for(settings.options_by_rule), enabled_slugs))
                   for rule in rules.values() if rule.check and rule.scope == "index"]
    if not index_rules:
        return []
    run = CrossObjectRun(index, reported, RulesByKind(index_rules))
    workers = workers if FORKS else 1  # elsewhere each worker would get the index pickled
    return [finding for found in map_in_workers(_findings_in_file, run, list(reported), workers) for finding in found]


@dataclass(frozen=True)
class CrossObjectRun:
    index: ResourceIndex
    reported: dict[str, FileResult]
    rules: RulesByKind


def _findings_in_file(run: CrossObjectRun, path: str) -> list[Finding]:
    with reading(path):
        return _cross_object_hits_located(run, path)


def _cross_object_hits_located(run: CrossObjectRun, path: str) -> list[Finding]:
    hits = [(resource, rule, hit)
            for resource in run.index.in_file(path)
            for rule, inputs in run.rules.of_kind(resource.qualified_kind)
            for hit in grouped(rule.hits(resource, inputs))]
    return _located(run.reported[path], hits) if hits else []


def _located(result: FileResult, hits: list[tuple[Resource, Rule, Hit]]) -> list[Finding]:
    resolver = PositionResolver(_text_of(result), result.spans)
    findings = []
    for resource, rule, hit in hits:  # in document order: each document is composed once
        line, column = resolver.locate(resource.doc_index, resource.base_path + tuple(hit.path), hit.anchor)
        fix = hit.fix.located(resource.doc_index, resource.base_path) if hit.fix else None
        findings.append(Finding(result.path, line, column, rule.slug, hit.severity or rule.severity,
                                hit.message, resource.ref, fix))
    return findings


def _text_of(result: FileResult) -> str | AsciiFileText:
    """The text of a reported file, to locate cross-object findings: kept for stdin and pipes
    (they cannot be read twice), else read again (in slices when ASCII: a big file is then
    not held twice beside the facts)."""
    if result.text is not None:
        return result.text
    return AsciiFileText(result.path) if result.ascii else read_text(result.path)
