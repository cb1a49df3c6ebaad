"""Check one file on its own: parse it, run the per-object rules, keep the facts.

This is the unit of parallel work (--jobs): its arguments and result are plain data, and
the result holds no document text (except for stdin, which cannot be read twice).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from svclint.context import RuleContext
from svclint.facts import facts_of
from svclint.finding import Severity
from svclint.positions import PositionResolver
from svclint.registry import Rule
from svclint.resources import Resource, kustomization_namespaces, objects_in
from svclint.settings import Settings
from svclint.source import STDIN_NAME, read_source


@dataclass(frozen=True)
class LocalFinding:
    """A positioned finding whose object is known by its number in the file's objects."""

    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    object_number: int | None = None


@dataclass
class FileResult:
    path: str
    objects: list[Resource] = field(default_factory=list)  # facts only, namespace unresolved
    findings: list[LocalFinding] = field(default_factory=list)
    kustomized: dict[str, str] = field(default_factory=dict)  # file -> namespace
    text: str | None = None  # kept for stdin only, to locate cross-object findings


def check_file(path: str, settings: Settings, rules: dict[str, Rule]) -> FileResult:
    source = read_source(path)
    result = FileResult(source.path, text=source.text if source.path == STDIN_NAME else None)
    result.findings.extend(
        LocalFinding(p.line, p.column, p.rule, rules[p.rule].severity, p.message)
        for p in source.problems if p.rule in rules
    )
    object_rules = [rule for rule in rules.values() if rule.check and rule.scope == "object"]
    resolver = PositionResolver(source.text)
    workload_kinds = settings.workload_kinds
    enabled = frozenset(rules)
    for document in source.documents:
        for data, base in objects_in(document.data):
            resource = Resource(data, source.path, document.index, _explicit_namespace(data), base)
            number = len(result.objects)
            for rule in object_rules:
                if rule.applies_to(resource.qualified_kind):
                    ctx = RuleContext(None, settings, rule.options, enabled, resolver)
                    for hit in rule.check(resource, ctx):
                        line, column = resolver.locate(document.index, base + tuple(hit.path), hit.anchor)
                        result.findings.append(LocalFinding(
                            line, column, rule.slug, hit.severity or rule.severity, hit.message, number))
            result.kustomized.update(kustomization_namespaces(resource))
            result.objects.append(facts_of(resource, workload_kinds))
    return result


def _explicit_namespace(data: dict) -> str:
    metadata = data.get("metadata")
    namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
    return namespace if isinstance(namespace, str) else ""
