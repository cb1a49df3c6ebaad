"""ValidatingAdmissionPolicies evaluated offline: the outcomes the Kubernetes documentation
gives (https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/),
on policies written as the documentation writes them, and malformed policies and bindings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import svclint
from svclint.check.engine import Report
from svclint.cli.main import main

SERVICE_RULES = """\
    resourceRules:
      - apiGroups: [""]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["services"]
"""

# The documentation's first example: at most 5 replicas, bound to namespaces labelled environment: test.
DEMO_POLICY = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "demo-policy.example.com"
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups:   ["apps"]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["deployments"]
  validations:
    - expression: "object.spec.replicas <= 5"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: "demo-binding-test.example.com"
spec:
  policyName: "demo-policy.example.com"
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels:
        environment: test
"""


def deployment(name: str, namespace: str, replicas: int) -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {namespace}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: app
          image: nginx
"""


def namespace(name: str, **labels: str) -> str:
    shown = "".join(f"\n    {key}: {value}" for key, value in labels.items())
    return f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  labels:{shown or ' {}'}\n"


def service(name: str = "web", ns: str = "shop", type_: str | None = None, extra: str = "", labels: str = "") -> str:
    kind = f"\n  type: {type_}" if type_ else ""
    return f"""\
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}{labels}
spec:{kind}
  selector:
    app: {name}
  ports:
    - name: http
      port: 80
      targetPort: 8080{extra}
"""


def lint_files(tmp_path: Path, *texts: str, **settings) -> Report:
    paths = []
    for number, text in enumerate(texts):
        path = tmp_path / f"file{number}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return svclint.lint(paths, {key.replace("_", "-"): value for key, value in settings.items()})


def policy_findings(report: Report) -> list[tuple[str, int, str, str, str]]:
    """(file name, line, rule, severity, message) of the findings of policies and about them."""
    return [(Path(f.file).name, f.line, f.rule, f.severity.name.lower(), f.message) for f in report.findings
            if f.rule.startswith("policy")]


def simple_policy(name: str, expression: str, actions: str = "[Deny]", extra_spec: str = "",
                  validation_extra: str = "", binding_extra: str = "") -> str:
    return f"""\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: {name}
spec:
  matchConstraints:
{SERVICE_RULES}{extra_spec}  validations:
    - expression: {json.dumps(expression)}{validation_extra}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: {name}-binding
spec:
  policyName: {name}
  validationActions: {actions}{binding_extra}
"""


# --- matching -------------------------------------------------------------------------------

def test_the_documented_demo_policy_denies_only_in_namespaces_its_binding_selects(tmp_path) -> None:
    report = lint_files(tmp_path, DEMO_POLICY, namespace("test", environment="test") + "---\n"
                        + namespace("prod", environment="prod"),
                        deployment("big", "test", 6) + "---\n" + deployment("big", "prod", 6) + "---\n"
                        + deployment("small", "test", 3))
    assert policy_findings(report) == [
        ("file2.yaml", 7, "policy:demo-policy.example.com", "error",
         "ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-test.example.com' "
         "denied request: failed expression: object.spec.replicas <= 5")]
    assert [f.obj.namespace for f in report.findings if f.rule.startswith("policy:")] == ["test"]


def test_a_namespace_not_in_the_run_has_only_its_name_label(tmp_path) -> None:
    by_name = DEMO_POLICY.replace("environment: test", "kubernetes.io/metadata.name: test")
    report = lint_files(tmp_path, by_name, deployment("big", "test", 6))
    assert [f[2] for f in policy_findings(report)] == ["policy:demo-policy.example.com"]
    report = lint_files(tmp_path, DEMO_POLICY, deployment("big", "test", 6))  # environment: test is unknown
    assert policy_findings(report) == []


def test_resource_rules_exclusions_object_selector_and_operations(tmp_path) -> None:
    policy = simple_policy("no-nodeport", "object.spec.type != 'NodePort'", extra_spec="""\
    excludeResourceRules:
      - apiGroups: [""]
        apiVersions: ["v1"]
        operations: ["CREATE"]
        resources: ["services"]
        resourceNames: ["legacy"]
    objectSelector:
      matchExpressions:
        - {key: policy.example.com/exempt, operator: DoesNotExist}
