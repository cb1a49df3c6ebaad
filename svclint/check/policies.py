"""ValidatingAdmissionPolicies in the run: their findings, located like the rules' findings.

The policies and bindings come from the linted files, the context and `--policy` files
(`builtin:NAME` for the library in policies/). The engine gathers them before the linted
files are checked (`gather_policies`: the context's facts keep policies whole, POLICY_READS,
and linted files that hold policies are parsed ahead), and check_file judges each object
while it is whole. Once every file is read, `policy_findings` keeps those judgements if the
run's objects leave the policies as they were; else (a parameter object, or a namespace a
policy reads, among the linted files) the files holding objects a bound policy matches are
parsed again here, one at a time, and judged. Files that hold nothing a policy matches are
not read again.
"""

from __future__ import annotations

import os.path
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from svclint.check.checkfile import FileResult
from svclint.check.failure import reading
from svclint.check.finding import Finding, Severity
from svclint.check.parallel import FORKS, map_in_workers
from svclint.check.registry import Rule
from svclint.check.selection import policy_enabled
from svclint.check.settings import Settings
from svclint.check.validation import resolve_version
from svclint.model.resources import Resource, ResourceIndex, objects_in
from svclint.policy import library
from svclint.policy.dead import dead_policies
from svclint.policy.evaluate import PolicyOptions, PolicySet, Verdict
from svclint.policy.matching import group_version, rules_match
from svclint.policy.model import BINDING_KIND, POLICY_KIND, is_binding, is_policy
from svclint.source.discover import InputError, discover
from svclint.source.documents import SpanList, decode_source, iter_documents, read_raw
from svclint.source.positions import PositionResolver


@dataclass
class PolicyOutcome:
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    policies: list[tuple[str, str, str]] = field(default_factory=list)  # (rule, description, file)
    judged_early: bool = False  # the reported files' FileResult.policy_rows stand


@dataclass
class _Parsed:
    """A file parsed again: its text, spans and whole objects (namespaces resolved)."""

    text: str
    spans: SpanList
    objects: list[Resource]


@dataclass
class Policies:
    """The policies of a run, built from the objects that feed them (`support`: which,
    to tell whether objects found later would change them), and the files parsed whole for them."""

    policies: PolicySet
    support: frozenset[tuple]
    parsed: dict[str, _Parsed]


def gather_policies(index: ResourceIndex, settings: Settings, files: Sequence[str] = ()) -> Policies | None:
    """The policies of the index (context files, say), of the `--policy` files and of `files`
    (linted files that hold policies), with the namespaces and parameter objects they need,
    compiled; None without any policy."""
    parsed: dict[str, _Parsed] = {}
    found = _supporting(index, {}, settings, parsed, files)
    if found is None:
        return None
    supporting = found[0]
    policies = _policy_set(supporting, settings)
    return Policies(policies, _support(policies, supporting), parsed)


def policy_findings(index: ResourceIndex, reported: dict[str, FileResult], settings: Settings,
                    rules: dict[str, Rule], workers: int = 1, early: Policies | None = None) -> PolicyOutcome:
    """The findings of the run's policies. `early`: the policies the reported files were
    judged against as they were checked (FileResult.policy_rows); when the run's objects
    leave them as they were, those judgements stand and no file is parsed again."""
    outcome = PolicyOutcome()
    parsed = dict(early.parsed) if early else {}
    found = _supporting(index, reported, settings, parsed)
    if found is None:
        return outcome
    supporting, namespaced = found
    outcome.judged_early = early is not None and early.support == _support(early.policies, supporting)
    policies = early.policies if early and outcome.judged_early else _policy_set(supporting, settings)
    outcome.notes = policies.notes
    outcome.policies = policies.policy_descriptions()
    verdicts = [*policies.problems, *dead_policies(policies)]
    by_file: dict[str, list[Verdict]] = {}
    for verdict in verdicts:
        by_file.setdefault(verdict.resource.file, []).append(verdict)
    judged = set() if outcome.judged_early else _judged_files(policies, index, reported)
    # A context file is never reported on; a --policy file is (its policies' problems).
    paths = sorted(path for path in {*by_file, *judged} if path in reported or path in parsed)
    run = _PolicyRun(policies, reported, parsed, namespaced, by_file, judged, rules, settings)
    workers = workers if FORKS and len(paths) > 1 else 1  # elsewhere each worker would get it pickled
    outcome.findings = [f for found in map_in_workers(_judge_file, run, paths, workers) for f in found]
    return outcome


