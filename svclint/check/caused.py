"""Findings a change causes in files it does not touch (pre-commit, `--context`).

A commit that changes a Deployment's labels can orphan a Service in a file the commit does
not touch: the Service's `selector-no-match` is new, and the changed file caused it. The
cross-object rules run on the context's objects twice, against the index with the changed
files as they are and as git's HEAD has them; a finding only the first gives is reported at
the changed file whose old version alone makes it go away, naming the object it is about.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from typing import Any, Sequence

from svclint.check.checkfile import FileResult, context_facts, fact_plan
from svclint.check.finding import Finding, grouped
from svclint.check.registry import Rule
from svclint.check.rule_inputs import RuleInputs
from svclint.check.settings import Settings
from svclint.model.facts import FactPlan
from svclint.model.resources import CLUSTER_SCOPED_KINDS, ObjectRef, Resource, ResourceIndex
from svclint.source.positions import PositionResolver

WORKLOAD_LABELS = ("spec", "template", "metadata", "labels")
# Rules whose finding names both objects are reported on the changed file's own object already.
SYMMETRIC_RULES = frozenset({"duplicate-object", "nodeport-conflict", "selector-overlap"})


def add_caused(report: Any, changed: Sequence[FileResult], context: Sequence[FileResult],
               settings: Settings, rules: dict[str, Rule]) -> None:
    """Adds to `report` the findings the changed files cause in the context (none outside git)."""
    from svclint.check.overrides import apply_policy

    caused = apply_policy(caused_findings(changed, context, settings, rules), settings)
    if caused:
        report.findings = sorted([*report.findings, *caused], key=Finding.sort_key)


def caused_findings(changed: Sequence[FileResult], context: Sequence[FileResult], settings: Settings,
                    rules: dict[str, Rule]) -> list[Finding]:
    if not changed or not context:
        return []
    plan = fact_plan(rules.values(), settings)
    at_head = {result.path: _at_head(result.path, plan) for result in changed}
    now_facts = {result.path: [r.data for r in result.objects] for result in changed}
    before = {path: result for path, result in at_head.items()  # only files whose objects changed
              if result is not None and [r.data for r in result.objects] != now_facts[path]}
    if not before:
        return []
    rules = {slug: rule for slug, rule in rules.items() if slug not in SYMMETRIC_RULES}
    # Only the context's objects in the namespaces the changed objects are in (or were), and
    # cluster-scoped ones (a kind cluster config): what the change can reach.
    touched = {r.namespace or settings.namespace for result in [*changed, *before.values()] for r in result.objects}
    then = [before.get(result.path, result) for result in changed]
    now_hits = _context_hits(changed, context, settings, rules, touched)
    gone = _context_hits(then, context, settings, rules, touched)
    new = {key: hit for key, hit in now_hits.items() if key not in gone}
    findings = []
    for key, (resource, slug, message) in new.items():
        culprit = _culprit(key, changed, before, context, settings, rules, touched)
        if culprit is None:
            continue
        line, column = _where(culprit)
        findings.append(Finding(culprit.path, line, column, slug, rules[slug].severity,
                                after_change(message, resource.ref, resource.file), resource.ref))
    return findings


def after_change(message: str, obj: ObjectRef, file: str) -> str:
    """A finding's message as reported at the change that caused it, on an object elsewhere."""
    return f"{message} (after this change; {obj.describe()} is in {file})"


def show_at_head(path: str) -> subprocess.CompletedProcess | None:
    """`git show HEAD:./PATH` (its stdout is the file as committed); None when git cannot run."""
    try:
        return subprocess.run(["git", "show", f"HEAD:./{path}"], capture_output=True, check=False, cwd=os.getcwd())
    except OSError:
        return None


def _at_head(path: str, plan: FactPlan) -> FileResult | None:
    """The file's facts as git's HEAD has it (empty for a new file); None outside git."""
    shown = show_at_head(path)
    if shown is None:
        return None
    if shown.returncode != 0:
        known = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], capture_output=True, check=False)
        return FileResult(path) if known.returncode == 0 else None  # new in this commit: it held nothing
    return context_facts(path, shown.stdout, plan)


def _context_hits(changed: Sequence[FileResult], context: Sequence[FileResult], settings: Settings,
                  rules: dict[str, Rule], namespaces: set[str]) -> dict[tuple, tuple[Resource, str, str]]:
    """The index rules' findings on the context's objects, against the context and `changed`."""
    everything = [*changed, *context]
    kustomized = {file: ns for result in everything for file, ns in result.kustomized.items()}
    objects = [resource for resource in (_namespaced(r, kustomized, settings.namespace)
                                         for result in everything for r in result.objects)
               if not resource.namespace or resource.namespace in namespaces]  # the rules look within one
    index = ResourceIndex.build(objects, settings.workload_kinds)
    context_files = {result.path for result in context}
    enabled = frozenset(rules)
    found: dict[tuple, tuple[Resource, str, str]] = {}
    for rule in rules.values():
        if not rule.check or rule.scope != "index":
            continue
        inputs = RuleInputs(index, settings, rule.options_for(settings.options_by_rule), enabled)
        for resource in objects:
            if resource.file in context_files and rule.applies_to(resource.qualified_kind):
                for hit in grouped(rule.hits(resource, inputs)):
                    found[(rule.slug, resource.file, resource.ref, hit.message)] = (resource, rule.slug, hit.message)
    return found


def _culprit(key: tuple, changed: Sequence[FileResult], before: dict[str, FileResult],
             context: Sequence[FileResult], settings: Settings, rules: dict[str, Rule],
             namespaces: set[str]) -> FileResult | None:
    """The changed file whose old version alone makes the finding `key` go away."""
    if len(before) == 1:  # one changed file made a difference: it is the one
        return next(result for result in changed if result.path in before)
    for result in changed:
        if result.path not in before:
            continue
        mixed = [before[result.path] if other is result else other for other in changed]
        if key not in _context_hits(mixed, context, settings, {key[0]: rules[key[0]]}, namespaces):
            return result
    return None


def _where(result: FileResult) -> tuple[int, int]:
    """The labels of the first workload of the changed file, else its first object."""
    from svclint.source.documents import read_text

    if not result.objects:
        return 1, 1
    workload = next((r for r in result.objects if r.get(*WORKLOAD_LABELS) is not None), result.objects[0])
    path = WORKLOAD_LABELS if workload.get(*WORKLOAD_LABELS) is not None else ("metadata",)
    resolver = PositionResolver(read_text(result.path), result.spans)
    return resolver.locate(workload.doc_index, workload.base_path + path, "key")


def _namespaced(resource: Resource, kustomized: dict[str, str], default: str) -> Resource:
    if resource.qualified_kind in CLUSTER_SCOPED_KINDS:
        return dataclasses.replace(resource, namespace="") if resource.namespace else resource
    if resource.namespace:
        return resource
    return dataclasses.replace(resource, namespace=kustomized.get(os.path.normpath(resource.file)) or default)
