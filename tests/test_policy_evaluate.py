"""What PolicySet.check remembers and skips to judge objects cheaply must not change a
verdict: objects alike share answers, but messages still read each policy's own variables
and params, and values that only compare equal in Python (true, 1, 1.0) are told apart."""

from __future__ import annotations

import json

from tests.test_policies import config_map, lint_files, namespace, policy_findings, service, simple_policy


def port_limit_policy(name: str, limit: int, message: str) -> str:
    return simple_policy(name, "object.spec.ports.all(p, p.port < variables.limit)", extra_spec=f"""\
  variables:
    - name: limit
      expression: "{limit}"
""", validation_extra=f"\n      messageExpression: {json.dumps(message)}")


def test_each_message_reads_its_own_policys_variables_also_for_objects_alike(tmp_path) -> None:
    # Three policies, the same variable name, each its own value; the middle one's message
    # reads only the object. The Services are alike but for their names: the second and
    # third get the first one's answers remembered, and must still get each policy's message.
    policies = "---\n".join([
        port_limit_policy("below-50", 50, "'port must be below ' + string(variables.limit)"),
        port_limit_policy("below-60", 60, "object.metadata.name + ' has a port too high'"),
        port_limit_policy("below-70", 70, "'port must be below ' + string(variables.limit) + ' in ' "
                                          "+ object.metadata.name"),
    ])
    services = "---\n".join(service(name) for name in ("a", "b", "c"))
    messages = [f[-1].split("denied request: ")[1] for f in policy_findings(lint_files(tmp_path, policies, services))]
    assert messages == [
        "port must be below 50", "a has a port too high", "port must be below 70 in a",
        "port must be below 50", "b has a port too high", "port must be below 70 in b",
        "port must be below 50", "c has a port too high", "port must be below 70 in c",
    ]


def test_a_message_reading_a_failed_variable_falls_back_for_every_object(tmp_path) -> None:
    policy = simple_policy("team", "false", extra_spec="""\
  variables:
    - name: team
      expression: "object.metadata.labels.team"
""", validation_extra="\n      messageExpression: \"'team ' + variables.team\"\n      message: no team label")
    services = "---\n".join([service("a"), service("b", labels="\n  labels:\n    team: shop"), service("c")])
    messages = [f[-1].split("denied request: ")[1] for f in policy_findings(lint_files(tmp_path, policy, services))]
    assert messages == ["no team label", "team shop", "no team label"]


def test_each_params_object_gives_its_own_message_for_each_object(tmp_path) -> None:
    policy = simple_policy("types", "object.spec.type in params.data.types.split(',')", extra_spec="""\
  paramKind:
    apiVersion: v1
    kind: ConfigMap
""", validation_extra="\n      messageExpression: \"object.metadata.name + ' is not among ' + params.data.types\"",
                           binding_extra="\n  paramRef:\n    namespace: platform\n    selector:\n      matchLabels:\n"
                                         "        policy: types\n    parameterNotFoundAction: Allow")
    labelled = "\n  labels:\n    policy: types"
    params = config_map("a", "platform", "ClusterIP", labelled) + "---\n" + config_map("b", "platform", "NodePort",
                                                                                       labelled)
    services = "---\n".join(service(name, type_="LoadBalancer") for name in ("web", "api"))
    messages = [f[-1].split("denied request: ")[1]
                for f in policy_findings(lint_files(tmp_path, policy, params, services))]
    assert messages == ["web is not among ClusterIP", "web is not among NodePort",
                        "api is not among ClusterIP", "api is not among NodePort"]


def test_values_equal_in_python_but_not_in_cel_are_remembered_apart(tmp_path) -> None:
    # 1 + 1 is 2; true + 1 and 1.5 + 1 have no overload. An answer remembered for the first
    # Service must not be given to the second (in Python, True == 1 and hash(True) == hash(1)).
    policy = simple_policy("plus-one", "object.spec.healthCheckNodePort + 1 == 2", extra_spec="  failurePolicy: Fail\n")
    services = "---\n".join(service(name, extra=f"\n  healthCheckNodePort: {value}")
                            for name, value in (("int", "1"), ("bool", "true"), ("float", "1.5"), ("again", "1")))
    findings = policy_findings(lint_files(tmp_path, policy, services))
    assert [(line, message.split("resulted in error: ")[1][:32]) for _, line, _, _, message in findings] == [
        (27, "Unsupported operation: bool + in"), (41, "Unsupported operation: float + i")]


def test_expressions_run_later_on_an_object_see_all_they_read(tmp_path) -> None:
    # The first expression run on an object reads only its name; those after it read its
    # ports, the request and the namespace object, and must find them.
    policies = "---\n".join([
        simple_policy("named", "object.metadata.name.startsWith('web')"),
        simple_policy("high-ports", "object.spec.ports.all(p, p.port >= 1024)"),
        simple_policy("not-in-shop", "request.namespace != 'shop'"),
        simple_policy("team", "namespaceObject.metadata.labels.team == 'payments'"),
    ])
    report = lint_files(tmp_path, policies, namespace("shop", team="checkout"), service("web"))
    assert sorted((f[2], f[-1].split("denied request: ")[1]) for f in policy_findings(report)) == [
        ("policy:high-ports", "failed expression: object.spec.ports.all(p, p.port >= 1024)"),
        ("policy:not-in-shop", "failed expression: request.namespace != 'shop'"),
        ("policy:team", "failed expression: namespaceObject.metadata.labels.team == 'payments'"),
    ]


def test_an_expression_reading_the_object_whole_then_others(tmp_path) -> None:
    # The first expression passes the object on whole (no path of it can be named); the next
    # read fields of it and the request.
    policies = "---\n".join([
        simple_policy("whole", "object != null"),
        simple_policy("ports", "object.spec.ports.all(p, p.port >= 1024)"),
        simple_policy("name", "request.name == object.metadata.name && object.metadata.name != 'web'"),
    ])
    report = lint_files(tmp_path, policies, service("web") + "---\n" + service("api"))
    assert [(f[1], f[2]) for f in policy_findings(report)] == [
        (4, "policy:name"), (9, "policy:ports"), (22, "policy:ports")]
