"""Each rule's fixes, as its metadata says (`fix:`), on its own examples and on focused cases."""

from __future__ import annotations

from pathlib import Path

import pytest

import svclint
from svclint.check.registry import load_rules
from svclint.check.settings import Settings
from svclint.fix.run import fix_paths
from svclint.fix.text_edits import FileText, plan
from tests.conftest import lint_text

RULES = load_rules()
FIXING = sorted(slug for slug, rule in RULES.items() if rule.fix != "none")


def example_fixes(slug: str, tmp_path: Path) -> list:
    rule = RULES[slug]
    fixes = []
    for number, example in enumerate(rule.examples):
        report = lint_text(tmp_path, example.text, name=f"{number}.yaml", **example.settings)
        fixes += [f.fix for f in report.findings if f.rule == slug and f.fix is not None]
    return fixes


@pytest.mark.parametrize("slug", sorted(RULES))
def test_the_metadata_says_which_fixes_a_rule_has(slug: str, tmp_path: Path) -> None:
    fixes = example_fixes(slug, tmp_path)
    declared = RULES[slug].fix
    if declared == "none":
        assert fixes == []
    else:
        assert fixes, f"{slug} says fix: {declared}, and none of its examples gets a fix"
        assert RULES[slug].fix_summary
    if declared == "unsafe":
        assert not any(fix.safe for fix in fixes)


@pytest.mark.parametrize("slug", FIXING)
def test_fixing_a_rules_bad_examples_removes_their_findings(slug: str, tmp_path: Path) -> None:
    """Every fix the examples get applies as text, the fixed file re-lints without that
    finding, and a second run changes nothing."""
    for number, example in enumerate(RULES[slug].examples):
        if not example.bad:
            continue
        path = tmp_path / f"{number}.yaml"
        path.write_text(example.text, encoding="utf-8")
        settings = Settings().updated(example.settings)
        before = [f for f in svclint.lint([str(path)], settings).findings if f.rule == slug]
        run = fix_paths([str(path)], settings, unsafe=True)
        assert run.failures == []
        outcome = run.files[0]
        with_fix = [f for f in before if f.fix is not None]
        assert run.fixed >= 1 or not with_fix
        text = outcome.fixed or example.text
        still_fixable = [f.message for f in run.report.findings
                         if f.rule == slug and f.fix is not None and plan(FileText(text), f.fix)]
        assert still_fixable == [], text
        path.write_text(outcome.fixed or example.text, encoding="utf-8")
        assert not fix_paths([str(path)], settings, unsafe=True).files[0].changed


def fixed_text(tmp_path: Path, text: str, unsafe: bool = True) -> str:
    path = tmp_path / "manifest.yaml"
    path.write_text(text, encoding="utf-8")
    outcome = fix_paths([str(path)], Settings(), unsafe=unsafe).files[0]
    return outcome.fixed or ""


WORKLOAD = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api-v2, namespace: shop}
spec:
  selector: {matchLabels: {app: api-v2, tier: backend}}
  template:
    metadata: {labels: {app: api-v2, tier: backend}}
    spec:
      containers:
        - name: api
          image: example/api
          ports: [{name: grpc-api, containerPort: 9000}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: frontend}}
    spec:
      containers: [{name: web, image: example/web}]
---
"""


def test_a_selector_one_value_off_takes_the_workloads_value_and_a_lone_port_its_name(tmp_path: Path) -> None:
    service = """\
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector:
    app: api          # the Deployment was renamed api-v2
    tier: backend
  ports:
    - port: 9000
      targetPort: grpc
"""
    fixed = fixed_text(tmp_path, WORKLOAD + service)
    assert fixed == WORKLOAD + service.replace("app: api   ", "app: api-v2   ").replace("targetPort: grpc",
                                                                                       "targetPort: grpc-api")
    assert fixed_text(tmp_path, WORKLOAD + service, unsafe=False) == WORKLOAD + service


def test_a_selector_is_not_guessed_between_two_workloads(tmp_path: Path) -> None:
    twin = WORKLOAD.split("---\n")[0].replace("api-v2", "api-v3")
    service = "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\n" \
              "spec:\n  selector: {app: api, tier: backend}\n  ports: [{port: 9000}]\n"
    text = WORKLOAD + twin + "---\n" + service
    assert fixed_text(tmp_path, text) == text


def test_a_forbidden_field_is_removed_safely_only_when_the_type_is_written(tmp_path: Path) -> None:
    written = """\
apiVersion: v1
kind: Service
metadata:
  name: internal
spec:
  type: ClusterIP
  externalTrafficPolicy: Local   # left from when it was a NodePort
  loadBalancerSourceRanges:
    - 10.0.0.0/8
  ports: [{port: 80}]
"""
    expected = written.replace("  externalTrafficPolicy: Local   # left from when it was a NodePort\n", "") \
        .replace("  loadBalancerSourceRanges:\n    - 10.0.0.0/8\n", "")
    assert fixed_text(tmp_path, written, unsafe=False) == expected
    defaulted = written.replace("  type: ClusterIP\n", "")
    assert fixed_text(tmp_path, defaulted, unsafe=False) == defaulted
    assert fixed_text(tmp_path, defaulted) == expected.replace("  type: ClusterIP\n", "")


def test_a_tolerate_unready_annotation_that_says_false_is_removed_with_its_empty_map(tmp_path: Path) -> None:
    text = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.alpha.kubernetes.io/tolerate-unready-endpoints: "false"
spec:
  ports: [{port: 80}]
"""
    assert fixed_text(tmp_path, text, unsafe=False) == text.replace(
        '  annotations:\n    service.alpha.kubernetes.io/tolerate-unready-endpoints: "false"\n', "")


def test_port_names_are_unique(tmp_path: Path) -> None:
    text = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports:
    - name: http
      port: 80
    - port: 8080
      targetPort: http    # the same container port, another Service port
    - port: 8443
"""
    fixed = fixed_text(tmp_path, text, unsafe=False)
    assert fixed == text.replace("      targetPort: http    # the same container port, another Service port\n",
                                 "      targetPort: http    # the same container port, another Service port\n"
                                 "      name: http-8080\n") + "      name: tcp-8443\n"


def test_a_port_name_of_the_wrong_type_is_not_taken_as_a_name(tmp_path: Path) -> None:
    """`name: []` is the schema's to report; the other unnamed port still gets a name (this
    crashed: a list is no set member)."""
    text = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports:\n" \
           "    - name: []\n      port: 80\n    - port: 8080\n"
    assert fixed_text(tmp_path, text, unsafe=False).endswith("    - port: 8080\n      name: tcp-8080\n")