""")
    services = "---\n".join([
        service("web", type_="NodePort"),
        service("legacy", type_="NodePort"),
        service("exempt", type_="NodePort", labels="\n  labels:\n    policy.example.com/exempt: \"true\""),
        service("inner"),
    ])
    report = lint_files(tmp_path, policy, services)
    assert [(f[1], f[2]) for f in policy_findings(report)] == [(7, "policy:no-nodeport")]
    update_only = policy.replace('operations: ["CREATE", "UPDATE"]', 'operations: ["UPDATE"]')
    assert policy_findings(lint_files(tmp_path, update_only, services)) == []


def test_match_policy_exact_leaves_out_other_versions(tmp_path) -> None:
    policy = DEMO_POLICY.replace('apiVersions: ["v1"]', 'apiVersions: ["v1beta2"]').replace(
        "    matchResources:\n    namespaceSelector:\n      matchLabels:\n        environment: test\n", "")
    policy = policy.replace("  matchResources:\n    namespaceSelector:\n      matchLabels:\n        environment: test\n",
                            "")
    assert len(policy_findings(lint_files(tmp_path, policy, deployment("big", "test", 6)))) == 1  # Equivalent
    exact = policy.replace("  failurePolicy: Fail\n", "  failurePolicy: Fail\n  matchConstraints:\n    matchPolicy: Exact\n",
                           1).replace("  matchConstraints:\n    resourceRules:", "    resourceRules:", 1)
    assert policy_findings(lint_files(tmp_path, exact, deployment("big", "test", 6))) == []


def test_match_conditions_skip_what_they_leave_out(tmp_path) -> None:
    policy = simple_policy("no-nodeport", "object.spec.type != 'NodePort'", extra_spec="""\
  matchConditions:
    - name: 'exclude-kube-system'
      expression: "object.metadata.namespace != 'kube-system'"
    - name: 'exclude-nodes'
      expression: "!('system:nodes' in request.userInfo.groups)"
""")
    report = lint_files(tmp_path, policy, service("a", "kube-system", "NodePort") + "---\n"
                        + service("b", "shop", "NodePort"))
    assert [f[-1].endswith("failed expression: object.spec.type != 'NodePort'") for f in policy_findings(report)] \
        == [True]
    assert [f.obj.name for f in report.findings if f.rule.startswith("policy:")] == ["b"]


def test_the_object_is_seen_with_the_api_servers_defaults(tmp_path) -> None:
    # type is defaulted to ClusterIP before admission: reading it is no error.
    policy = simple_policy("cluster-ip-only", "object.spec.type == 'ClusterIP' && "
                           "object.spec.ports.all(p, p.protocol == 'TCP')")
    assert policy_findings(lint_files(tmp_path, policy, service())) == []


# --- parameters -----------------------------------------------------------------------------

PARAM_POLICY = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: allowed-types
spec:
  failurePolicy: Fail
  paramKind:
    apiVersion: v1
    kind: ConfigMap
  matchConstraints:
{rules}  validations:
    - expression: "object.spec.type in params.data.types.split(',')"
      messageExpression: "'type ' + object.spec.type + ' is not among ' + params.data.types"
      reason: Invalid
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: allowed-types
spec:
  policyName: allowed-types
  validationActions: [Deny]
  paramRef:
{ref}
"""


def param_policy(ref: str) -> str:
    return PARAM_POLICY.format(rules=SERVICE_RULES, ref=ref)


def config_map(name: str, ns: str, types: str, labels: str = "") -> str:
    return (f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {ns}{labels}\n"
            f"data:\n  types: {types}\n")


