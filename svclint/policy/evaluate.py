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
from svclint.policy.cel import CompileError, Environment, EvaluationError, Expression
from svclint.policy.defaults import as_admitted
from svclint.policy.matching import NAME_LABEL, group_version, is_namespaced, labels_of, matches, resource_name
from svclint.policy.matching import selector_matches
from svclint.policy.model import Binding, Named, Policy, read_binding, read_policy
from svclint.policy.reads import deepest_existing, object_paths
from svclint.source.positions import Path

INVALID = "policy-invalid"  # the catalog rule of a policy or binding the API server would refuse
LEVEL = {"Deny": "error", "Warn": "warning", "Audit": "info"}
VARIABLES = ("object", "oldObject", "request", "params", "namespaceObject", "variables", "authorizer")


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

    def get(self, named: Named, source: str | None = None) -> Expression | None:
        return self.expressions.get(source if source is not None else named.expression)


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
        for resource in objects:
            self._add(resource)
        self.pairs = [(binding, self.policies[binding.policy_name]) for binding in self.bindings
                      if binding.policy_name in self.policies and not binding.problems and binding.actions]

    def _add(self, resource: Resource) -> None:
        from svclint.policy.model import is_binding, is_policy

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
                compiled.uses_authorizer |= expression.uses_authorizer
        if compiled.uses_authorizer:
            self.notes.append(f"ValidatingAdmissionPolicy '{policy.name}' ({resource.file}) uses `authorizer`, which "
                              "svclint does not have offline: its expressions that call it are not evaluated")
        if policy.name in self.policies:
            return  # duplicate-object reports the second one
        self.policies[policy.name] = compiled

    def policy_descriptions(self) -> list[tuple[str, str, str]]:
        """(rule, description, file) of each policy: for SARIF and explain."""
        return [(policy_rule(name), describe(compiled.policy), compiled.policy.resource.file)
                for name, compiled in sorted(self.policies.items())]

    # --- judging one object ---------------------------------------------------------------

    def check(self, resource: Resource) -> list[Verdict]:
        verdicts: list[Verdict] = []
        activation = None
        for binding, compiled in self.pairs:
            policy = compiled.policy
            if not matches(policy.match_constraints, resource, self.namespaces, True):
                continue
            if binding.match_resources is not None and not matches(binding.match_resources, resource,
                                                                   self.namespaces, False):
                continue
            if activation is None:
                activation = self.environment.activation(self._request_values(resource))
            for params, failure in self._params_for(policy, binding, resource):
                if failure is not None:
                    if policy.failure_policy == "Fail":
                        verdicts.append(self._verdict(resource, (), binding, policy, failure))
                    continue
                activation.set("params", params)
                verdicts += self._validate(resource, activation, binding, compiled)
        return verdicts

    def _request_values(self, resource: Resource) -> dict[str, Any]:
        group, version = group_version(resource)
        namespace = resource.namespace if is_namespaced(resource) else ""
        request = {
            "uid": "", "operation": "CREATE", "name": resource.name, "namespace": namespace,
            "kind": {"group": group, "version": version, "kind": resource.kind},
            "resource": {"group": group, "version": version, "resource": resource_name(resource.kind)},
            "requestKind": {"group": group, "version": version, "kind": resource.kind},
            "requestResource": {"group": group, "version": version, "resource": resource_name(resource.kind)},
            "subResource": "", "requestSubResource": "", "dryRun": False,
            "userInfo": {"username": self.options.username, "groups": list(self.options.groups)},
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
        }
        return {"object": as_admitted(resource.data, resource.kind, namespace), "oldObject": None, "request": request, "params": None,
                "namespaceObject": self._namespace_object(namespace) if namespace else None, "variables": {}}

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

    def _validate(self, resource: Resource, activation: Any, binding: Binding, compiled: _Compiled) -> list[Verdict]:
        policy = compiled.policy
        variables: dict[str, Any] = {}
        variable_errors: dict[str, str] = {}
        sources = {v.name: v.expression for v in policy.variables}
        activation.set("variables", variables)
        for condition in policy.match_conditions:
            outcome = self._run(compiled, condition, activation)
            if outcome is True:
                continue
            if isinstance(outcome, EvaluationError) and policy.failure_policy == "Fail":
                return [self._verdict(resource, self._where(resource, condition.expression, sources), binding, policy,
                                      f"failed to evaluate match condition '{condition.name}': {outcome}")]
            return []
        for variable in policy.variables:
            outcome = self._run(compiled, variable, activation)
            if isinstance(outcome, EvaluationError):
                variable_errors[variable.name] = str(outcome)
            elif outcome is not _SKIPPED:
                variables[variable.name] = outcome
                activation.set("variables", variables)
        verdicts = []
        for validation in policy.validations:
            outcome = self._run(compiled, validation, activation)
            if outcome is True or outcome is _SKIPPED:
                continue
            where = self._where(resource, validation.expression, sources)
            if isinstance(outcome, EvaluationError):
                if policy.failure_policy == "Fail":
                    error = _variable_error(validation.expression, variable_errors) or str(outcome)
                    verdicts.append(self._verdict(resource, where, binding, policy,
                                                  f"expression '{validation.expression}' resulted in error: {error}"))
                continue
            if outcome is not False:
                if policy.failure_policy == "Fail":
                    verdicts.append(self._verdict(resource, where, binding, policy,
                                                  f"expression '{validation.expression}' resulted in error: "
                                                  "validation expression must return a boolean"))
                continue
            verdicts.append(self._verdict(resource, where, binding, policy,
                                          self._message(compiled, validation, activation)))
        return verdicts

    def _run(self, compiled: _Compiled, named: Named, activation: Any, source: str | None = None) -> Any:
        expression = compiled.get(named, source)
        if expression is None or expression.uses_authorizer:
            return _SKIPPED  # reported on the policy (compile error) or in a note (authorizer)
        try:
            return activation.evaluate(expression)
        except EvaluationError as exc:
            return exc

    def _message(self, compiled: _Compiled, validation: Named, activation: Any) -> str:
        if validation.message_expression:
            text = self._run(compiled, validation, activation, validation.message_expression)
            if isinstance(text, str) and text.strip() and "\n" not in text:
                return text.strip()
        if validation.message:
            return validation.message
        return f"failed expression: {validation.expression.strip()}"

    def _where(self, resource: Resource, expression: str, variables: dict[str, str]) -> Path:
        path = deepest_existing(resource.data, object_paths(expression, variables))
        return path or ("kind",)

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


def minor_supports_policies(minor: int) -> bool:
    return minor >= versions.VALIDATING_ADMISSION_POLICY_V1BETA1
