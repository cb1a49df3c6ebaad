"""Policies known before the linted files are checked (`--policy`, the context, linted files
that hold policies) judge each object while its file is checked; objects among the linted
files that would change the policies' answers (a parameter object, a namespace a
namespaceSelector reads) make svclint judge the files again once all are read. Both ways
must give the same findings."""

from __future__ import annotations

from pathlib import Path

import pytest

import svclint
from svclint.check import policies as check_policies
from svclint.check.finding import Finding
from svclint.check.parallel import FORKS
from tests.test_policies import DEMO_POLICY, deployment, namespace, param_policy, service, simple_policy

TYPES = param_policy("    name: service-types\n    parameterNotFoundAction: Deny")
NAMED = simple_policy(
    "named-ports", "object.spec.ports.all(p, has(p.name) && p.name.startsWith(variables.prefix))",
    actions="[Warn]", extra_spec="  variables:\n    - name: prefix\n      expression: \"'http'\"\n",
    validation_extra="\n      messageExpression: \"object.metadata.name + ' has a port not named ' + variables.prefix\"")
PARAMS = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: service-types
  namespace: shop
data:
  types: ClusterIP
"""
SERVICES = "---\n".join([
    service("web", type_="LoadBalancer"),
    service("api").replace("name: http", "name: grpc"),
    "apiVersion: v1\nkind: List\nitems:\n"
    + "".join("  - " + line.replace("\n", "\n    ") + "\n" for line in
              [service("db", type_="NodePort").rstrip("\n"), service("cache").rstrip("\n")]),
])


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def shown(findings: list[Finding], files: set[str]) -> list[tuple]:
    return [(Path(f.file).name, f.line, f.column, f.rule, f.severity, f.message, f.obj)
            for f in findings if f.file in files]


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The files check/policies.py parses again."""
    parsed: list[str] = []
    original = check_policies._parse

    def counted(path: str, text: str, namespaced: dict):
        parsed.append(Path(path).name)
        return original(path, text, namespaced)

    monkeypatch.setattr(check_policies, "_parse", counted)
    return parsed


def test_policies_given_up_front_judge_objects_as_they_are_checked(tmp_path, parses) -> None:
    services = write(tmp_path / "app" / "services.yaml", SERVICES)
    policies = [write(tmp_path / "policies" / "types.yaml", TYPES), write(tmp_path / "policies" / "named.yaml", NAMED)]
    params = write(tmp_path / "platform" / "params.yaml", PARAMS)
    up_front = svclint.lint([services], {"policies": policies, "context": [params]})
    assert sorted(parses) == ["named.yaml", "params.yaml", "types.yaml"]  # services.yaml is not parsed again

    linted = [write(tmp_path / "all" / "services.yaml", SERVICES), write(tmp_path / "all" / "types.yaml", TYPES),
              write(tmp_path / "all" / "named.yaml", NAMED), write(tmp_path / "all" / "params.yaml", PARAMS)]
    parses.clear()
    afterwards = svclint.lint(linted)
    assert "services.yaml" in parses  # a parameter object among the linted files: judged once all are read
    found = shown(up_front.findings, {services})
    assert found == shown(afterwards.findings, {linted[0]})
    assert [(name, line, rule, message.rsplit(": ", 1)[1]) for name, line, _, rule, _, message, _ in found
            if rule.startswith("policy:")] == [
        ("services.yaml", 7, "policy:allowed-types", "type LoadBalancer is not among ClusterIP"),
        ("services.yaml", 23, "policy:named-ports", "api has a port not named http"),
        ("services.yaml", 37, "policy:allowed-types", "type NodePort is not among ClusterIP")]


def test_policies_among_the_linted_files_judge_as_the_files_are_checked(tmp_path, parses) -> None:
    given = svclint.lint([write(tmp_path / "given" / "services.yaml", SERVICES)],
                         {"policies": [write(tmp_path / "named.yaml", NAMED)]})
    parses.clear()
    linted = tmp_path / "linted"
    services = write(linted / "services.yaml", SERVICES)
    write(linted / "policies" / "named.yaml", NAMED)
    report = svclint.lint([str(linted)])
    assert parses == ["named.yaml"]
    assert [f[3] for f in shown(report.findings, {services}) if f[3].startswith("policy")] == ["policy:named-ports"]
    assert shown(report.findings, {services}) == shown(given.findings, {given.file_paths[0]})


def test_a_namespace_among_the_linted_files_is_seen_by_a_namespace_selector(tmp_path, parses) -> None:
    policy = write(tmp_path / "policy.yaml", DEMO_POLICY)
    app = [write(tmp_path / "app" / "namespaces.yaml", namespace("test", environment="test")),
           write(tmp_path / "app" / "big.yaml", deployment("big", "test", 6))]
    report = svclint.lint(app, {"policies": [policy]})
    assert [(Path(f.file).name, f.rule) for f in report.findings if f.rule.startswith("policy")] == [
        ("big.yaml", "policy:demo-policy.example.com")]
    assert "big.yaml" in parses  # the namespace changed the policy's answer: judged again


def test_a_namespace_no_policy_reads_leaves_the_judgements_made(tmp_path, parses) -> None:
    policy = write(tmp_path / "policy.yaml", simple_policy("no-nodeport", "object.spec.type != 'NodePort'"))
    app = write(tmp_path / "app.yaml", namespace("shop") + "---\n" + service(type_="NodePort"))
    report = svclint.lint([app], {"policies": [policy]})
    assert [(f.line, f.rule) for f in report.findings if f.rule.startswith("policy")] == [(13, "policy:no-nodeport")]
    assert parses == ["policy.yaml"]


@pytest.mark.skipif(not FORKS, reason="elsewhere the compiled policies cannot reach the workers")
def test_forked_workers_judge_with_the_policies_they_inherit(tmp_path, parses) -> None:
    files = [write(tmp_path / f"services-{n}.yaml", SERVICES.replace("name: web", f"name: web-{n}"))
             for n in range(4)]
    policies = [write(tmp_path / "policies" / "types.yaml", TYPES), write(tmp_path / "policies" / "named.yaml", NAMED)]
    settings = {"policies": policies, "context": [write(tmp_path / "platform" / "params.yaml", PARAMS)]}
    alone = svclint.lint(files, settings, jobs=1)
    in_workers = svclint.lint(files, settings, jobs=2)
    assert len([f for f in alone.findings if f.rule.startswith("policy:")]) == 12
    assert shown(in_workers.findings, set(files)) == shown(alone.findings, set(files))
    assert not {"services-0.yaml", "services-3.yaml"} & set(parses)