def test_params_by_name_in_the_requests_namespace_and_message_expression(tmp_path) -> None:
    policy = param_policy("    name: service-types\n    parameterNotFoundAction: Deny")
    report = lint_files(tmp_path, policy, config_map("service-types", "shop", "ClusterIP"),
                        service("web", "shop", "LoadBalancer"))
    assert policy_findings(report) == [
        ("file2.yaml", 7, "policy:allowed-types", "error",
         "ValidatingAdmissionPolicy 'allowed-types' with binding 'allowed-types' denied request: "
         "type LoadBalancer is not among ClusterIP")]
    allowed = lint_files(tmp_path, policy, config_map("service-types", "shop", "ClusterIP,LoadBalancer"),
                         service("web", "shop", "LoadBalancer"))
    assert policy_findings(allowed) == []


def test_params_not_found_deny_or_allow(tmp_path) -> None:
    deny = param_policy("    name: service-types\n    namespace: platform\n    parameterNotFoundAction: Deny")
    report = lint_files(tmp_path, deny, service())
    assert [(f[2], f[-1]) for f in policy_findings(report)] == [
        ("policy-cannot-fire", "paramRef finds no ConfigMap (v1) named 'service-types' in namespace 'platform' in "
                               "the run: parameterNotFoundAction Deny applies to every request"),
        ("policy:allowed-types", "ValidatingAdmissionPolicy 'allowed-types' with binding 'allowed-types' denied "
                                 "request: failed to configure binding: no params found for policy binding with "
                                 "`Deny` parameterNotFoundAction")]
    allow = deny.replace("parameterNotFoundAction: Deny", "parameterNotFoundAction: Allow")
    assert [f[2] for f in policy_findings(lint_files(tmp_path, allow, service()))] == ["policy-cannot-fire"]


def test_params_by_selector_each_judge_the_object(tmp_path) -> None:
    policy = param_policy("    namespace: platform\n    selector:\n      matchLabels:\n        policy: service-types\n"
                          "    parameterNotFoundAction: Allow")
    labelled = "\n  labels:\n    policy: service-types"
    report = lint_files(tmp_path, policy, config_map("a", "platform", "ClusterIP,NodePort", labelled) + "---\n"
                        + config_map("b", "platform", "ClusterIP", labelled) + "---\n"
                        + config_map("c", "platform", "LoadBalancer"),
                        service("web", "shop", "NodePort"))
    assert [f[-1].rsplit(": ", 1)[1] for f in policy_findings(report)] == ["type NodePort is not among ClusterIP"]


def test_a_policy_with_param_kind_and_a_binding_without_param_ref(tmp_path) -> None:
    policy = param_policy("    name: x\n").replace("  paramRef:\n    name: x\n", "")
    report = lint_files(tmp_path, policy, service())
    assert [f[-1].split("denied request: ")[1] for f in policy_findings(report)] == [
        "failed to configure binding: ValidatingAdmissionPolicy 'allowed-types' has a paramKind but binding "
        "'allowed-types' no paramRef"]


# --- actions, failure policy, messages, variables -------------------------------------------

@pytest.mark.parametrize(("actions", "severity", "start"), [
    ("[Deny]", "error", "ValidatingAdmissionPolicy 'no-ext' with binding 'no-ext-binding' denied request: "),
    ("[Warn]", "warning", "Validation failed for ValidatingAdmissionPolicy 'no-ext' with binding 'no-ext-binding': "),
    ("[Audit]", "info", "Audit: ValidatingAdmissionPolicy 'no-ext' with binding 'no-ext-binding': "),
    ("[Warn, Audit]", "warning", "Validation failed for"),
])
def test_validation_actions_give_the_severity(tmp_path, actions: str, severity: str, start: str) -> None:
    policy = simple_policy("no-ext", "!has(object.spec.externalIPs)", actions=actions,
                           validation_extra="\n      message: externalIPs are not allowed (CVE-2020-8554)")
    report = lint_files(tmp_path, policy, service(extra="\n  externalIPs:\n    - 203.0.113.7"))
    [finding] = policy_findings(report)
    assert finding[1:4] == (13, "policy:no-ext", severity)  # externalIPs
    assert finding[4].startswith(start) and finding[4].endswith(": externalIPs are not allowed (CVE-2020-8554)")


