"""Check one file on its own: parse it, run the per-object rules, keep the facts.

This is the unit of parallel work (--jobs): its arguments and result are plain data, and
the result holds no document text (except for stdin and other pipes, which cannot be read twice).
Context files (read only to resolve cross-object rules) keep their facts and nothing else.
What the facts of an object are follows from the cross-object rules that run (fact_plan).
Documents are checked as they are parsed and dropped after: however big the file, one
document at a time is constructed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from svclint.check.finding import Finding, Severity, grouped
from svclint.check.fixes import Fix
from svclint.check.registry import Rule, RulesByKind
from svclint.check.rule_inputs import RuleInputs
from svclint.check.selection import policy_enabled
from svclint.check.settings import Settings
from svclint.check.suppressions import (
    ANNOTATION,
    Suppression,
    annotation_suppressions,
    comment_suppressions,
)
from svclint.model.facts import INDEX_READS, FactPlan, facts_of
from svclint.model.resources import CLUSTER_SCOPED_KINDS, ObjectRef, Resource, kustomization_namespaces, objects_in
from svclint.policy import POLICY_READS
from svclint.policy.evaluate import PolicySet
from svclint.source.documents import (
    Header,
    Problem,
    SourceFile,
    SpanList,
    decode_source,
    iter_documents,
    read_raw,
)
from svclint.source.positions import PositionResolver


@dataclass(frozen=True)
class LocalFinding:
    """A positioned finding whose object is known by its number in the file's objects."""

    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    object_number: int | None = None
    header: Header | None = None  # the object as written, for a document that made no object
    fix: Fix | None = None  # located: paths from the document's root


# A policy's finding as it travels back from a worker: (line, column, rule, severity,
# message, kind, namespace, name). A policy-heavy run sends tens of thousands: as plain tuples
# they pickle ten times faster than Findings.
PolicyRow = tuple[int, int, str, int, str, str, str, str]


def policy_finding(path: str, row: PolicyRow) -> Finding:
    line, column, rule, severity, message, kind, namespace, name = row
    return Finding(path, line, column, rule, Severity(severity), message, ObjectRef(kind, namespace, name))


@dataclass
class FileResult:
    path: str
    objects: list[Resource] = field(default_factory=list)  # facts only, namespace unresolved
    findings: list[LocalFinding] = field(default_factory=list)
    kustomized: dict[str, str] = field(default_factory=dict)  # file -> namespace
    suppressions: list[Suppression] = field(default_factory=list)
    spans: SpanList = field(default_factory=SpanList)  # of each document, to locate cross-object findings
    ascii: bool = False  # the file's bytes are ASCII: it can be read again in slices
    text: str | None = None  # kept for stdin, pipes and what is not a regular file, to locate cross-object findings
    policy_rows: list[PolicyRow] = field(default_factory=list)  # when judged as checked (check_file's policies)


def check_file(path: str, settings: Settings, rules: dict[str, Rule], policies: PolicySet | None = None) -> FileResult:
    source, ascii_bytes, regular = _read(path)
    return check_source(source, ascii_bytes, regular, settings, rules, policies)


def check_source(source: SourceFile, ascii_bytes: bool, regular: bool, settings: Settings,
                 rules: dict[str, Rule], policies: PolicySet | None = None) -> FileResult:
    """Checks a file's text (a rendered overlay's too: not regular, its text is kept), and
    judges its objects by `policies` (those known before any file is checked), each object
    while it is whole: parsing the file again for them would cost as much as this."""
    result = FileResult(source.path, text=None if regular else source.text, ascii=ascii_bytes)
    if settings.allow_suppressions:
        result.suppressions, invalid = comment_suppressions(source.text)
        result.findings.extend(_local(p, rules) for p in invalid if p.rule in rules)
    resolver = PositionResolver(source.text, result.spans)
    enabled = frozenset(rules)
    options = settings.options_by_rule
    object_rules = RulesByKind([(rule, RuleInputs(None, settings, rule.options_for(options), enabled, resolver))
                                for rule in rules.values() if rule.check and rule.scope == "object"])
    plan = fact_plan(rules.values(), settings)
    numbers: dict[int, int] = {}  # document -> number of the object it is (not a List)
    judge = _Judge(policies, settings, resolver) if policies else None
    for number, resource in enumerate(_resources(source, result.spans, resolver)):
        if not resource.base_path:
            numbers[resource.doc_index] = number
        for rule, inputs in object_rules.of_kind(resource.qualified_kind):
            for hit in grouped(rule.hits(resource, inputs)):
                line, column = resolver.locate(resource.doc_index, resource.base_path + tuple(hit.path), hit.anchor)
                fix = hit.fix.located(resource.doc_index, resource.base_path) if hit.fix else None
                result.findings.append(LocalFinding(
                    line, column, rule.slug, hit.severity or rule.severity, hit.message, number, fix=fix))
        if settings.allow_suppressions:
            _collect_annotation(resource, number, resolver, rules, result)
        if judge:
            result.policy_rows += judge(resource)
        _keep_facts(resource, plan, result)
    # Last: the loader adds its problems (bad YAML, duplicate keys) as it parses.
    result.findings.extend(_about_document(p, rules, numbers) for p in source.problems if p.rule in rules)
    return result