def _supporting(index: ResourceIndex, reported: dict[str, FileResult], settings: Settings,
                parsed: dict[str, _Parsed], files: Sequence[str] = ()
                ) -> tuple[list[Resource], dict[tuple, str]] | None:
    """The objects policies are built from: policies, bindings, namespaces and parameter
    objects (whole: their files are parsed again, into `parsed`), and the namespace of each
    object of the index by its place; None without any policy."""
    sources: list[str] = []
    if settings.policies or files:
        read_already = {os.path.normpath(r.file) for r in index.objects}  # a --policy file also linted or in context
        sources = [spec for spec in dict.fromkeys([*policy_files(settings.policies, settings.exclude), *files])
                   if os.path.normpath(spec) not in read_already]
    in_index = [r for kind in (POLICY_KIND, BINDING_KIND) for r in index.of_kind(kind) if is_policy(r) or is_binding(r)]
    if not in_index and not sources:
        return None
    namespaced = {(r.file, r.doc_index, r.base_path): r.namespace for r in index.objects}
    for spec in sources:
        if spec not in parsed:
            parsed[spec] = _parse(*_read_policy_source(spec), namespaced)
    supporting = [*in_index, *index.of_kind("Namespace"),
                  *(r for spec in sources for r in parsed[spec].objects if is_policy(r) or is_binding(r))]
    param_kinds = {_param_kind(r) for r in supporting if is_policy(r)} - {None}
    for path in sorted({r.file for r in index.objects if (group_version(r)[0], r.kind) in param_kinds}):
        whole = _parsed(path, reported, parsed, namespaced)
        supporting += [r for r in whole.objects if (group_version(r)[0], r.kind) in param_kinds]
    return supporting, namespaced


def _policy_set(supporting: list[Resource], settings: Settings) -> PolicySet:
    minor = int(resolve_version(settings.kubernetes_version).split(".")[1])
    return PolicySet(supporting, PolicyOptions(minor, settings.policy_user))


def _support(policies: PolicySet, supporting: list[Resource]) -> frozenset[tuple]:
    """Which objects the policies were built from; namespaces only when some policy reads them."""
    return frozenset((r.file, r.doc_index, r.base_path, r.namespace) for r in supporting
                     if r.qualified_kind != "Namespace" or policies.reads_namespaces)


def _judged_files(policies: PolicySet, index: ResourceIndex, reported: dict[str, FileResult]) -> set[str]:
    """The reported files holding an object some bound policy's resource rules match."""
    constraints = [(c.policy.match_constraints.get("resourceRules"), c.policy.match_constraints.get("matchPolicy"))
                   for _, c in policies.pairs]
    return {path for path in reported if _holds_matched(index.in_file(path), constraints)}


@dataclass(frozen=True)
class _PolicyRun:
    """What judging a file needs; forked workers inherit it."""

    policies: PolicySet
    reported: dict[str, FileResult]
    parsed: dict[str, _Parsed]
    namespaced: dict[tuple, str]
    verdicts: dict[str, list[Verdict]]  # about policies and bindings, by file
    judged: set[str]  # the files holding objects a bound policy matches
    rules: dict[str, Rule]
    settings: Settings


def _judge_file(run: _PolicyRun, path: str) -> list[Finding]:
    with reading(path):
        whole = _parsed(path, run.reported, dict(run.parsed), run.namespaced)
        found = list(run.verdicts.get(path, []))
        if path in run.judged:
            found += [v for resource in whole.objects for v in run.policies.check(resource)]
        return list(_located(path, whole, found, run.rules, run.settings))


def holding_policies(files: Sequence[str]) -> list[str]:
    """The regular files among `files` that may hold policies or bindings: read as bytes,
    which costs little beside parsing them (a pipe cannot be read twice)."""
    found = []
    for path in files:
        try:
            if os.path.isfile(path) and b"ValidatingAdmissionPolic" in Path(path).read_bytes():
                found.append(path)
        except OSError:
            continue  # reported when the file is checked
    return found


def _param_kind(resource: Resource) -> tuple[str, str] | None:
    kind = resource.get("spec", "paramKind")
    if not isinstance(kind, dict) or not isinstance(kind.get("apiVersion"), str):
        return None
    return kind["apiVersion"].rpartition("/")[0], str(kind.get("kind"))


def _holds_matched(objects: Iterable[Resource], constraints: list) -> bool:
    """Whether a file holds an object whose kind some bound policy's resource rules match (its facts suffice)."""
    return any(rules_match(rules, match_policy, resource) for resource in objects for rules, match_policy in constraints)


