"""Every rule, through the engine, on objects with a value of the wrong type at every path.

A Service, each kind of workload and a kind cluster config are written with one value
replaced by a list, a mapping, a string, a boolean, a float or a 30-digit integer, one at
a time. No rule may raise; and where the value is wrong for the Service schema, the schema
rule (or the rule owning that map of strings) reports it on that very line; where it breaks
the path to the pod labels, the Service no longer matches (selector-no-match), and nowhere
else; where it changes a backend reference, backend-service-missing says so.

Each path is two tests: the inner loop (`pytest -m "not slow"`) puts one of the wrong values
at every path, in turn, so that each kind of value still reaches each kind of object; the
other five, marked slow, run in the whole suite, which so tries every value at every path
exactly once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from svclint.rules.schema import STRING_MAP_OWNERS

from svclint.check.registry import load_rules
from svclint.check.validation import supported_versions
from svclint.model.workloads import BUILT_IN, EACH
from tests.conftest import REPO, lint_text


class FlowList(list):
    """Written in flow style, `[a, list]`, on its key's line: the line is known."""


class FlowMapping(dict):
    """Written in flow style, `{a: mapping}`, on its key's line."""


class Dumper(yaml.CSafeDumper):
    pass


Dumper.add_representer(FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
Dumper.add_representer(FlowMapping, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))

WRONG_VALUES = (FlowList(["a", "list"]), FlowMapping({"a": "mapping"}), "text", True, 1.5, 10**30)
QUICK_VALUES = 1  # of the six, per path, in the inner loop


def with_values(cases: list, ids) -> list:
    """Each case (a tuple of test arguments) twice: with QUICK_VALUES of the wrong values,
    chosen in turn from case to case, and with the rest, marked slow."""
    params = []
    for number, case in enumerate(cases):
        quick = {(number * QUICK_VALUES + k) % len(WRONG_VALUES) for k in range(QUICK_VALUES)}
        name = "-".join(map(ids, case))
        params.append(pytest.param(*case, tuple(WRONG_VALUES[i] for i in sorted(quick)), id=name))
        params.append(pytest.param(*case, tuple(v for i, v in enumerate(WRONG_VALUES) if i not in quick),
                                   id=f"{name}-rest", marks=pytest.mark.slow))
    return params


def path_id(part) -> str:
    return part if isinstance(part, str) else ".".join(map(str, part))
SENTINEL = "SENTINEL-VALUE-FOR-THE-LINE"

SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"},
                 "annotations": {"team": "core"}},
    "spec": {
        "type": "LoadBalancer",
        "selector": {"app": "web"},
        "ports": [{"name": "http", "protocol": "TCP", "appProtocol": "http", "port": 80,
                   "targetPort": "http", "nodePort": 30080}],
        "clusterIP": "10.0.0.10",
        "clusterIPs": ["10.0.0.10"],
        "externalIPs": ["192.0.2.10"],
        "externalTrafficPolicy": "Local",
        "healthCheckNodePort": 30500,
        "internalTrafficPolicy": "Cluster",
        "ipFamilies": ["IPv4"],
        "ipFamilyPolicy": "SingleStack",
        "loadBalancerClass": "example.com/lb",
        "loadBalancerSourceRanges": ["192.0.2.0/24"],
        "allocateLoadBalancerNodePorts": True,
        "publishNotReadyAddresses": False,
        "sessionAffinity": "ClientIP",
        "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 600}},
        "trafficDistribution": "PreferSameZone",
    },
}
POD_SPEC = {"containers": [{"name": "web", "image": "nginx", "ports": [{"name": "http", "containerPort": 8080}]}]}
# Every workload kind svclint knows, from its own table; the API versions are the usual ones.
API_VERSIONS = {"Pod": "v1", "ReplicationController": "v1", "Job": "batch/v1", "CronJob": "batch/v1",
                "DeploymentConfig": "apps.openshift.io/v1", "argoproj.io/Rollout": "argoproj.io/v1alpha1",
                "argoproj.io/Experiment": "argoproj.io/v1alpha1"}
