"""Configuration files, found from the working directory, through the real CLI."""

from __future__ import annotations

import json

import pytest

from svclint.check.registry import load_rules
from svclint.check.selection import BROKEN_INPUT, enabled
from tests.test_cli import BAD_NODEPORT, WORKER, write

NO_PODS = """\
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
spec:
  selector:
    app: api
  ports:
    - port: 80
---
""" + WORKER.replace("  name: worker\n", "  name: worker\n  namespace: shop\n")


def rules_of(result) -> list[str]:
    return [f["rule"] for f in json.loads(result.stdout)["findings"]]


def test_svclint_yaml_in_the_working_directory(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    assert cli("web.yaml", cwd=tmp_path).returncode == 1
    write(tmp_path, ".svclint.yaml", "node-port-range: 40000-42767\n")
    assert cli("web.yaml", cwd=tmp_path).returncode == 0


def test_config_in_a_parent_directory_anchors_its_paths_there(cli, tmp_path) -> None:
    write(tmp_path, ".svclint.yaml", "exclude: [vendor/*]\ncontext: [deploy]\nselect: [SVC101, SVC201]\n")
    write(tmp_path, "deploy/api.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\n"
                                       "spec:\n  template:\n    metadata: {labels: {app: api}}\n")
    write(tmp_path, "services/api.yaml", NO_PODS)
    write(tmp_path, "services/vendor/web.yaml", BAD_NODEPORT)
    write(tmp_path, "vendor/web.yaml", BAD_NODEPORT)
    result = cli("--format", "json", ".", "../vendor", cwd=tmp_path / "services")
    assert result.returncode == 1
    # The config's `vendor/*` is the project's vendor/, not services/vendor/; deploy/ is context.
    assert [(f["file"], f["rule"]) for f in json.loads(result.stdout)["findings"]] == [
        ("vendor/web.yaml", "nodeport-out-of-range")]


def test_pyproject_tool_table(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n\n[tool.svclint]\nignore = ['SVC1']\n")
    assert cli("web.yaml", cwd=tmp_path).returncode == 0


def test_pyproject_without_the_table_is_passed_over_for_a_parent_config(cli, tmp_path) -> None:
    write(tmp_path, ".svclint.yaml", "ignore: [nodeport-out-of-range]\n")
    write(tmp_path, "app/pyproject.toml", "[project]\nname = 'app'\n")
    write(tmp_path, "app/web.yaml", BAD_NODEPORT)
    assert cli("web.yaml", cwd=tmp_path / "app").returncode == 0
    write(tmp_path, "app/pyproject.toml", "[project]\nname = 'app'\n[tool.svclint]\nfail-on = 'error'\n")
    assert cli("web.yaml", cwd=tmp_path / "app").returncode == 1  # the nearer config wins whole


def test_svclint_yaml_wins_over_pyproject_in_the_same_directory(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    write(tmp_path, "pyproject.toml", "[tool.svclint]\nignore = ['SVC1']\n")
    write(tmp_path, ".svclint.yaml", "fail-on: warning\n")
    assert cli("web.yaml", cwd=tmp_path).returncode == 1


def test_explicit_config_file(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    write(tmp_path, "ci/lint.yaml", "fail-on: never\n")
    assert cli("--config", "ci/lint.yaml", "web.yaml", cwd=tmp_path).returncode == 0
    missing = cli("--config", "nope.yaml", "web.yaml", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.startswith("svclint: error: nope.yaml: cannot read the configuration")


def test_flags_override_the_config(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    write(tmp_path, "api.yaml", NO_PODS)
    write(tmp_path, ".svclint.yaml", "fail-on: never\nselect: [SVC101, SVC201]\nignore: [selector-no-match]\n")
    assert rules_of(cli("--format", "json", ".", cwd=tmp_path)) == ["nodeport-out-of-range"]
    assert cli(".", cwd=tmp_path).returncode == 0
    assert cli("--fail-on", "error", ".", cwd=tmp_path).returncode == 1
    # --select replaces both select and ignore of the config, as in ruff.
    assert rules_of(cli("--format", "json", "--select", "SVC201", ".", cwd=tmp_path)) == ["selector-no-match"]
    both = cli("--format", "json", "--select", "SVC101,SVC201", ".", cwd=tmp_path)
    assert rules_of(both) == ["selector-no-match", "nodeport-out-of-range"]
    # --ignore adds to the config's ignore.
    assert rules_of(cli("--format", "json", "--ignore", "SVC101", ".", cwd=tmp_path)) == []


def test_severity_overrides_and_fail_on(cli, tmp_path) -> None:
    write(tmp_path, "api.yaml", NO_PODS)
    write(tmp_path, ".svclint.yaml", "fail-on: error\nseverity:\n  SVC2: info\n  selector-no-match: error\n")
    result = cli("--format", "json", "api.yaml", cwd=tmp_path)
    assert result.returncode == 1  # the slug is more specific than the prefix
    assert json.loads(result.stdout)["findings"][0]["severity"] == "error"


def test_per_file_ignores_and_ignore_objects(cli, tmp_path) -> None:
    write(tmp_path, "third-party/web.yaml", BAD_NODEPORT)
    write(tmp_path, "api.yaml", NO_PODS)
    write(tmp_path, "web.yaml", BAD_NODEPORT.replace("name: web", "name: prometheus-k8s\n  namespace: monitoring"))
    write(tmp_path, ".svclint.yaml",
          'select: [SVC101, SVC201]\n'
          'per-file-ignores:\n  "third-party/*": [SVC1]\n  "api.yaml": selector-no-match\n'
          'ignore-objects: ["Service/monitoring/prometheus-*"]\n')
    result = cli(".", cwd=tmp_path)
    assert (result.returncode, result.stdout.strip()) == (0, "No problems in 4 files, 4 objects")  # .svclint.yaml too


def test_other_settings_from_the_config(cli, tmp_path) -> None:
    lb = BAD_NODEPORT.replace("NodePort", "LoadBalancer").replace("      nodePort: 40080\n", "")
    write(tmp_path, "svc.yaml", lb)
    write(tmp_path, ".svclint.yaml", "select: [lb-without-provider]\ntarget: kind\nnamespace: shop\n")
    result = cli("--format", "json", "svc.yaml", cwd=tmp_path)
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["rule"], finding["namespace"]) == ("lb-without-provider", "shop")
    write(tmp_path, ".svclint.yaml", "select: [lb-without-provider]\ntarget: kind\n"
                                     "load-balancer-provider: [cloud-provider-kind]\n")
    assert cli("svc.yaml", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(("config", "message"), [
    ("fail-on: error\nselct: [SVC1]\n",
     ".svclint.yaml:2: unknown setting 'selct'; did you mean 'select'?"),
    ("select: [SVC1, nodeport-out-of-rang]\n",
     ".svclint.yaml:1: select: unknown rule 'nodeport-out-of-rang'; did you mean 'nodeport-out-of-range'?"),
    ("ignore: [SVC9]\n", ".svclint.yaml:1: ignore: unknown rule 'SVC9'"),
    ("\n\nnode-port-range: 30000\n", ".svclint.yaml:3: node-port-range: expected LOW-HIGH"),
    ("kubernetes-version: 1.30\n", '.svclint.yaml:1: kubernetes-version: write the version as a string, e.g. "1.30"'),
    ("severity: {selector-no-match: fatal}\n",
     ".svclint.yaml:1: severity.selector-no-match: expected error, warning or info, got 'fatal'"),
    ("ignore-objects: [web]\n", ".svclint.yaml:1: ignore-objects: expected KIND/NAMESPACE/NAME"),
    ("allow-suppressions: no-way\n", ".svclint.yaml:1: allow-suppressions: expected true or false"),
    ("per-file-ignores: [a]\n", ".svclint.yaml:1: per-file-ignores: expected a mapping of path glob to rules"),
    ("fail-on: error\nfail-on: never\n", ".svclint.yaml:2: duplicate key 'fail-on'"),
    ("select: [SVC1\n", ".svclint.yaml:2:1: invalid YAML"),
    ("- select\n", ".svclint.yaml:1: expected a mapping of settings (key: value lines), got a list"),
    ("fail-on: error\nrule-options:\n  selector-overlap:\n    app-label: [k8s-app]\n",
     ".svclint.yaml:4: rule-options.selector-overlap: unknown option 'app-label' of selector-overlap; "
     "did you mean 'app-labels'?"),
    ("rule-options:\n  SVC204:\n\n    app-labels: k8s-app\n",
     ".svclint.yaml:4: rule-options.SVC204.app-labels: expected a list of strings, got 'k8s-app'"),
    ("rule-options:\n  selector-overlp: {app-labels: [app]}\n",
     ".svclint.yaml:2: rule-options: unknown rule 'selector-overlp'; did you mean 'selector-overlap'?"),
    ("rule-options:\n  exposed-nodeport: {x: 1}\n",
     ".svclint.yaml:2: rule-options.exposed-nodeport: exposed-nodeport has no options (rules with options: "),
    ("rule-options: [selector-overlap]\n", ".svclint.yaml:1: rule-options: expected a mapping of rule to its options"),
])
def test_bad_config_exits_2_naming_file_line_and_key(cli, tmp_path, config, message) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    write(tmp_path, ".svclint.yaml", config)
    result = cli("web.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"svclint: error: {message}"), result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_bad_pyproject_value_names_its_line(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n\n[tool.svclint]\nfail-on = 'never'\ntarget = 'k3s'\n")
    result = cli("web.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("svclint: error: pyproject.toml:6: target: expected one of generic")


def test_bad_rule_option_in_pyproject_names_its_line(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    write(tmp_path, "pyproject.toml", "[tool.svclint]\nfail-on = 'never'\n\n"
                                      "[tool.svclint.rule-options.selector-overlap]\napp-labels = [1, 2]\n")
    result = cli("web.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("svclint: error: pyproject.toml:5: rule-options.selector-overlap.app-labels: "
                                    "expected a list of strings, got [1, 2]"), result.stderr


OVERLAP_BY_K8S_APP = """\
apiVersion: v1
kind: Service
metadata: {name: dns}
spec:
  selector: {tier: node}
  ports: [{port: 53}]
---
apiVersion: v1
kind: Pod
metadata: {name: proxy, labels: {k8s-app: proxy, tier: node}}
spec: {containers: [{name: proxy, image: proxy, ports: [{containerPort: 53}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: dns, labels: {k8s-app: dns, tier: node}}
spec: {containers: [{name: dns, image: dns, ports: [{containerPort: 53}]}]}
"""


def test_rule_options_from_the_config_reach_the_rule(cli, tmp_path) -> None:
    write(tmp_path, "dns.yaml", OVERLAP_BY_K8S_APP)
    assert rules_of(cli("--format", "json", "dns.yaml", cwd=tmp_path)) == []  # by default k8s-app names nothing
    write(tmp_path, ".svclint.yaml", "rule-options:\n  selector-overlap:\n    app-labels: [app, k8s-app]\n")
    assert rules_of(cli("--format", "json", "dns.yaml", cwd=tmp_path)) == ["selector-overlap"]
    write(tmp_path, "pyproject.toml", '[tool.svclint.rule-options.SVC204]\napp-labels = ["k8s-app"]\n')
    result = cli("--format", "json", "--config", "pyproject.toml", "-j", "2", "dns.yaml", cwd=tmp_path)
    assert "add `k8s-app` to it" in json.loads(result.stdout)["findings"][0]["message"]


def test_unknown_rules_on_the_command_line_exit_2(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    result = cli("--ignore", "SVC101,nodeport", "web.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "ignore: unknown rule 'nodeport'" in result.stderr


def test_selection_precedence_is_by_specificity() -> None:
    rules = load_rules().values()

    def slugs(select, ignore) -> set[str]:
        chosen = {rule.slug for rule in enabled(rules, select, ignore)}
        assert BROKEN_INPUT <= chosen  # whatever the selection: see test_hostile_environment.py
        return chosen - BROKEN_INPUT

    everything = {rule.slug for rule in rules} - BROKEN_INPUT
    assert slugs([], []) == everything
    assert slugs(["SVC1"], []) == {r.slug for r in rules if r.code.startswith("SVC1")}
    assert slugs([], ["SVC1"]) == everything - slugs(["SVC1"], [])
    assert slugs(["SVC1"], ["nodeport-out-of-range"]) == slugs(["SVC1"], []) - {"nodeport-out-of-range"}
    assert slugs(["SVC101"], ["SVC1"]) == {"nodeport-out-of-range"}  # the exact code is more specific
    assert slugs(["SVC1"], ["SVC1"]) == set()  # a tie: ignore wins
    assert slugs(["SVC", "SVC20"], ["SVC2"]) == everything - slugs(["SVC2"], []) | slugs(["SVC20"], [])


def readme_block(heading: str, language: str) -> str:
    from tests.conftest import REPO

    section = (REPO / "README.md").read_text(encoding="utf-8").split(f"\n## {heading}\n")[1].split("\n## ")[0]
    return section.split(f"```{language}\n")[1].split("```")[0]


def test_readme_configuration_examples_are_valid(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    examples = {".svclint.yaml": readme_block("Configuration", "yaml").replace("context: [git]\n", ""),
                "pyproject.toml": readme_block("Configuration", "toml").replace('context = ["git"]\n', "")}
    for name, text in examples.items():
        write(tmp_path, name, text)
        result = cli("web.yaml", cwd=tmp_path)
        assert (result.returncode, result.stderr) == (1, ""), name  # loaded, and the nodePort still fails
        (tmp_path / name).unlink()


def test_config_errors_quote_globs_as_written_and_severity_takes_lists(cli, tmp_path) -> None:
    write(tmp_path, "api.yaml", NO_PODS)
    write(tmp_path, ".svclint.yaml", 'per-file-ignores:\n  "legacy/*": [SVC9]\n')
    result = cli("api.yaml", cwd=tmp_path)
    assert result.stderr.startswith("svclint: error: .svclint.yaml:1: per-file-ignores.legacy/*: unknown rule 'SVC9'")
    write(tmp_path, ".svclint.yaml", 'select: [SVC201]\nseverity:\n  "SVC1, SVC2": info\n')
    assert json.loads(cli("--format", "json", "api.yaml", cwd=tmp_path).stdout)["summary"]["infos"] == 1