class _Judge:
    """Judges a file's objects by the run's policies, each at the field its failing expression reads."""

    def __init__(self, policies: PolicySet, settings: Settings, resolver: PositionResolver) -> None:
        self.policies = policies
        self.settings = settings
        self.resolver = resolver

    def __call__(self, resource: Resource) -> list[PolicyRow]:
        """Its object is known here (in the namespace the engine would give it, else the rows
        are dropped), so each row is a whole finding but for the file."""
        admitted = admitted_namespace(resource, self.settings.namespace)
        found = []
        for verdict in self.policies.check(admitted):
            if policy_enabled(verdict.rule, self.settings.select, self.settings.ignore):
                line, column = self.resolver.locate(resource.doc_index, resource.base_path + tuple(verdict.path), "key")
                found.append((line, column, verdict.rule, int(Severity.parse(verdict.level or "error")),
                              verdict.message, admitted.kind, admitted.namespace, admitted.name))
        return found


def admitted_namespace(resource: Resource, default: str) -> Resource:
    """The object in the namespace it is created in: its own, else `default` (the engine's
    default may come from a kustomization; then the judgements made with another are dropped)."""
    if resource.qualified_kind in CLUSTER_SCOPED_KINDS:
        return dataclasses.replace(resource, namespace="") if resource.namespace else resource
    return resource if resource.namespace else dataclasses.replace(resource, namespace=default)


def _read(path: str) -> tuple[SourceFile, bool, bool]:
    """The decoded file, whether its bytes are ASCII (the bytes are not kept), and whether it
    is a regular file (else its text is kept: a pipe cannot be read again)."""
    display, raw, regular = read_raw(path)
    return decode_source(display, raw), raw.isascii(), regular


def context_facts(path: str, raw: bytes, plan: FactPlan) -> FileResult:
    """The facts of a context file: its objects, for the index, and nothing to report."""
    result = FileResult(path)
    for resource in _resources(decode_source(path, raw), result.spans):
        _keep_facts(resource, plan, result)
    return result


_plans: dict[tuple, FactPlan] = {}


def fact_plan(rules: Iterable[Rule], settings: Settings) -> FactPlan:
    """What the facts of objects hold when these rules run: what the index reads, and what
    the cross-object rules among them declare they read (built once per run, not per file)."""
    index_rules = sorted((rule for rule in rules if rule.scope == "index" and rule.check), key=lambda r: r.slug)
    key = (tuple(rule.slug for rule in index_rules), settings.workloads)
    if key not in _plans:
        _plans[key] = FactPlan([INDEX_READS, POLICY_READS, *(rule.reads for rule in index_rules)], settings.workload_kinds)
    return _plans[key]


def _resources(source: SourceFile, spans: SpanList, resolver: PositionResolver | None = None) -> Iterator[Resource]:
    """The objects of the file as it is parsed, recording each document's span in `spans`
    (and handing its nodes to `resolver`)."""
    for document in iter_documents(source):
        spans.append(document.span)
        if resolver:
            resolver.hold(document.index, document.root)
        for data, base in objects_in(document.data):
            yield Resource(data, source.path, document.index, _explicit_namespace(data), base)


def _keep_facts(resource: Resource, plan: FactPlan, result: FileResult) -> None:
    result.kustomized.update(kustomization_namespaces(resource))
    result.objects.append(facts_of(resource, plan))


def _collect_annotation(resource: Resource, number: int, resolver: PositionResolver,
                        rules: dict[str, Rule], result: FileResult) -> None:
    annotations = resource.get("metadata", "annotations")
    if not isinstance(annotations, dict) or ANNOTATION not in annotations:
        return
    path = resource.base_path + ("metadata", "annotations", ANNOTATION)
    line, column = resolver.locate(resource.doc_index, path)
    suppressions, problems = annotation_suppressions(annotations[ANNOTATION], line, column, number)
    result.suppressions += suppressions
    result.findings.extend(_local(p, rules, number) for p in problems if p.rule in rules)


def _local(problem: Problem, rules: dict[str, Rule], number: int | None = None) -> LocalFinding:
    return LocalFinding(problem.line, problem.column, problem.rule, rules[problem.rule].severity,
                        problem.message, number)


def _about_document(problem: Problem, rules: dict[str, Rule], numbers: dict[int, int]) -> LocalFinding:
    """A loader's problem, with the object of its document: the one built, else the one written."""
    number = numbers.get(problem.document) if problem.document is not None else None
    if number is not None or problem.header is None:
        return _local(problem, rules, number)
    return LocalFinding(problem.line, problem.column, problem.rule, rules[problem.rule].severity,
                        problem.message, header=problem.header)


def _explicit_namespace(data: dict) -> str:
    metadata = data.get("metadata")
    namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
    return namespace if isinstance(namespace, str) else ""
