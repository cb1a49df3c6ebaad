"""Policies and bindings evaluated against objects as the API server does on CREATE.

`PolicySet` is built once per run from the policies, bindings, namespaces and parameter
objects of the run: it reads each policy and binding, compiles every expression once, and
then judges one object at a time (`check`), giving `Verdict`s: where in which object, which
policy, how severe (the binding's validationActions: Deny → error, Warn → warning, Audit →
info) and the message the API server would give.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from svclint.model import versions
from svclint.model.apierrors import field_path, go_value
from svclint.model.resources import CLUSTER_SCOPED_KINDS, Resource
from svclint.policy import memo
from svclint.policy.cel import CompileError, Environment, EvaluationError, Expression
from svclint.policy.defaults import as_admitted
from svclint.policy.matching import (
    NAME_LABEL,
    Matcher,
    group_version,
    is_namespaced,
    labels_of,
    reads_names,
    resource_name,
    selector_matches,
)
from svclint.policy.model import Binding, Named, Policy, is_binding, is_policy, read_binding, read_policy
from svclint.policy.reads import deepest_existing, kept_paths, object_paths
from svclint.source.positions import Path

INVALID = "policy-invalid"  # the catalog rule of a policy or binding the API server would refuse
LEVEL = {"Deny": "error", "Warn": "warning", "Audit": "info"}
VARIABLES = ("object", "oldObject", "request", "params", "namespaceObject", "variables", "authorizer")
NOT_OBJECT = frozenset(VARIABLES) - {"object"}


@dataclass(frozen=True)
class PolicyOptions:
    minor: int  # the Kubernetes minor version linted for
    username: str = "svclint"
    groups: tuple[str, ...] = ("system:authenticated",)


@dataclass(frozen=True)
class Verdict:
    resource: Resource  # the object the finding is on
    path: Path  # inside it
    rule: str  # `policy:<name>`, or a catalog rule's slug
    level: str | None  # error, warning, info; None: the catalog rule's severity
    message: str


def policy_rule(name: str) -> str:
    return f"policy:{name}"


@dataclass
class _Compiled:
    """A policy with its expressions compiled (None where an expression did not compile)."""

    policy: Policy
    expressions: dict[str, Expression | None] = field(default_factory=dict)
    uses_authorizer: bool = False
    variable_sources: dict[str, str] = field(default_factory=dict)
    reads: memo.Reads = field(default_factory=lambda: memo.Reads(None, True))  # what its answers depend on
    kept: tuple[Path, ...] | None = None  # the object paths its expressions could read (None: all)
    calls: frozenset[str] = frozenset()  # the functions its expressions call

    def get(self, named: Named, source: str | None = None) -> Expression | None:
        return self.expressions.get(source if source is not None else named.expression)


_Outcome = tuple[str | None, "str | Named"]  # (the expression whose reads locate it, the message or its validation)


@dataclass
class _Group:
    """Pairs of one object's plan whose policies (without params) read the same paths."""

    reads: memo.Reads
    places: list[int] = field(default_factory=list)  # in the plan's pairs
    compiled: dict[int, _Compiled] = field(default_factory=dict)


@dataclass
class _Plan:
    """What judging an object alike to others takes: the pairs that match it, in groups."""

    pairs: list[tuple[Binding, _Compiled]]
    kept: tuple[Path, ...] | None  # the object paths some of their expressions could read (None: all)
    calls: frozenset[str]  # the functions their expressions call: only those are given to the object's context
    groups: list[_Group] = field(default_factory=list)
    alone: list[int] = field(default_factory=list)  # places of pairs judged one by one


