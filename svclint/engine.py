"""The pipeline: files → documents → resource index → rules → findings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from svclint.context import RuleContext
from svclint.discover import InputError, discover
from svclint.finding import Finding, Hit, ObjectRef, Severity
from svclint.positions import PositionResolver
from svclint.registry import Rule, load_rules
from svclint.resources import Resource, ResourceIndex
from svclint.settings import Settings
from svclint.source import SourceFile, read_source


@dataclass
class Report:
    findings: list[Finding]
    files: int
    objects: int
    notes: list[str] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass(frozen=True)
class _Pending:
    resource: Resource
    rule: Rule
    hit: Hit


def lint_paths(paths: Sequence[str], settings: Settings) -> Report:
    """Lints files and directories; raises InputError for paths that cannot be read."""
    discovery = discover(paths, settings.exclude)
    sources = [_read(path) for path in discovery.files]
    report = lint_sources(sources, settings)
    report.notes = discovery.notes
    return report


def lint_sources(sources: Sequence[SourceFile], settings: Settings) -> Report:
    rules = selected_rules(settings)
    index = ResourceIndex.build(sources, settings.namespace)
    enabled = frozenset(rules)
    pending = [
        _Pending(resource, rule, hit)
        for rule in rules.values() if rule.check
        for resource in _in_scope(index, rule)
        for hit in rule.check(resource, RuleContext(index, settings, rule.options, enabled))
    ]
    findings = _loader_findings(sources, rules) + _locate(pending, sources)
    findings.sort(key=Finding.sort_key)
    return Report(findings, files=len(sources), objects=len(index.objects))


def selected_rules(settings: Settings) -> dict[str, Rule]:
    rules = load_rules()
    chosen = set(settings.select) if settings.select else set(rules)
    return {slug: rule for slug, rule in rules.items() if slug in chosen and slug not in settings.ignore}


def _read(path: str) -> SourceFile:
    try:
        return read_source(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _in_scope(index: ResourceIndex, rule: Rule) -> Iterable[Resource]:
    for kind in rule.kinds:
        yield from index.of_kind(kind)


def _loader_findings(sources: Iterable[SourceFile], rules: dict[str, Rule]) -> list[Finding]:
    return [
        Finding(source.path, p.line, p.column, p.rule, rules[p.rule].severity, p.message)
        for source in sources
        for p in source.problems
        if p.rule in rules
    ]


def _locate(pending: list[_Pending], sources: Sequence[SourceFile]) -> list[Finding]:
    by_file: dict[str, list[_Pending]] = defaultdict(list)
    for item in pending:
        by_file[item.resource.file].append(item)
    texts = {source.path: source.text for source in sources}
    findings = []
    for path, items in by_file.items():
        resolver = PositionResolver(texts[path])
        for item in items:
            path_in_document = item.resource.base_path + tuple(item.hit.path)
            line, column = resolver.locate(item.resource.doc_index, path_in_document, item.hit.anchor)
            severity = item.hit.severity or item.rule.severity
            findings.append(Finding(path, line, column, item.rule.slug, severity, item.hit.message,
                                    item.resource.ref))
    return findings