EXTRA_FIELDS = {"StatefulSet": {"serviceName": "web"}, "CronJob": {"schedule": "*/5 * * * *"}}
# A headless Service (a StatefulSet governs with it) that the workload's pods satisfy: the finding
# in question is selector-no-match, when a mutation breaks the path to the pod labels.
SELECTING_SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"},
                     "spec": {"clusterIP": "None", "selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "http"}]}}
# Objects that name the Service `web` and its port 80: (the object, where the name is, where the port is).
INGRESS_PATH = ("spec", "rules", 0, "http", "paths", 0, "backend", "service")
OLD_INGRESS_PATH = ("spec", "rules", 0, "http", "paths", 0, "backend")
# Kinds of which a rule reads only the apiVersion (api-version-removed).
API_VERSION_ONLY = {"networking.k8s.io/IngressClass", "discovery.k8s.io/EndpointSlice"}
REFERENCES = {
    "networking.k8s.io/Ingress": (
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web", "namespace": "shop"},
         "spec": {"rules": [{"host": "example.com", "http": {"paths": [
             {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}},
        INGRESS_PATH + ("name",), INGRESS_PATH + ("port", "number")),
    # The v1beta1 shape, no longer served (api-version-removed) but still resolved.
    "extensions/Ingress": (
        {"apiVersion": "extensions/v1beta1", "kind": "Ingress", "metadata": {"name": "web", "namespace": "shop"},
         "spec": {"rules": [{"host": "example.com", "http": {"paths": [
             {"path": "/", "backend": {"serviceName": "web", "servicePort": 80}}]}}]}},
        OLD_INGRESS_PATH + ("serviceName",), OLD_INGRESS_PATH + ("servicePort",)),
    **{f"gateway.networking.k8s.io/{kind}": (
        {"apiVersion": f"gateway.networking.k8s.io/{version}", "kind": kind, "metadata": {"name": "web", "namespace": "shop"},
         "spec": {"parentRefs": [{"name": "gateway"}], "rules": [{"backendRefs": [{"name": "web", "port": 80}]}]}},
        ("spec", "rules", 0, "backendRefs", 0, "name"), ("spec", "rules", 0, "backendRefs", 0, "port"))
       for kind, version in [("HTTPRoute", "v1"), ("GRPCRoute", "v1"), ("TCPRoute", "v1alpha2"),
                             ("TLSRoute", "v1alpha2"), ("UDPRoute", "v1alpha2")]},
}
# A policy, its binding and its parameter object, as the Kubernetes docs write them.
POLICY_OBJECTS = [
    {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
     "metadata": {"name": "allowed-ports"},
     "spec": {"failurePolicy": "Fail", "paramKind": {"apiVersion": "v1", "kind": "ConfigMap"},
              "matchConstraints": {"resourceRules": [{"apiGroups": [""], "apiVersions": ["v1"],
                                                      "operations": ["CREATE", "UPDATE"], "resources": ["services"]}],
                                   "namespaceSelector": {"matchExpressions": [
                                       {"key": "kubernetes.io/metadata.name", "operator": "NotIn",
                                        "values": ["kube-system"]}]}},
              "matchConditions": [{"name": "not-external-name", "expression": "object.spec.type != 'ExternalName'"}],
              "variables": [{"name": "ports", "expression": "params.data.ports.split(',')"}],
              "validations": [{"expression": "object.spec.ports.all(p, string(p.port) in variables.ports)",
                               "messageExpression": "'ports must be among ' + params.data.ports",
                               "reason": "Invalid"}]}},
    {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
     "metadata": {"name": "allowed-ports"},
     "spec": {"policyName": "allowed-ports", "validationActions": ["Deny"],
              "paramRef": {"name": "allowed-ports", "namespace": "shop", "parameterNotFoundAction": "Deny"},
              "matchResources": {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}}}}},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "allowed-ports", "namespace": "shop"},
     "data": {"ports": "80,443"}},
]
KIND_CLUSTER = {"kind": "Cluster", "apiVersion": "kind.x-k8s.io/v1alpha4",
                "nodes": [{"role": "control-plane",
                           "extraPortMappings": [{"containerPort": 30080, "hostPort": 80}]}]}


def workload(key: str) -> dict:
    """A valid object of workload kind `key` (a BUILT_IN key) whose pods carry app: web."""
    entry, kind = BUILT_IN[key], key.rpartition("/")[2]
    data = {"apiVersion": API_VERSIONS.get(key, "apps/v1"), "kind": kind,
            "metadata": {"name": "web", "namespace": "shop"}, "spec": dict(EXTRA_FIELDS.get(kind, {}))}
    if entry.selector:
        set_path(data, first(entry.selector), {"app": "web"} if entry.selector_is_map else {"matchLabels": {"app": "web"}})
    if entry.template:
        set_path(data, first(entry.template),
                 {"metadata": {"labels": {"app": "web", "tier": "frontend"}}, "spec": POD_SPEC})
    else:
        data["metadata"]["labels"], data["spec"] = {"app": "web"}, POD_SPEC
    return json.loads(json.dumps(data))


def first(path: tuple) -> tuple:
    """The path with each EACH step (every item of a list) taking the first item."""
    return tuple(0 if step == EACH else step for step in path)


def set_path(data: Any, path: tuple, value: Any) -> None:
    for part, following in zip(path, path[1:]):
        if isinstance(data, list):
            data.extend({} for _ in range(part + 1 - len(data)))
            data = data[part]
        else:
            data = data.setdefault(part, [] if isinstance(following, int) else {})
    if isinstance(data, list):
        data.extend({} for _ in range(path[-1] + 1 - len(data)))
    data[path[-1]] = value


def paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Every key and list index in `value`, parents before children."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield prefix + (key,)
        yield from paths(child, prefix + (key,))


def replaced(data: Any, path: tuple, new: Any) -> Any:
    copy = json.loads(json.dumps(data))
    parent = copy
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = new
    return copy


def render(*documents: Any) -> str:
    return "---\n".join(yaml.dump(d, Dumper=Dumper, sort_keys=False, default_flow_style=False, width=10**6)
                        for d in documents)


def line_of_value(documents: list, number: int, path: tuple) -> int:
    """The line where the value at `path` of document `number` is written (a wrong value is
    written on one line, as the sentinel is)."""
    marked = list(documents)
    marked[number] = replaced(documents[number], path, SENTINEL)
    [line] = [i for i, text in enumerate(render(*marked).splitlines(), start=1) if SENTINEL in text]
    return line


# The schema's own description of each field, read independently of the validator.
SCHEMA = json.loads((REPO / "schemas" / f"service-v{supported_versions()[-1]}.json").read_text())
JSON_TYPES = {bool: {"boolean"}, int: {"integer", "number"}, float: {"number"}, str: {"string"},
              FlowList: {"array"}, FlowMapping: {"object"}}
BITS = {"int32": 32, "int64": 64}


def subschema(path: tuple) -> dict:
    node = SCHEMA
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {})
        elif part in node.get("properties", {}):
            node = node["properties"][part]
        else:
            node = node.get("additionalProperties") if isinstance(node.get("additionalProperties"), dict) else {}
    return node


