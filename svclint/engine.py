"""The pipeline: files → documents → resource index → rules → findings.

Each file is checked on its own (per-object rules, see checkfile.py); then the facts of all
files form one index for the cross-object rules, whose findings are located by parsing
again only the files they concern.
"""

from __future__ import annotations

import dataclasses
import os.path
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from svclint.checkfile import FileResult, check_file
from svclint.context import RuleContext
from svclint.discover import InputError, discover
from svclint.finding import Finding, Hit, ObjectRef, Severity
from svclint.positions import PositionResolver
from svclint.registry import ANY_KIND, Rule, load_rules
from svclint.resources import CLUSTER_SCOPED_KINDS, Resource, ResourceIndex
from svclint.settings import Settings
from svclint.source import read_text


@dataclass
class Report:
    findings: list[Finding]
    files: int
    objects: int
    notes: list[str] = field(default_factory=list)
    file_paths: list[str] = field(default_factory=list)  # every linted file, clean ones too (JUnit lists them)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def lint_paths(paths: Sequence[str], settings: Settings) -> Report:
    """Lints files and directories; raises InputError for paths that cannot be read."""
    discovery = discover(paths, settings.exclude)
    rules = selected_rules(settings)
    results = [_check(path, settings, rules) for path in discovery.files]
    report = combine(results, settings, rules)
    report.notes = discovery.notes
    return report


def selected_rules(settings: Settings) -> dict[str, Rule]:
    rules = load_rules()
    chosen = set(settings.select) if settings.select else set(rules)
    return {slug: rule for slug, rule in rules.items() if slug in chosen and slug not in settings.ignore}


def combine(results: Sequence[FileResult], settings: Settings, rules: dict[str, Rule]) -> Report:
    """Resolves namespaces across files, runs the cross-object rules, and collects findings."""
    kustomized = {file: ns for result in results for file, ns in result.kustomized.items()}
    objects_by_file = {
        result.path: [_with_namespace(r, kustomized, settings.namespace) for r in result.objects]
        for result in results
    }
    index = ResourceIndex.build((r for objects in objects_by_file.values() for r in objects),
                                settings.workload_kinds)
    findings = [
        Finding(result.path, f.line, f.column, f.rule, f.severity, f.message,
                objects_by_file[result.path][f.object_number].ref if f.object_number is not None else ObjectRef())
        for result in results for f in result.findings
    ]
    texts = {result.path: result.text for result in results if result.text is not None}
    findings += _cross_object_findings(index, settings, rules, texts)
    findings.sort(key=Finding.sort_key)
    return Report(findings, files=len(results), objects=len(index.objects),
                  file_paths=[result.path for result in results])


def _check(path: str, settings: Settings, rules: dict[str, Rule]) -> FileResult:
    try:
        return check_file(path, settings, rules)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _with_namespace(resource: Resource, kustomized: dict[str, str], default: str) -> Resource:
    if resource.qualified_kind in CLUSTER_SCOPED_KINDS:
        return dataclasses.replace(resource, namespace="") if resource.namespace else resource
    if resource.namespace:
        return resource
    namespace = kustomized.get(os.path.normpath(resource.file)) or default
    return dataclasses.replace(resource, namespace=namespace)


def _cross_object_findings(index: ResourceIndex, settings: Settings, rules: dict[str, Rule],
                           texts: dict[str, str]) -> list[Finding]:
    hits: dict[str, list[tuple[Resource, Rule, Hit]]] = defaultdict(list)
    for rule in rules.values():
        if rule.check and rule.scope == "index":
            ctx = RuleContext(index, settings, rule.options, frozenset(rules))
            for resource in _in_scope(index, rule):
                for hit in rule.check(resource, ctx):
                    hits[resource.file].append((resource, rule, hit))
    findings = []
    for path, items in hits.items():
        resolver = PositionResolver(texts[path] if path in texts else read_text(path))
        for resource, rule, hit in items:
            line, column = resolver.locate(resource.doc_index, resource.base_path + tuple(hit.path), hit.anchor)
            findings.append(Finding(path, line, column, rule.slug, hit.severity or rule.severity,
                                    hit.message, resource.ref))
    return findings


def _in_scope(index: ResourceIndex, rule: Rule) -> Iterable[Resource]:
    if ANY_KIND in rule.kinds:
        yield from index.objects
        return
    for kind in rule.kinds:
        yield from index.of_kind(kind)