class PolicySet:
    def __init__(self, objects: Iterable[Resource], options: PolicyOptions) -> None:
        self.options = options
        self.environment = Environment(options.minor, VARIABLES)
        self.policies: dict[str, _Compiled] = {}
        self.bindings: list[Binding] = []
        self.namespaces: dict[str, Resource] = {}
        self.params: dict[tuple[str, str], list[Resource]] = {}  # (group, kind) -> objects
        self.problems: list[Verdict] = []
        self.notes: list[str] = []
        self.variables_read: set[str] = set()  # by some expression: the others are not converted to CEL
        self.object_only: dict[str, memo.Reads] = {}  # expressions that read only `object`: what of it
        self.needs: dict[str, memo.Needs] = {}  # what each expression reads (equal ones the same object)
        self._needs_by_value: dict[memo.Needs, memo.Needs] = {}
        for resource in objects:
            self._add(resource)
        self.matches = Matcher(self.namespaces)
        self.matching: dict[tuple, _Plan] = {}
        self.answers: dict[tuple, Any] = {}  # remembered (memo.py)
        self.paths_read: dict[tuple[str, int], list[Path]] = {}  # (expression, its policy's variables) -> paths
        self.pairs = [(binding, self.policies[binding.policy_name]) for binding in self.bindings
                      if binding.policy_name in self.policies and not binding.problems and binding.actions]
        criteria = [c for b, p in self.pairs for c in (p.policy.match_constraints, b.match_resources or {})]
        self.reads_names = any(reads_names(c) for c in criteria)
        self.reads_labels = any(c.get("objectSelector") for c in criteria)
        # Whether the run's Namespace objects change any answer (else they need not be known).
        self.reads_namespaces = "namespaceObject" in self.variables_read or any(
            c.get("namespaceSelector") for c in criteria)

    def _add(self, resource: Resource) -> None:
        if (is_policy(resource) or is_binding(resource)) and not self._served(resource):
            return
        if is_policy(resource):
            self._add_policy(read_policy(resource))
        elif is_binding(resource):
            binding = read_binding(resource)
            self.problems += [Verdict(resource, p.path, INVALID, None, p.message) for p in binding.problems]
            self.bindings.append(binding)
        if resource.qualified_kind == "Namespace":
            self.namespaces[resource.name] = resource
        group, _ = group_version(resource)
        self.params.setdefault((group, resource.kind), []).append(resource)

    def _served(self, resource: Resource) -> bool:
        """Whether the target version serves the object's apiVersion; if not, says so (the API
        server answers `no matches for kind`) and leaves it out."""
        served_from = (versions.VALIDATING_ADMISSION_POLICY_V1 if resource.api_version.endswith("/v1")
                       else versions.VALIDATING_ADMISSION_POLICY_V1BETA1)
        if self.options.minor >= served_from:
            return True
        self.problems.append(Verdict(resource, ("apiVersion",), INVALID, None,
                                     f"{resource.api_version} {resource.kind} is served from Kubernetes "
                                     f"{versions.version(served_from)}, not {versions.version(self.options.minor)}: "
                                     f"no matches for kind \"{resource.kind}\" in version \"{resource.api_version}\""))
        return False

    def _add_policy(self, policy: Policy) -> None:
        resource = policy.resource
        self.problems += [Verdict(resource, p.path, INVALID, None, p.message) for p in policy.problems]
        compiled = _Compiled(policy)
        for named in [*policy.match_conditions, *policy.variables, *policy.validations]:
            sources = [named.expression] + ([named.message_expression] if named.message_expression else [])
            for source in sources:
                if source in compiled.expressions:
                    continue
                try:
                    expression = self.environment.compile(source)
                except CompileError as exc:
                    compiled.expressions[source] = None
                    where = named.path if source == named.expression else named.path[:-1] + ("messageExpression",)
                    self.problems.append(Verdict(resource, where, INVALID, None,
                                                 f"{field_path(where)}: Invalid value: {go_value(source)}: {exc}"))
                    continue
                compiled.expressions[source] = expression
                self.needs.setdefault(source, self._interned(memo.Needs(expression.variables & memo.COSTLY,
                                                                         kept_paths([source]))))
                compiled.calls |= expression.calls
                compiled.uses_authorizer |= expression.uses_authorizer
                if not expression.variables & NOT_OBJECT:
                    self.object_only.setdefault(source, memo.expression_reads(source))
                self.variables_read |= expression.variables
        compiled.variable_sources = {v.name: v.expression for v in policy.variables}
        compiled.kept = kept_paths(compiled.expressions)
        # Not the messageExpressions: a message is made afresh for each object that fails.
        compiled.reads = memo.reads_of((n.expression for n in [*policy.match_conditions, *policy.variables,
                                                                *policy.validations]), not compiled.uses_authorizer)
        if compiled.uses_authorizer:
            self.notes.append(f"ValidatingAdmissionPolicy '{policy.name}' ({resource.file}) uses `authorizer`, which "
                              "svclint does not have offline: its expressions that call it are not evaluated")
        if policy.name in self.policies:
            return  # duplicate-object reports the second one
        self.policies[policy.name] = compiled

    def _interned(self, needs: memo.Needs) -> memo.Needs:
        """Expressions that need the same share one Needs: a Request tells it holds what an
        expression needs by identity first."""
        return self._needs_by_value.setdefault(needs, needs)

    def policy_descriptions(self) -> list[tuple[str, str, str]]:
        """(rule, description, file) of each policy: for SARIF and explain."""
        return [(policy_rule(name), describe(compiled.policy), compiled.policy.resource.file)
                for name, compiled in sorted(self.policies.items())]

    # --- judging one object ---------------------------------------------------------------

    def check(self, resource: Resource) -> list[Verdict]:
        plan = self._plan(resource)
        if not plan.pairs:
            return []
        verdicts: list[tuple[int, Verdict]] = []  # with the pair's place, to keep the bindings' order
        request = memo.Request(resource, self._request_values(resource), plan.kept,
                               lambda values: self.environment.activation(values, plan.calls))
        for group in plan.groups:
            for place, outcomes in self._group_outcomes(request, group):
                binding, compiled = plan.pairs[place]
                verdicts += [(place, v) for v in self._verdicts(request, binding, compiled, None, outcomes)]
        for place in plan.alone:
            binding, compiled = plan.pairs[place]
            verdicts += [(place, v) for v in self._check_pair(request, binding, compiled)]
        verdicts.sort(key=lambda placed: placed[0])
        return [verdict for _, verdict in verdicts]

    def _group_outcomes(self, request: memo.Request, group: _Group) -> list[tuple[int, list[_Outcome]]]:
        """The failing outcomes of a group's pairs: remembered for the group as a whole, so that
        an object like one seen before costs one lookup for all its policies, not one each."""
        key = request.key(group, group.reads, None)
        found = self.answers.get(key) if key is not None else None
        if key is not None:
            group.reads.counted(found is not None)
        if found is None:
            found = []
            for place in group.places:
                outcomes = self._outcomes(request, group.compiled[place], None)
                if outcomes:
                    found.append((place, outcomes))
            if key is not None and len(self.answers) < memo.SIZE:
                self.answers[key] = found
        return found

    def _check_pair(self, request: memo.Request, binding: Binding, compiled: _Compiled) -> list[Verdict]:
        """A pair judged on its own: its policy has params (which differ from object to object)
        or is not remembered (it uses the authorizer)."""
        resource, policy = request.resource, compiled.policy
        verdicts: list[Verdict] = []
        for params, failure in self._params_for(policy, binding, resource):
            if failure is not None:
                if policy.failure_policy == "Fail":
                    verdicts.append(self._verdict(resource, (), binding, policy, failure))
                continue
            key = request.key(compiled, compiled.reads, params)
            outcomes = self.answers.get(key) if key is not None else None
            if key is not None:
                compiled.reads.counted(outcomes is not None)
            if outcomes is None:
                outcomes = self._outcomes(request, compiled, params)
                if key is not None and len(self.answers) < memo.SIZE:
                    self.answers[key] = outcomes
            verdicts += self._verdicts(request, binding, compiled, params, outcomes)
        return verdicts

    def _outcomes(self, request: memo.Request, compiled: _Compiled, params: Any) -> list[_Outcome]:
        request.set("params", params)
        request.prepared = (id(compiled), id(params))  # _validate sets the variables
        return self._validate(request, compiled)

    def _verdicts(self, request: memo.Request, binding: Binding, compiled: _Compiled, params: Any,
                  outcomes: list[_Outcome]) -> Iterator[Verdict]:
        resource = request.resource
        for read, message in outcomes:
            if isinstance(message, Named):  # a messageExpression: it may read what the key leaves out
                message = self._message(compiled, message, self._for_message(request, compiled, message, params))
            where = self._where(resource, read, compiled.variable_sources) if read else ("kind",)
            yield self._verdict(resource, where, binding, compiled.policy, message)

    def _plan(self, resource: Resource) -> _Plan:
        """The bindings (with their policies) that match the object, grouped, remembered for
        objects alike: the same apiVersion, kind and namespace, and name and labels when some
        binding reads them."""
        data = resource.data
        kind = data.get("kind")
        key = (data.get("apiVersion"), kind, resource.namespace,
               resource.name if self.reads_names or kind == "Namespace" else None,
               tuple(sorted(labels_of(data).items())) if self.reads_labels or kind == "Namespace" else None)
        found = self.matching.get(key)
        if found is None:
            found = self.matching[key] = self._grouped([
                (binding, compiled) for binding, compiled in self.pairs
                if self.matches(compiled.policy.match_constraints, resource, True)
                and (binding.match_resources is None or self.matches(binding.match_resources, resource, False))])
        return found

    def _grouped(self, pairs: list[tuple[Binding, _Compiled]]) -> _Plan:
        """Pairs without params whose policies read the same paths share one memo key (a group);
        the others are judged alone."""
        plan = _Plan(pairs, _union([compiled.kept for _, compiled in pairs]),
                     frozenset().union(*(compiled.calls for _, compiled in pairs)))
        by_reads: dict[tuple, _Group] = {}
        for place, (binding, compiled) in enumerate(pairs):
            reads = compiled.reads
            if compiled.policy.param_kind is not None or reads.paths is None:
                plan.alone.append(place)
                continue
            signature = (reads.paths, reads.request)
            group = by_reads.get(signature)
            if group is None:
                group = by_reads[signature] = _Group(memo.Reads(reads.paths, reads.request))
                plan.groups.append(group)
            group.places.append(place)
            group.compiled[place] = compiled
        return plan

    def _prepared(self, request: memo.Request, compiled: _Compiled, params: Any) -> memo.Request:
        """The request with this policy's params and variables set."""
        if request.prepared != (id(compiled), id(params)):
            request.set("params", params)
            self._set_variables(request, compiled)
            request.prepared = (id(compiled), id(params))
        return request

    def _for_message(self, request: memo.Request, compiled: _Compiled, validation: Named,
                     params: Any) -> memo.Request:
        """The request ready for a validation's messageExpression: with this policy's params and
        variables only when it reads them, as evaluating all the variables again for each
        failing object costs more than the message itself."""
        expression = compiled.get(validation, validation.message_expression)
        reads = expression.variables if expression is not None else frozenset()
        if "variables" in reads:
            return self._prepared(request, compiled, params)
        if "params" in reads and request.prepared != (id(compiled), id(params)):
            request.set("params", params)
            request.prepared = None  # the params no longer go with the variables set
        return request

    def _request_values(self, resource: Resource) -> dict[str, Any]:
        namespace = resource.namespace if is_namespaced(resource) else ""
        reads_namespace = "namespaceObject" in self.variables_read
        # The object whole: the request trims it to what the expressions it runs could read.
        return {"object": as_admitted(resource.data, resource.kind, namespace), "oldObject": None,
                # Converting the request to CEL costs as much as the object: only when read.
                "request": self._request(resource, namespace) if "request" in self.variables_read else {},
                "params": None,
                "namespaceObject": self._namespace_object(namespace) if namespace and reads_namespace else None,
                "variables": {}}

    def _request(self, resource: Resource, namespace: str) -> dict[str, Any]:
        group, version = group_version(resource)
        return {
            "uid": "", "operation": "CREATE", "name": resource.name, "namespace": namespace,
            "kind": {"group": group, "version": version, "kind": resource.kind},
            "resource": {"group": group, "version": version, "resource": resource_name(resource.kind)},
            "requestKind": {"group": group, "version": version, "kind": resource.kind},
            "requestResource": {"group": group, "version": version, "resource": resource_name(resource.kind)},
            "subResource": "", "requestSubResource": "", "dryRun": False,
            "userInfo": {"username": self.options.username, "groups": list(self.options.groups)},
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
        }

    def _namespace_object(self, namespace: str) -> dict[str, Any]:
        found = self.namespaces.get(namespace)
        if found is not None:
            data = dict(found.data)
            metadata = dict(data.get("metadata") or {})
            metadata["labels"] = {**labels_of(data), NAME_LABEL: namespace}
            return {**data, "metadata": metadata}
        return {"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": namespace, "labels": {NAME_LABEL: namespace}}}

    def _params_for(self, policy: Policy, binding: Binding,
                    resource: Resource) -> Iterator[tuple[Any, str | None]]:
        """Each parameter object the binding gives the policy for this object (None when the
        policy has no paramKind), or the failure the API server would have instead."""
        if policy.param_kind is None:
            yield None, None
            return
        if binding.param_ref is None:
            yield None, (f"failed to configure binding: ValidatingAdmissionPolicy '{policy.name}' has a paramKind "
                         f"but binding '{binding.name}' no paramRef")
            return
        found = self.find_params(policy.param_kind, binding.param_ref, resource.namespace
                                 if is_namespaced(resource) else "")
        if found:
            for param in found:
                yield param.data, None
        elif binding.param_ref.get("parameterNotFoundAction", "Deny") == "Deny":
            yield None, "failed to configure binding: no params found for policy binding with `Deny` " \
                        "parameterNotFoundAction"

    def find_params(self, param_kind: tuple[str, str], param_ref: dict, request_namespace: str | None) -> list[Resource]:
        """The objects a paramRef selects; `request_namespace` None: in any namespace (the dead-policy check)."""
        api_version, kind = param_kind
        group = api_version.rpartition("/")[0]
        candidates = self.params.get((group, kind), [])
        cluster_scoped = (f"{group}/{kind}" if group else kind) in CLUSTER_SCOPED_KINDS
        namespace = param_ref.get("namespace")
        if cluster_scoped:
            namespace = ""
        elif not namespace:
            namespace = request_namespace
        in_namespace = [c for c in candidates if namespace is None or c.namespace == namespace]
        if "name" in param_ref:
            return [c for c in in_namespace if c.name == param_ref.get("name")]
        selector = param_ref.get("selector")
        return sorted((c for c in in_namespace if selector_matches(selector, labels_of(c.data))), key=lambda c: c.name)

    def _set_variables(self, request: memo.Request, compiled: _Compiled) -> dict[str, str]:
        """Evaluates the policy's variables in order into the request; the errors by name."""
        variables: dict[str, Any] = {}
        errors: dict[str, str] = {}
        request.set("variables", variables)
        for variable in compiled.policy.variables:
            outcome = self._run(compiled, variable, request)
            if isinstance(outcome, EvaluationError):
                errors[variable.name] = str(outcome)
            elif outcome is not _SKIPPED:
                variables[variable.name] = outcome
                request.set("variables", variables)
        return errors

    def _validate(self, request: memo.Request, compiled: _Compiled) -> list[_Outcome]:
        """What the policy says of the request: (the expression whose reads locate it, the
        message, or the validation whose messageExpression gives it) each."""
        policy = compiled.policy
        for condition in policy.match_conditions:
            outcome = self._run(compiled, condition, request)
            if outcome is True:
                continue
            if isinstance(outcome, EvaluationError) and policy.failure_policy == "Fail":
                return [(condition.expression, f"failed to evaluate match condition '{condition.name}': {outcome}")]
            return []
        variable_errors = self._set_variables(request, compiled)
        outcomes: list[_Outcome] = []
        for validation in policy.validations:
            outcome = self._run(compiled, validation, request)
            if outcome is True or outcome is _SKIPPED:
                continue
            expression = validation.expression
            if isinstance(outcome, EvaluationError) or outcome is not False:
                if policy.failure_policy == "Fail":
                    error = (_variable_error(expression, variable_errors) or str(outcome)
                             if isinstance(outcome, EvaluationError) else "validation expression must return a boolean")
                    outcomes.append((expression, f"expression '{expression}' resulted in error: {error}"))
                continue
            outcomes.append((expression, validation if validation.message_expression
                             else self._message(compiled, validation, request)))
        return outcomes

    def _run(self, compiled: _Compiled, named: Named, request: memo.Request, source: str | None = None) -> Any:
        expression = compiled.get(named, source)
        if expression is None or expression.uses_authorizer:
            return _SKIPPED  # reported on the policy (compile error) or in a note (authorizer)
        # An expression that reads only the object is remembered on its own, by the values it
        # reads: a match condition on the namespace is run once per namespace, not per object.
        reads = self.object_only.get(expression.source)
        key = request.key(expression.source, reads, None) if reads is not None else None
        if key is not None:
            found = self.answers.get(key, _SKIPPED)
            reads.counted(found is not _SKIPPED)  # type: ignore[union-attr]  # key is None without reads
            if found is not _SKIPPED:
                return found
        try:
            outcome = request.activation(self.needs[expression.source]).evaluate(expression)
        except EvaluationError as exc:
            outcome = exc
        if key is not None and len(self.answers) < memo.SIZE:
            self.answers[key] = outcome
        return outcome

    def _message(self, compiled: _Compiled, validation: Named, request: memo.Request) -> str:
        if validation.message_expression:
            text = self._run(compiled, validation, request, validation.message_expression)
            if isinstance(text, str) and text.strip() and "\n" not in text:
                return text.strip()
        if validation.message:
            return validation.message
        return f"failed expression: {validation.expression.strip()}"

    def _where(self, resource: Resource, expression: str, variables: dict[str, str]) -> Path:
        paths = self.paths_read.get((expression, id(variables)))
        if paths is None:
            # Each path once (the first of equals wins a tie anyway): an expression often reads one twice.
            paths = self.paths_read[(expression, id(variables))] = list(dict.fromkeys(object_paths(expression,
                                                                                                   variables)))
        return deepest_existing(resource.data, paths) or ("kind",)

    def _verdict(self, resource: Resource, path: Path, binding: Binding, policy: Policy, message: str) -> Verdict:
        action = binding.actions[0]  # the most severe: ACTIONS is ordered Deny, Warn, Audit
        if action == "Deny":
            text = f"ValidatingAdmissionPolicy '{policy.name}' with binding '{binding.name}' denied request: {message}"
        elif action == "Warn":
            text = f"Validation failed for ValidatingAdmissionPolicy '{policy.name}' with binding '{binding.name}': " \
                   f"{message}"
        else:
            text = f"Audit: ValidatingAdmissionPolicy '{policy.name}' with binding '{binding.name}': {message}"
        return Verdict(resource, path or ("kind",), policy_rule(policy.name), LEVEL[action], text)


class _Skipped:
    pass


_SKIPPED = _Skipped()


def _union(kept: list[tuple[Path, ...] | None]) -> tuple[Path, ...] | None:
    if any(paths is None for paths in kept):
        return None
    return tuple(sorted({path for paths in kept if paths is not None for path in paths}))


def _variable_error(expression: str, errors: dict[str, str]) -> str | None:
    for name, error in errors.items():
        if f"variables.{name}" in expression.replace(" ", ""):
            return f"composited variable \"{name}\" fails to evaluate: {error}"
    return None


def describe(policy: Policy) -> str:
    """A policy's validations, one a line, for SARIF and `svclint explain`."""
    lines = []
    for validation in policy.validations:
        what = validation.message or validation.message_expression or f"failed expression: {validation.expression}"
        lines.append(f"- {validation.expression.strip()}  ({what.strip()})")
    return "\n".join(lines)