def schema_accepts(path: tuple, value: Any) -> bool:
    """Whether the field's type (and integer size) admits `value`; True when the schema says nothing."""
    node = subschema(path)
    alternatives = node.get("oneOf", [node])
    types = set()
    for alternative in alternatives:
        declared = alternative.get("type")
        if declared is None:
            return True
        types |= {declared} if isinstance(declared, str) else set(declared)
    if not JSON_TYPES[type(value)] & types:
        return False
    bits = BITS.get(node.get("format"))
    return bits is None or -(2 ** (bits - 1)) <= value < 2 ** (bits - 1)


def findings(tmp_path: Path, text: str, **settings) -> list[tuple[str, int]]:
    report = lint_text(tmp_path, text, **settings)
    return [(f.rule, f.line) for f in report.findings]


def test_every_kind_a_rule_checks_has_a_base_object_here() -> None:
    known = {"*", "Service", *REFERENCES, *API_VERSION_ONLY,
             *(f"admissionregistration.k8s.io/{data['kind']}" for data in POLICY_OBJECTS[:2])} | {
        f"{workload(k)['apiVersion'].rpartition('/')[0]}/{workload(k)['kind']}".lstrip("/") for k in BUILT_IN}
    for rule in load_rules().values():
        assert set(rule.kinds) <= known, f"add a base object for {rule.kinds} of {rule.slug} to this test"


def test_the_base_objects_are_clean(tmp_path) -> None:
    # externalIPs is a warning of its own (external-ips); the base has every field a Service can have.
    assert findings(tmp_path, render(SERVICE, workload("Deployment")), target="kind",
                    load_balancer_provider=["x"]) == [("external-ips", 24)]
    for kind in BUILT_IN:
        assert findings(tmp_path, render(SELECTING_SERVICE, workload(kind))) == [], kind
    for kind, (data, _, _) in REFERENCES.items():
        found = findings(tmp_path, render(SELECTING_SERVICE, workload("Deployment"), data))
        assert [f for f in found if f[0] != "api-version-removed"] == [], kind


@pytest.mark.parametrize(("path", "values"), with_values([(p,) for p in paths(SERVICE)], path_id))
def test_a_wrong_type_in_a_service_is_reported_on_its_line(tmp_path, path: tuple, values: tuple) -> None:
    for value in values:
        line = line_of_value([SERVICE], 0, path)
        found = findings(tmp_path, render(replaced(SERVICE, path, value), workload("Deployment")), target="kind")
        if path in (("apiVersion",), ("kind",)) and not isinstance(value, str):
            assert ("not-an-object", line) in found, (value, found)
        elif path == ("kind",):
            assert found == [], (value, found)  # kind: text is not a Service
        elif not schema_accepts(path, value) or path == ("apiVersion",):
            # A value in a map of strings is reported by the rule that owns the map.
            rule = STRING_MAP_OWNERS.get(path[:2], "schema") if len(path) == 3 else "schema"
            assert (rule, line) in found, (value, found)


