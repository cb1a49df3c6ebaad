"""ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding objects, read as the API
server reads them (admissionregistration.k8s.io/v1 and v1beta1, the same shape), with the
problems that would make the API server refuse them, each at its JSON path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from svclint.model.resources import Resource
from svclint.source.positions import Path, as_list

GROUP = "admissionregistration.k8s.io"
POLICY_KIND = f"{GROUP}/ValidatingAdmissionPolicy"
BINDING_KIND = f"{GROUP}/ValidatingAdmissionPolicyBinding"
API_VERSIONS = (f"{GROUP}/v1", f"{GROUP}/v1beta1")
ACTIONS = ("Deny", "Warn", "Audit")
PARAMETER_NOT_FOUND_ACTIONS = ("Allow", "Deny")


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str


@dataclass(frozen=True)
class Named:
    """A validation, variable or match condition: an expression at a path of its policy."""

    path: Path  # of the expression, inside the policy object
    expression: str
    name: str = ""  # of a variable or match condition
    message: str = ""
    message_expression: str = ""
    reason: str = ""


@dataclass
class Policy:
    resource: Resource
    name: str
    param_kind: tuple[str, str] | None  # (apiVersion, kind)
    match_constraints: dict
    match_conditions: list[Named]
    variables: list[Named]
    validations: list[Named]
    failure_policy: str
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Binding:
    resource: Resource
    name: str
    policy_name: str
    param_ref: dict | None
    match_resources: dict | None
    actions: tuple[str, ...]
    problems: list[Problem] = field(default_factory=list)


def is_policy(resource: Resource) -> bool:
    return resource.qualified_kind == POLICY_KIND and resource.api_version in API_VERSIONS


def is_binding(resource: Resource) -> bool:
    return resource.qualified_kind == BINDING_KIND and resource.api_version in API_VERSIONS


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def read_policy(resource: Resource) -> Policy:
    spec = _mapping(resource.get("spec"))
    problems: list[Problem] = []
    if not isinstance(resource.get("spec"), dict):
        problems.append(Problem(("spec",), "spec: Required value"))
    param_kind = None
    if "paramKind" in spec:
        kind = _mapping(spec["paramKind"])
        if not isinstance(kind.get("apiVersion"), str) or not isinstance(kind.get("kind"), str):
            problems.append(Problem(("spec", "paramKind"), "spec.paramKind: apiVersion and kind are required"))
        else:
            param_kind = (kind["apiVersion"], kind["kind"])
    constraints = spec.get("matchConstraints")
    if not isinstance(constraints, dict) or not as_list(constraints.get("resourceRules")):
        problems.append(Problem(("spec", "matchConstraints") if isinstance(constraints, dict) else ("spec",),
                                "spec.matchConstraints.resourceRules: Required value"))
    failure = spec.get("failurePolicy", "Fail")
    if failure not in ("Fail", "Ignore"):
        problems.append(Problem(("spec", "failurePolicy"),
                                f'spec.failurePolicy: Unsupported value: "{failure}": supported values: "Fail", "Ignore"'))
        failure = "Fail"
    validations = _expressions(spec, "validations", problems, named=False)
    if not validations and not as_list(spec.get("auditAnnotations")):
        problems.append(Problem(("spec",), "spec.validations: Required value: validations or auditAnnotations must "
                                           "contain at least one item"))
    return Policy(resource, resource.name, param_kind, _mapping(constraints),
                  _expressions(spec, "matchConditions", problems, named=True),
                  _expressions(spec, "variables", problems, named=True), validations, failure, problems)


def _expressions(spec: dict, key: str, problems: list[Problem], named: bool) -> list[Named]:
    found = []
    value = spec.get(key)
    if value is not None and not isinstance(value, list):
        problems.append(Problem(("spec", key), f"spec.{key}: Invalid value: must be a list"))
    for i, item in enumerate(as_list(value)):
        where = ("spec", key, i)
        item = _mapping(item)
        expression = item.get("expression")
        if not isinstance(expression, str) or not expression.strip():
            problems.append(Problem(where, f"spec.{key}[{i}].expression: Required value"))
            continue
        name = item.get("name", "")
        if named and (not isinstance(name, str) or not name):
            problems.append(Problem(where, f"spec.{key}[{i}].name: Required value"))
            continue
        found.append(Named(where + ("expression",), expression, str(name), _text(item, "message"),
                           _text(item, "messageExpression"), _text(item, "reason")))
    return found


def _text(item: dict, key: str) -> str:
    value = item.get(key)
    return value if isinstance(value, str) else ""


def read_binding(resource: Resource) -> Binding:
    spec = _mapping(resource.get("spec"))
    problems: list[Problem] = []
    policy_name = spec.get("policyName")
    if not isinstance(policy_name, str) or not policy_name:
        problems.append(Problem(("spec",), "spec.policyName: Required value"))
        policy_name = ""
    actions = as_list(spec.get("validationActions"))
    if not actions:
        problems.append(Problem(("spec",), "spec.validationActions: Required value: at least one validation "
                                           "action is required"))
    for i, action in enumerate(actions):
        if action not in ACTIONS:
            problems.append(Problem(("spec", "validationActions", i),
                                    f'spec.validationActions[{i}]: Unsupported value: "{action}": supported values: '
                                    '"Audit", "Deny", "Warn"'))
    if "Deny" in actions and "Warn" in actions:
        problems.append(Problem(("spec", "validationActions"), "spec.validationActions: Invalid value: "
                                "Deny and Warn may not be used together"))
    param_ref = spec.get("paramRef")
    if param_ref is not None:
        param_ref = _mapping(param_ref)
        if ("name" in param_ref) == ("selector" in param_ref):
            problems.append(Problem(("spec", "paramRef"), "spec.paramRef: Invalid value: one of name or selector "
                                    "must be set"))
        action = param_ref.get("parameterNotFoundAction")
        if action is not None and action not in PARAMETER_NOT_FOUND_ACTIONS:
            problems.append(Problem(("spec", "paramRef", "parameterNotFoundAction"),
                                    f'spec.paramRef.parameterNotFoundAction: Unsupported value: "{action}": '
                                    'supported values: "Allow", "Deny"'))
    match = spec.get("matchResources")
    return Binding(resource, resource.name, policy_name, param_ref, match if isinstance(match, dict) else None,
                   tuple(a for a in ACTIONS if a in actions), problems)