def policy_files(specs: Sequence[str], exclude: Sequence[str] = ()) -> list[str]:
    """The `--policy` entries with directories walked as for linting (`builtin:NAME` kept)."""
    files: list[str] = []
    for spec in specs:
        if spec.startswith(library.BUILTIN_PREFIX) or not os.path.isdir(spec):
            files.append(spec)
        else:
            files += discover([spec], tuple(exclude)).files
    return files


def _read_policy_source(spec: str) -> tuple[str, str]:
    """(name shown, text) of a `--policy` entry: a file, or `builtin:NAME`."""
    if spec.startswith(library.BUILTIN_PREFIX):
        return spec, library.builtin_text(spec.removeprefix(library.BUILTIN_PREFIX))
    try:
        display, raw, _ = read_raw(spec)
    except OSError as exc:
        raise InputError(f"policy: {spec}: cannot read: {exc.strerror or exc}") from None
    return spec, decode_source(display, raw).text


def _parsed(path: str, reported: dict[str, FileResult], cache: dict[str, _Parsed],
            namespaced: dict[tuple, str]) -> _Parsed:
    if path not in cache:
        kept = reported.get(path)
        if kept is not None and kept.text is not None:
            text = kept.text
        else:
            display, raw, _ = read_raw(path)
            text = decode_source(display, raw).text
        cache[path] = _parse(path, text, namespaced)
    return cache[path]


def _parse(path: str, text: str, namespaced: dict[tuple, str]) -> _Parsed:
    spans = SpanList()
    source = decode_source(path, text.encode("utf-8"))
    objects = []
    for document in iter_documents(source):
        spans.append(document.span)
        for data, base in objects_in(document.data):
            namespace = namespaced.get((path, document.index, base))
            if namespace is None:  # a --policy file: not in the index
                metadata = data.get("metadata")
                namespace = metadata.get("namespace", "") if isinstance(metadata, dict) else ""
                namespace = namespace if isinstance(namespace, str) else ""
            objects.append(Resource(data, path, document.index, namespace, base))
    return _Parsed(text, spans, objects)


def _located(path: str, whole: _Parsed, verdicts: Sequence[Verdict], rules: dict[str, Rule],
             settings: Settings) -> Iterator[Finding]:
    resolver = PositionResolver(whole.text, whole.spans)
    for verdict in sorted(verdicts, key=lambda v: (v.resource.doc_index, v.resource.base_path)):
        rule = rules.get(verdict.rule)
        if rule is None and not (verdict.rule.startswith("policy:")
                                 and policy_enabled(verdict.rule, settings.select, settings.ignore)):
            continue
        severity = Severity.parse(verdict.level) if verdict.level else rule.severity if rule else Severity.ERROR
        line, column = resolver.locate(verdict.resource.doc_index, verdict.resource.base_path + tuple(verdict.path),
                                       "key")
        yield Finding(path, line, column, verdict.rule, severity, verdict.message, verdict.resource.ref)


def explain_policy(name: str, specs: Sequence[str]) -> str | None:
    """What `svclint explain policy:NAME` prints: the policy's validations and where it came from,
    looked up in `specs` (`--policy` files and the configuration's), then in the library."""
    from svclint.policy.model import read_binding, read_policy

    candidates = [*policy_files(specs), *(f"{library.BUILTIN_PREFIX}{n}" for n in library.builtin_names() if n == name)]
    for spec in candidates:
        shown, text = _read_policy_source(spec)
        objects = _parse(shown, text, {}).objects
        found = [read_policy(r) for r in objects if is_policy(r) and r.name == name]
        if not found:
            continue
        policy = found[0]
        bindings = [read_binding(r) for r in objects if is_binding(r)]
        lines = [f"policy:{name} — ValidatingAdmissionPolicy {name}", f"from: {shown}",
                 f"failurePolicy: {policy.failure_policy}"]
        if policy.param_kind:
            lines.append(f"paramKind: {policy.param_kind[1]} ({policy.param_kind[0]})")
        for binding in bindings:
            if binding.policy_name == name:
                lines.append(f"binding: {binding.name} ({', '.join(binding.actions) or 'no validationActions'})")
        lines += ["", "validations:"]
        for validation in policy.validations:
            lines.append(f"  - {validation.expression.strip()}")
            for label, value in (("message", validation.message), ("messageExpression", validation.message_expression),
                                 ("reason", validation.reason)):
                if value:
                    lines.append(f"    {label}: {value.strip()}")
        return "\n".join(lines) + "\n"
    return None