def test_a_runtime_error_fails_or_is_ignored_by_the_failure_policy(tmp_path) -> None:
    expression = "object.metadata.labels['team'] != ''"
    failing = simple_policy("team", expression, extra_spec="  failurePolicy: Fail\n")
    [finding] = policy_findings(lint_files(tmp_path, failing, service()))
    assert finding[1:] == (3, "policy:team", "error", "ValidatingAdmissionPolicy 'team' with binding 'team-binding' "
                           f"denied request: expression '{expression}' resulted in error: no such key: labels")
    ignoring = failing.replace("failurePolicy: Fail", "failurePolicy: Ignore")
    assert policy_findings(lint_files(tmp_path, ignoring, service())) == []


def test_message_expression_falls_back_to_message_then_to_the_default(tmp_path) -> None:
    broken = simple_policy("ports", "object.spec.ports.all(p, p.port >= 1024)",
                           validation_extra="\n      messageExpression: \"object.nope\"\n      message: low port")
    assert policy_findings(lint_files(tmp_path, broken, service()))[0][-1].endswith(": low port")
    default = simple_policy("ports", "object.spec.ports.all(p, p.port >= 1024)")
    assert policy_findings(lint_files(tmp_path, default, service()))[0][-1].endswith(
        ": failed expression: object.spec.ports.all(p, p.port >= 1024)")


def test_variables_and_namespace_object(tmp_path) -> None:
    policy = simple_policy("team-label", "variables.team == variables.namespaceTeam", extra_spec="""\
  variables:
    - name: team
      expression: "has(object.metadata.labels) && 'team' in object.metadata.labels ? object.metadata.labels.team : ''"
    - name: namespaceTeam
      expression: "namespaceObject.metadata.labels.team"
""", validation_extra="\n      messageExpression: \"'team ' + variables.team + ' is not ' + variables.namespaceTeam\"")
    labels = "\n  labels:\n    team: payments"
    report = lint_files(tmp_path, policy, namespace("shop", team="checkout"), service(labels=labels))
    [finding] = policy_findings(report)
    assert finding[1] == 7  # the label the variable reads
    assert finding[-1].endswith("denied request: team payments is not checkout")


def test_the_finding_points_at_the_deepest_field_read(tmp_path) -> None:
    policy = simple_policy("ports", "object.spec.ports[0].port == 443")
    assert policy_findings(lint_files(tmp_path, policy, service()))[0][1] == 11  # `port: 80`
    kind_only = simple_policy("ports", "request.name == 'other'")
    assert policy_findings(lint_files(tmp_path, kind_only, service()))[0][1] == 2  # the kind line


# --- findings like any other ----------------------------------------------------------------

def test_select_ignore_severity_and_suppressions(tmp_path) -> None:
    policy = simple_policy("no-nodeport", "object.spec.type != 'NodePort'")
    node_port = service(type_="NodePort")
    assert policy_findings(lint_files(tmp_path, policy, node_port, ignore=["policy:no-nodeport"])) == []
    assert policy_findings(lint_files(tmp_path, policy, node_port, ignore=["policy"])) == []
    assert [f.rule for f in lint_files(tmp_path, policy, node_port, select=["policy:no-nodeport"]).findings] == [
        "policy:no-nodeport"]
    assert policy_findings(lint_files(tmp_path, policy, node_port, select=["SVC1"])) == []
    warned = lint_files(tmp_path, policy, node_port, severity={"policy:no-nodeport": "warning"})
    assert [f[3] for f in policy_findings(warned)] == ["warning"]
    suppressed = node_port.replace("  type: NodePort", "  type: NodePort  # svclint: disable=policy:no-nodeport")
    assert policy_findings(lint_files(tmp_path, policy, suppressed)) == []


