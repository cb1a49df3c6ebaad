"""`svclint rules` and `svclint explain`, and how they are told apart from paths."""

from __future__ import annotations

import json

from svclint.check.registry import load_rules
from svclint.report import rule_docs
from tests.test_cli import BAD_NODEPORT, write


def test_rules_lists_every_rule_in_an_aligned_table(cli, snapshot) -> None:
    result = cli("rules")
    assert result.returncode == 0
    snapshot("rules.txt", result.stdout)
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["RULE", "CODE", "SEVERITY", "SUMMARY"]
    rules = load_rules()
    assert [row.split()[0] for row in rows] == sorted(rules, key=lambda slug: rules[slug].code)
    summary_column = header.index("SUMMARY")
    for row in rows:
        slug, code, severity = row.split()[:3]
        rule = rules[slug]
        assert (code, severity) == (rule.code, rule.severity.label)
        assert row[summary_column:] == rule.summary
        assert row[header.index("CODE"):].startswith(code)


def test_rules_as_json(cli, snapshot) -> None:
    output = cli("rules", "--format", "json").stdout
    snapshot("rules.json", output)
    listed = json.loads(output)
    rules = load_rules()
    assert {entry["slug"] for entry in listed} == set(rules)
    nodeport = next(entry for entry in listed if entry["slug"] == "nodeport-out-of-range")
    assert nodeport == {"slug": "nodeport-out-of-range", "code": "SVC101", "severity": "error",
                        "summary": rules["nodeport-out-of-range"].summary, "kinds": ["Service"], "fix": "unsafe"}


def test_explain_prints_rationale_options_and_examples(cli, snapshot) -> None:
    result = cli("explain", "nodeport-out-of-range")
    assert result.returncode == 0
    page = result.stdout
    rule = load_rules()["nodeport-out-of-range"]
    assert page.startswith("# nodeport-out-of-range (SVC101)\n\n" + rule.summary + "\n\nSeverity: error.")
    assert rule.rationale in page
    assert '- `node-port-range` (default: 30000-32767): ' in page
    assert "### Bad: a nodePort above the default range" in page
    assert "      nodePort: 40080  # <- nodeport-out-of-range\n" in page  # the test marker, reworded
    assert "### Good: a cluster with a custom range (with `node-port-range: 20000-22767`)" in page
    assert cli("explain", "svc101").stdout == page
    snapshot("explain-nodeport-out-of-range.md", page)


def test_every_rule_has_an_explain_page_with_each_example() -> None:
    for rule in load_rules().values():
        page = rule_docs.explain(rule)
        examples = page.split("\n## Examples\n")[-1]  # the Options section has a snippet of its own
        assert examples.count("```yaml") == len(rule.examples), rule.slug
        assert "# expect:" not in page, rule.slug
        assert rule_docs.find(rule.code.lower(), load_rules()) is rule


def test_explain_selector_no_match_lists_every_workload_kind_it_knows(cli, tmp_path) -> None:
    page = cli("explain", "selector-no-match", cwd=tmp_path).stdout
    kinds = page.split("## Workload kinds\n")[1].split("\n## ")[0]
    for kind in ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"):
        assert f"- `{kind}`: " in kinds
    assert "- `CronJob`: `spec.jobTemplate.spec.template`" in kinds
    assert "- `argoproj.io/Rollout` (Argo Rollouts): `spec.template`" in kinds
    assert "- `DeploymentConfig` (OpenShift): `spec.template`" in kinds
    assert "Widget" not in kinds
    (tmp_path / ".svclint.yaml").write_text("workloads:\n  acme.io/Widget: spec.podTemplate\n", encoding="utf-8")
    assert "- `acme.io/Widget` (from the configuration): `spec.podTemplate`" in cli(
        "explain", "selector-no-match", cwd=tmp_path).stdout
    (tmp_path / "other.yaml").write_text("workloads:\n  Gadget: spec.pod\n", encoding="utf-8")
    assert "- `Gadget` (from the configuration): `spec.pod`" in cli(
        "explain", "SVC201", "--config", "other.yaml", cwd=tmp_path).stdout
    (tmp_path / ".svclint.yaml").write_text("workloads: [Widget]\n", encoding="utf-8")
    broken = cli("explain", "selector-no-match", cwd=tmp_path)
    assert broken.returncode == 2 and broken.stderr.startswith("svclint: error: .svclint.yaml:1: workloads: ")


def test_explain_an_unknown_rule_suggests_close_names(cli) -> None:
    result = cli("explain", "nodeport-out-of-rnage")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "svclint: error: unknown rule 'nodeport-out-of-rnage'; did you mean nodeport-out-of-range?")
    far = cli("explain", "zzz")
    assert far.returncode == 2
    assert far.stderr.strip() == "svclint: error: unknown rule 'zzz'; `svclint rules` lists them all"
    assert cli("explain").returncode == 2


def test_a_directory_named_rules_is_linted_as_dot_slash_rules_or_with_check(cli, tmp_path) -> None:
    write(tmp_path, "rules/web.yaml", BAD_NODEPORT)
    listed = cli("rules", cwd=tmp_path)
    assert listed.returncode == 0 and listed.stdout.startswith("RULE ")
    assert "to lint the directory rules/ run `svclint ./rules`" in listed.stderr
    for args in (["./rules"], ["check", "rules"], ["check", "--format", "json", "rules"]):
        result = cli(*args, cwd=tmp_path)
        assert result.returncode == 1, args
        assert "nodeport-out-of-range" in result.stdout, args


def test_paths_still_lint_as_before(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    assert cli("web.yaml", cwd=tmp_path).stdout == cli("check", "web.yaml", cwd=tmp_path).stdout
    assert "  svclint explain RULE            a rule's rationale" in cli("--help").stdout