def workload_cases() -> Iterator[tuple[str, tuple]]:
    for kind in BUILT_IN:
        for path in paths(workload(kind)):
            yield kind, path


# A workload no Service here selects, in a namespace of its own: it keeps workloads in sight
# when the one under test stops being one (with none at all, selectors are not checked).
BYSTANDER = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bystander", "namespace": "batch",
                                                            "labels": {"app": "bystander"}},
             "spec": {"containers": [{"name": "bystander", "image": "busybox"}]}}


@pytest.mark.parametrize(("kind", "path", "values"), with_values(list(workload_cases()), path_id))
def test_a_wrong_type_in_a_workload_only_breaks_what_it_breaks(tmp_path, kind: str, path: tuple,
                                                               values: tuple) -> None:
    labels_path = first(BUILT_IN[kind].template) + ("metadata", "labels", "app")
    for value in values:
        found = findings(tmp_path, render(SELECTING_SERVICE, replaced(workload(kind), path, value), BYSTANDER))
        if path in (("apiVersion",), ("kind",)) and not isinstance(value, str):
            breaks = True  # no longer an object at all (and reported so)
            assert any(rule == "not-an-object" for rule, _ in found), (value, found)
        elif path == ("kind",):
            breaks = True  # kind: text has no pod template
        elif path == ("apiVersion",):
            breaks = "/" in kind  # argoproj.io/Rollout is a workload in its own group only
        else:  # the pod labels, or the namespace `shop` (without it the workload is in `default`)
            breaks = path in (labels_path[: len(path)], ("metadata", "namespace")[: len(path)])
        assert ("selector-no-match" in [rule for rule, _ in found]) == breaks, (value, found)


def reference_cases() -> Iterator[tuple[str, tuple]]:
    for kind, (data, _, _) in REFERENCES.items():
        for path in paths(data):
            yield kind, path


@pytest.mark.parametrize(("kind", "path", "values"), with_values(list(reference_cases()), path_id))
def test_a_wrong_type_in_an_ingress_or_route_only_breaks_its_reference(tmp_path, kind: str, path: tuple,
                                                                       values: tuple) -> None:
    data, name_path, port_path = REFERENCES[kind]
    for value in values:
        mutated = replaced(data, path, value)
        found = [rule for rule, _ in findings(tmp_path, render(SELECTING_SERVICE, workload("Deployment"), mutated))]
        # Only another Service name, or another port number or name, is a reference to what is
        # missing; a value of another type is no reference at all (and not checked).
        names_another = path == name_path and isinstance(value, str)
        # kubectl reads an integer beyond 64 bits as a float (go-yaml v2): no port number either.
        numbers_another = (path == port_path and isinstance(value, (int, str)) and not isinstance(value, bool)
                           and not (isinstance(value, int) and value >= 2**64))
        assert ("backend-service-missing" in found) == (names_another or numbers_another), (value, found)


@pytest.mark.parametrize(("path", "values"), with_values([(p,) for p in paths(KIND_CLUSTER)], path_id))
def test_a_wrong_type_in_a_kind_config_keeps_it_a_kind_config(tmp_path, path: tuple, values: tuple) -> None:
    lb_service = replaced(SELECTING_SERVICE, ("spec", "type"), "LoadBalancer")
    for value in values:
        found = [rule for rule, _ in findings(tmp_path, render(lb_service, replaced(KIND_CLUSTER, path, value)))]
        still_kind = path not in (("kind",), ("apiVersion",))
        assert ("lb-without-provider" in found) == still_kind, (value, found)



def policy_cases() -> Iterator[tuple[str, tuple]]:
    for data in POLICY_OBJECTS[:2]:
        for path in paths(data):
            yield data["kind"], path


def test_the_policy_objects_are_clean(tmp_path) -> None:
    assert findings(tmp_path, render(SELECTING_SERVICE, workload("Deployment"), *POLICY_OBJECTS)) == []


@pytest.mark.slow  # 120 cases, ~3 s together
@pytest.mark.parametrize(("kind", "path", "values"), with_values(list(policy_cases()), path_id))
def test_a_wrong_type_in_a_policy_or_binding_is_a_finding_not_a_crash(tmp_path, kind: str, path: tuple,
                                                                      values: tuple) -> None:
    for value in values:
        objects = [replaced(data, path, value) if data["kind"] == kind else data for data in POLICY_OBJECTS]
        found = findings(tmp_path, render(SELECTING_SERVICE, workload("Deployment"), *objects))
        allowed = ("policy-invalid", "policy-cannot-fire", "policy:allowed-ports", "not-an-object", "schema")
        assert all(rule.startswith(allowed) for rule, _ in found), (value, found)