def test_baseline_and_sarif_carry_policy_rules(tmp_path, capsys) -> None:
    policy_file, manifest = tmp_path / "policy.yaml", tmp_path / "svc.yaml"
    policy_file.write_text(simple_policy("no-nodeport", "object.spec.type != 'NodePort'"), encoding="utf-8")
    manifest.write_text(service(type_="NodePort"), encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    assert main([str(manifest), "--policy", str(policy_file), "--write-baseline", str(baseline), "--no-cache"]) == 0
    assert main([str(manifest), "--policy", str(policy_file), "--baseline", str(baseline), "--no-cache"]) == 0
    capsys.readouterr()
    assert main([str(manifest), "--policy", str(policy_file), "--format", "sarif", "--no-cache"]) == 1
    sarif = json.loads(capsys.readouterr().out)
    driver_rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "policy:no-nodeport"]
    assert driver_rules[result["ruleIndex"]]["id"] == "policy:no-nodeport"
    assert "object.spec.type != 'NodePort'" in driver_rules[result["ruleIndex"]]["fullDescription"]["text"]


def test_policy_files_from_the_configuration_and_context(tmp_path) -> None:
    policy = tmp_path / "policies" / "no-nodeport.yaml"
    policy.parent.mkdir()
    policy.write_text(simple_policy("no-nodeport", "object.spec.type != 'NodePort'"), encoding="utf-8")
    manifest = tmp_path / "svc.yaml"
    manifest.write_text(service(type_="NodePort"), encoding="utf-8")
    for settings in ({"policies": [str(policy)]}, {"context": [str(policy.parent)]}):
        report = svclint.lint([str(manifest)], settings)
        assert [(f.file, f.rule) for f in report.findings if f.rule.startswith("policy")] == [
            (str(manifest), "policy:no-nodeport")], settings


# --- malformed policies and bindings ------------------------------------------------------------

def test_compile_errors_and_unknown_functions_are_findings_on_the_policy(tmp_path) -> None:
    policy = simple_policy("broken", "object.spec.ports.all(p, p.port > 0", extra_spec="""\
  variables:
    - name: addr
      expression: "ip('10.0.0.1').family()"
    - name: opt
      expression: "object.?spec.?type"
""").replace("admissionregistration.k8s.io/v1\n", "admissionregistration.k8s.io/v1beta1\n")  # served from 1.28
    report = lint_files(tmp_path, policy, service(), kubernetes_version="1.29")
    found = [(f[1], f[2], f[4]) for f in policy_findings(report)]
    assert found == [
        (14, "policy-invalid", "spec.variables[0].expression: Invalid value: \"ip('10.0.0.1').family()\": "
                               "compilation failed: undeclared reference to 'ip' (the IP library comes with "
                               "Kubernetes 1.30)"),
        (16, "policy-invalid", "spec.variables[1].expression: Invalid value: \"object.?spec.?type\": svclint's CEL "
                               "cannot run the syntax '.?' (optional field selection); write has(...) and ternaries "
                               "instead"),
        (18, "policy-invalid", "spec.validations[0].expression: Invalid value: \"object.spec.ports.all(p, p.port > 0\": "
                               "compilation failed: ERROR: <input>:1:36: Syntax error: missing ')' at '<EOF>'"),
    ]
    on_130 = lint_files(tmp_path, policy, service(), kubernetes_version="1.30")
    assert [f[1] for f in policy_findings(on_130) if f[2] == "policy-invalid"] == [16, 18]


def test_malformed_bindings_and_policies_are_reported_not_crashed_on(tmp_path) -> None:
    text = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: empty
