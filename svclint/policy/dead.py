"""Policies that cannot fire: a binding whose policy is not in the run, a policy no binding
uses, a paramRef that finds nothing, and an expression that reads a field the matched kind
does not have in the target version's schema (`object.spec.typ`). Each is reported on the
policy or binding, so that a dead policy is not mistaken for a passing one."""

from __future__ import annotations

import functools
import importlib.resources
import json
from typing import Any, Iterator

from svclint.model import versions
from svclint.model.resources import Resource
from svclint.policy.evaluate import PolicySet, Verdict
from svclint.policy.matching import rules_match
from svclint.policy.model import Named
from svclint.policy.reads import object_paths

CANNOT_FIRE = "policy-cannot-fire"  # the catalog rule of these findings
SCHEMAS_PACKAGE = "svclint.schemas"


def dead_policies(policies: PolicySet) -> Iterator[Verdict]:
    used = {binding.policy_name for binding in policies.bindings}
    for binding in policies.bindings:
        if binding.policy_name and binding.policy_name not in policies.policies:
            yield Verdict(binding.resource, ("spec", "policyName"), CANNOT_FIRE, None,
                          f"ValidatingAdmissionPolicy '{binding.policy_name}' is not in the run (add it, or give it "
                          "with --policy): the binding validates nothing")
            continue
        compiled = policies.policies.get(binding.policy_name)
        param_kind = compiled.policy.param_kind if compiled else None
        if param_kind and binding.param_ref and not policies.find_params(param_kind, binding.param_ref, None):
            ref = binding.param_ref
            what = f"named '{ref['name']}'" if "name" in ref else "matching its selector"
            where = f" in namespace '{ref['namespace']}'" if ref.get("namespace") else ""
            yield Verdict(binding.resource, ("spec", "paramRef"), CANNOT_FIRE, None,
                          f"paramRef finds no {param_kind[1]} ({param_kind[0]}) {what}{where} in the run: "
                          f"parameterNotFoundAction {ref.get('parameterNotFoundAction', 'Deny')} applies to every "
                          "request")
    for name, compiled in sorted(policies.policies.items()):
        if name not in used:
            yield Verdict(compiled.policy.resource, ("metadata", "name"), CANNOT_FIRE, None,
                          f"no ValidatingAdmissionPolicyBinding in the run binds ValidatingAdmissionPolicy '{name}': "
                          "it validates nothing")
        yield from _unknown_fields(compiled.policy, policies.options.minor)


def _matches_services(constraints: dict) -> bool:
    service = Resource({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}}, "", 0, "default")
    return rules_match(constraints.get("resourceRules"), constraints.get("matchPolicy", "Equivalent"), service)


def _unknown_fields(policy: Any, minor: int) -> Iterator[Verdict]:
    """Fields read of a Service that the Service schema of the target version does not have."""
    if not _matches_services(policy.match_constraints):
        return
    schema = _service_schema(max(versions.FIRST_SCHEMA, min(minor, versions.LAST_SCHEMA)))
    variables = {v.name: v.expression for v in policy.variables}
    named: list[Named] = [*policy.match_conditions, *policy.variables, *policy.validations]
    for item in named:
        for path in object_paths(item.expression, variables if item in policy.validations else None):
            missing = _first_unknown(schema, path)
            if missing is not None:
                shown = "object." + ".".join(str(step) for step in path[:missing + 1])
                yield Verdict(policy.resource, item.path, CANNOT_FIRE, None,
                              f"reads {shown}, which Services do not have in Kubernetes {versions.version(minor)}: "
                              "the expression never sees a value there")
                break


def _first_unknown(schema: dict, path: tuple) -> int | None:
    """The index of the first step of `path` that the schema does not allow, or None."""
    node = schema
    for index, step in enumerate(path):
        if isinstance(step, int):
            node = node.get("items") or {}
            continue
        properties = node.get("properties")
        if isinstance(properties, dict) and step in properties:
            node = properties[step]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        elif properties is not None and node.get("additionalProperties") is False:
            return index
        else:
            return None  # a value of any shape: nothing more to check
    return None


@functools.lru_cache(maxsize=4)
def _service_schema(minor: int) -> dict:
    text = importlib.resources.files(SCHEMAS_PACKAGE).joinpath(f"service-v{versions.version(minor)}.json")
    return json.loads(text.read_text("utf-8"))