spec:
  failurePolicy: Sometimes
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: half
spec:
  policyName: empty
  validationActions: [Deny, Warn]
  paramRef:
    name: a
    selector: {}
"""
    messages = [(f[1], f[4]) for f in policy_findings(lint_files(tmp_path, text)) if f[2] == "policy-invalid"]
    assert messages == [
        (5, "spec.matchConstraints.resourceRules: Required value"),
        (5, "spec.validations: Required value: validations or auditAnnotations must contain at least one item"),
        (6, 'spec.failurePolicy: Unsupported value: "Sometimes": supported values: "Fail", "Ignore"'),
        (14, "spec.validationActions: Invalid value: Deny and Warn may not be used together"),
        (15, "spec.paramRef: Invalid value: one of name or selector must be set"),
    ]


def test_dead_policies_and_bindings(tmp_path) -> None:
    lonely = simple_policy("lonely", "object.spec.typ != 'NodePort'").split("---\n")[0]
    orphan = simple_policy("gone", "true").split("---\n")[1]
    found = [(f[1], f[2], f[4]) for f in policy_findings(lint_files(tmp_path, lonely, orphan))]
    assert found == [
        (4, "policy-cannot-fire", "no ValidatingAdmissionPolicyBinding in the run binds ValidatingAdmissionPolicy "
                                  "'lonely': it validates nothing"),
        (13, "policy-cannot-fire", "reads object.spec.typ, which Services do not have in Kubernetes 1.37: the "
                                   "expression never sees a value there"),
        (6, "policy-cannot-fire", "ValidatingAdmissionPolicy 'gone' is not in the run (add it, or give it with "
                                  "--policy): the binding validates nothing"),
    ]


def test_authorizer_is_absent_and_said_so(tmp_path) -> None:
    policy = simple_policy("authz", "authorizer.group('').resource('services').check('create').allowed()")
    report = lint_files(tmp_path, policy, service())
    assert policy_findings(report) == []
    assert any("uses `authorizer`, which svclint does not have offline" in note for note in report.notes)


def test_explain_shows_a_policys_validations_and_source(tmp_path, capsys) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "ports.yaml").write_text(simple_policy("ports", "object.spec.ports.all(p, p.port >= 1024)",
                                                       validation_extra="\n      message: low port"), encoding="utf-8")
    assert main(["explain", "policy:ports", "--policy", str(policies)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:4] == ["policy:ports — ValidatingAdmissionPolicy ports", f"from: {policies / 'ports.yaml'}",
                                    "failurePolicy: Fail", "binding: ports-binding (Deny)"]
    assert "  - object.spec.ports.all(p, p.port >= 1024)\n    message: low port\n" in out
    assert main(["explain", "policy:no-external-ips"]) == 0  # from the library
    assert "from: builtin:no-external-ips" in capsys.readouterr().out
    assert main(["explain", "policy:missing", "--policy", str(policies)]) == 2
    assert "no ValidatingAdmissionPolicy 'missing'" in capsys.readouterr().err


def test_remembered_answers_keep_each_objects_message_and_position(tmp_path) -> None:
    # The answer of the policy depends only on spec.type: the second Service reuses the first's,
    # yet its message (read from its name) and its line are its own.
    policy = simple_policy("no-nodeport", "object.spec.type != 'NodePort'",
                           validation_extra="\n      messageExpression: \"object.metadata.name + ' is a NodePort'\"")
    services = "---\n".join(service(name, type_=kind) for name, kind in
                            [("a", "NodePort"), ("b", "ClusterIP"), ("c", "NodePort")])
    found = [(f[1], f[-1].rsplit(": ", 1)[1]) for f in policy_findings(lint_files(tmp_path, policy, services))]
    assert found == [(7, "a is a NodePort"), (35, "c is a NodePort")]


def test_an_api_version_the_target_does_not_serve(tmp_path) -> None:
    policy = simple_policy("no-nodeport", "object.spec.type != 'NodePort'")
    report = lint_files(tmp_path, policy, service(type_="NodePort"), kubernetes_version="1.29")
    assert [(f[1], f[2], f[4]) for f in policy_findings(report)] == [
        (1, "policy-invalid", 'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy is served from Kubernetes '
                              '1.30, not 1.29: no matches for kind "ValidatingAdmissionPolicy" in version '
                              '"admissionregistration.k8s.io/v1"'),
        (15, "policy-invalid", 'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding is served from '
                               'Kubernetes 1.30, not 1.29: no matches for kind "ValidatingAdmissionPolicyBinding" in '
                               'version "admissionregistration.k8s.io/v1"')]
    served = policy.replace("admissionregistration.k8s.io/v1\n", "admissionregistration.k8s.io/v1beta1\n")
    assert [f[2] for f in policy_findings(lint_files(tmp_path, served, service(type_="NodePort"),
                                                     kubernetes_version="1.29"))] == ["policy:no-nodeport"]


def test_a_policy_file_also_linted_is_read_once(tmp_path) -> None:
    (tmp_path / "policy.yaml").write_text(simple_policy("no-nodeport", "object.spec.type != 'NodePort'"),
                                          encoding="utf-8")
    (tmp_path / "svc.yaml").write_text(service(type_="NodePort"), encoding="utf-8")
    report = svclint.lint([str(tmp_path)], {"policies": [str(tmp_path / "policy.yaml")]})
    assert [f.rule for f in report.findings if f.rule.startswith("policy")] == ["policy:no-nodeport"]


def test_a_method_call_on_a_field_is_not_read_as_a_field(tmp_path) -> None:
    # `object.spec.ports.all(...)` reads the whole list, and `labels.exists(...)` the whole map:
    # an answer remembered for one port or label must not be reused for another.
    ports = simple_policy("only-http", "object.spec.ports.all(p, p.port == 80)")
    labels = simple_policy("owned", "object.metadata.labels.exists(k, k == 'owner')")
    services = "---\n".join([
        service("a", labels="\n  labels:\n    owner: me"),
        service("b", extra="\n    - name: ssh\n      port: 22", labels="\n  labels:\n    app: b"),
    ])
    report = lint_files(tmp_path, ports, labels, services)
    assert sorted((f.rule, f.obj.name) for f in report.findings if f.rule.startswith("policy:")) == [
        ("policy:only-http", "b"), ("policy:owned", "b")]


def test_remembered_answers_tell_a_missing_map_from_a_missing_key(tmp_path) -> None:
    # The answers depend only on the label `team` (and on there being labels): Services with
    # other labels share them, yet no labels at all is a runtime error where a missing key is not.
    member = simple_policy("team-label", "'team' in object.metadata.labels")
    field = simple_policy("team-field", "object.metadata.labels.team == 'shop'",
                          extra_spec="  failurePolicy: Fail\n")
    services = "---\n".join([
        service("a", labels="\n  labels:\n    team: shop\n    app: a"),
        service("b", labels="\n  labels:\n    team: shop\n    app: b"),
        service("c", labels="\n  labels:\n    app: c"),
        service("d"),
    ])
    report = lint_files(tmp_path, member, field, services)
    found = sorted((f.obj.name, f.rule, f.message.split(": ", 1)[1]) for f in report.findings
                   if f.rule.startswith("policy:"))
    assert found == [
        ("c", "policy:team-field",
         "expression 'object.metadata.labels.team == 'shop'' resulted in error: no such key: team"),
        ("c", "policy:team-label", "failed expression: 'team' in object.metadata.labels"),
        ("d", "policy:team-field",
         "expression 'object.metadata.labels.team == 'shop'' resulted in error: no such key: labels"),
        ("d", "policy:team-label", "expression ''team' in object.metadata.labels' resulted in error: no such key: labels"),
    ]
