"""The command: inputs, formats, exit statuses.

Most tests call main() in-process (the `cli` fixture, tests/conftest.py): the same arguments,
working directory, stdin and environment, in milliseconds. What only a real process shows
runs the real command (run_cli): the exit status it passes on, stdin and the standard
streams, Ctrl-C, and the installed `svclint` script.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from svclint import __version__
from svclint.cli.main import build_parser, main
from tests.conftest import REPO, run_cli, run_main

BAD_NODEPORT = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 40080
"""
# BAD_NODEPORT, a NodePort Service without selector, also gets two true info findings
# (selectorless-without-endpoints, exposed-nodeport) that tests of the report's shape leave out.
WITHOUT_CONTEXT_INFOS = ("--ignore", "selectorless-without-endpoints", "--ignore", "exposed-nodeport")
CLEAN = """\
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  type: ExternalName
  externalName: db.example.com
"""
# A workload no Service here selects: with one in sight, selector-no-match checks selectors
# (with none, it checks nothing and says so in a note).
WORKER = """\
apiVersion: v1
kind: Pod
metadata:
  name: worker
  labels: {app: worker}
spec:
  containers: [{name: worker, image: busybox}]
"""


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"svclint {__version__}"


def test_text_report_names_file_line_column_rule_and_object(cli, tmp_path, snapshot) -> None:
    write(tmp_path, "k8s/web.yaml", BAD_NODEPORT)
    result = cli("k8s", cwd=tmp_path)
    assert result.returncode == 1
    # Every finding on BAD_NODEPORT, the summary and the hint to `svclint explain`.
    snapshot("bad-nodeport.txt", result.stdout)
    assert ("k8s/web.yaml:9:17: error[nodeport-out-of-range] nodePort 40080 is outside the node port "
            "range 30000-32767 (Service default/web)") in result.stdout.splitlines()


def test_json_report_has_exactly_the_documented_shape(cli, tmp_path, snapshot) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    result = cli("--format", "json", "web.yaml", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert set(report) == {"findings", "summary"}
    assert set(report["summary"]) == {"files", "objects", "errors", "warnings", "infos"}
    assert all(set(finding) == {"file", "line", "column", "rule", "severity", "message", "kind", "namespace",
                                "name"} for finding in report["findings"])
    snapshot("bad-nodeport.json", result.stdout)


def test_stdin() -> None:
    result = run_cli(*WITHOUT_CONTEXT_INFOS, "--format", "json", "-", stdin=BAD_NODEPORT)
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["file"], finding["line"]) == ("<stdin>", 9)


def test_node_port_range_flag(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    assert cli("--node-port-range", "40000-42767", "web.yaml", cwd=tmp_path).returncode == 0
    assert cli("--node-port-range", "20000-22767", "web.yaml", cwd=tmp_path).returncode == 1


def test_fail_on_levels(cli, tmp_path) -> None:
    write(tmp_path, "svc.yaml", CLEAN.replace("type: ExternalName", "selector: {app: nothing}\n  ports: [{port: 80}]")
          .replace("  externalName: db.example.com\n", "") + "---\n" + WORKER)
    assert cli("svc.yaml", cwd=tmp_path).returncode == 1  # a warning fails by default
    assert cli("--fail-on", "error", "svc.yaml", cwd=tmp_path).returncode == 0
    assert cli("--fail-on", "never", "svc.yaml", cwd=tmp_path).returncode == 0


def test_missing_path_is_a_usage_error_without_traceback(tmp_path) -> None:
    result = run_cli("nope.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "svclint: error: nope.yaml: no such file or directory"


def test_bad_flag_values_exit_2_naming_the_setting(cli, tmp_path) -> None:
    write(tmp_path, "svc.yaml", CLEAN)
    for args, word in [(("--node-port-range", "x"), "node-port-range"),
                       (("--kubernetes-version", "1.2"), "kubernetes-version")]:
        result = cli(*args, "svc.yaml", cwd=tmp_path)
        assert result.returncode == 2
        assert word in result.stderr and "Traceback" not in result.stderr


def test_directory_recursion_suffixes_and_exclude(cli, tmp_path) -> None:
    write(tmp_path, "a/one.yaml", BAD_NODEPORT)
    write(tmp_path, "a/b/two.yml", BAD_NODEPORT.replace("name: web", "name: web2"))
    write(tmp_path, "a/b/three.json", json.dumps({"apiVersion": "v1", "kind": "Service",
                                                   "metadata": {"name": "j"},
                                                   "spec": {"type": "NodePort",
                                                            "ports": [{"port": 1, "nodePort": 1}]}}))
    write(tmp_path, "a/notes.txt", BAD_NODEPORT)
    result = cli(*WITHOUT_CONTEXT_INFOS, "--format", "json", "a", cwd=tmp_path)
    files = [f["file"] for f in json.loads(result.stdout)["findings"]]
    assert files == ["a/b/three.json", "a/b/two.yml", "a/one.yaml"]
    result = cli(*WITHOUT_CONTEXT_INFOS, "--format", "json", "--exclude", "a/b", "a", cwd=tmp_path)
    assert [f["file"] for f in json.loads(result.stdout)["findings"]] == ["a/one.yaml"]


def test_lists_are_linted_item_by_item_with_positions(cli, tmp_path) -> None:
    items = "\n".join("  - " + line if i == 0 else "    " + line
                      for i, line in enumerate(BAD_NODEPORT.splitlines()))
    write(tmp_path, "list.yaml", f"apiVersion: v1\nkind: ServiceList\nitems:\n{items}\n")
    result = cli(*WITHOUT_CONTEXT_INFOS, "--format", "json", "list.yaml", cwd=tmp_path)
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["line"], finding["column"], finding["name"]) == (12, 21, "web")


def test_non_kubernetes_documents_are_skipped(cli, tmp_path) -> None:
    write(tmp_path, "values.yaml", "replicas: 3\nimage: {tag: v1}\n")
    write(tmp_path, "ci.yaml", "stages: [build]\n")
    write(tmp_path, "kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                                          "kind: Kustomization\nresources: [svc.yaml]\n")
    write(tmp_path, "svc.yaml", CLEAN)
    result = cli(".", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == "No problems in 4 files, 1 object"


def test_kustomization_namespace_applies_to_its_resources(cli, tmp_path) -> None:
    write(tmp_path, "kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                                          "kind: Kustomization\nnamespace: shop\nresources: [svc.yaml]\n")
    write(tmp_path, "svc.yaml", BAD_NODEPORT)
    [finding] = json.loads(cli(*WITHOUT_CONTEXT_INFOS, "--format", "json", ".", cwd=tmp_path).stdout)["findings"]
    assert finding["namespace"] == "shop"


def test_helm_templates_are_rendered_never_linted_raw(cli, tmp_path) -> None:
    write(tmp_path, "chart/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\n")
    write(tmp_path, "chart/templates/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n"
                                                "  name: {{ .Release.Name }}\nspec:\n  clusterIP: None\n")
    write(tmp_path, "chart/templates/deploy.yaml", "{{- if .Values.x }}\nkind: Deployment\n{{- end }}\n")
    write(tmp_path, "grafana.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dash}\n"
                                    "data:\n  d.json: '{\"legend\": \"{{instance}}\"}'\n")
    result = cli("--select", "SVC0,SVC1", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "Helm" not in result.stderr
    assert result.stdout.strip() == "No problems in 2 files, 2 objects"  # grafana.yaml, and the chart's Service


def test_invalid_yaml_is_a_finding_and_the_run_goes_on(cli, tmp_path) -> None:
    write(tmp_path, "broken.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: x\nspec:\n")
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    result = cli(*WITHOUT_CONTEXT_INFOS, "--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1
    rules = [(f["file"], f["rule"]) for f in json.loads(result.stdout)["findings"]]
    assert rules == [("broken.yaml", "invalid-yaml"), ("web.yaml", "nodeport-out-of-range")]


def test_kind_config_among_files_makes_the_target_kind(cli, tmp_path) -> None:
    lb = BAD_NODEPORT.replace("NodePort", "LoadBalancer").replace("      nodePort: 40080\n", "")
    write(tmp_path, "svc.yaml", lb)
    assert cli("svc.yaml", cwd=tmp_path).returncode == 0
    write(tmp_path, "kind.yaml", "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n")
    result = cli(".", cwd=tmp_path)
    assert "warning[lb-without-provider]" in result.stdout
    assert cli("--load-balancer-provider", "cloud-provider-kind", ".", cwd=tmp_path).returncode == 0
    assert cli("--target", "kind", "svc.yaml", cwd=tmp_path).returncode == 1


def test_unknown_kinds_are_indexed_but_not_checked(cli, tmp_path) -> None:
    write(tmp_path, "knative.yaml", "apiVersion: serving.knative.dev/v1\nkind: Service\n"
                                    "metadata: {name: hello}\nspec: {selecter: 1}\n")
    result = cli("knative.yaml", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == "No problems in 1 file, 1 object"


def test_examples_show_each_seed_rule_once_and_clean_is_clean(cli, snapshot) -> None:
    result = cli("--format", "json", "--exclude", "clean", "examples", cwd=REPO)
    rules = [f["rule"] for f in json.loads(result.stdout)["findings"]]
    assert all(rules.count(seed) == 1 for seed in ("nodeport-out-of-range", "selector-no-match", "lb-without-provider"))
    # The seed rules, and the rules on Services in context (shop/reviews.yaml, shop/ingress.yaml).
    snapshot("examples.txt", cli("--exclude", "clean", "examples", cwd=REPO).stdout)
    clean = cli("examples/clean", cwd=REPO)
    assert clean.returncode == 0, clean.stdout


def installed_command() -> str | None:
    """The `svclint` script that pip installed beside this Python (the [project.scripts] entry point)."""
    script = Path(sys.executable).with_name("svclint")
    return str(script) if os.access(script, os.X_OK) else None


@pytest.mark.skipif(installed_command() is None, reason="no svclint script beside this Python")
@pytest.mark.slow
def test_the_installed_command_exits_with_the_status_and_report_of_main() -> None:
    args = ("--format", "json", "--exclude", "clean", "examples")
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    found = subprocess.run([installed_command(), *args], cwd=REPO, capture_output=True, text=True, timeout=120, env=env)
    in_process = run_main(*args, cwd=REPO)
    assert (found.returncode, found.stdout, found.stderr) == (1, in_process.stdout, "")
    clean = subprocess.run([installed_command(), "examples/clean"], cwd=REPO, capture_output=True, text=True,
                           timeout=120, env=env)
    assert (clean.returncode, clean.stderr) == (0, "")
    usage = subprocess.run([installed_command(), "--fail-on", "sometimes", "examples"], cwd=REPO,
                           capture_output=True, text=True, timeout=120, env=env)
    assert usage.returncode == 2 and "--fail-on" in usage.stderr and "Traceback" not in usage.stderr


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="waits through Linux /proc for the read")
def test_ctrl_c_gives_a_message_and_status_130_not_a_traceback() -> None:
    process = subprocess.Popen([sys.executable, "-m", "svclint", "-"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    waiting = Path(f"/proc/{process.pid}/wchan")
    deadline = time.monotonic() + 60
    while "pipe" not in waiting.read_text():  # blocked reading stdin: svclint's main is running
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert (process.returncode, stdout, stderr) == (130, "", "svclint: interrupted\n")


def test_main_called_again_in_process_leaves_the_collector_as_it_was(tmp_path, capsys) -> None:
    """A fuzzer calls main thousands of times: each call must not freeze the garbage of the last."""
    (tmp_path / "svc.yaml").write_text(BAD_NODEPORT)
    thresholds = gc.get_threshold()
    assert main([str(tmp_path / "svc.yaml")]) == 1
    frozen = gc.get_freeze_count()
    for _ in range(3):
        build_parser()  # reference cycles left for the collector, as each run leaves some
        assert main([str(tmp_path / "svc.yaml")]) == 1
    assert gc.get_freeze_count() == frozen
    assert gc.get_threshold() == thresholds
    assert capsys.readouterr().out.count("nodeport-out-of-range") == 4


def test_a_run_that_finds_no_manifest_says_so_on_stderr_and_exits_0(cli, tmp_path) -> None:
    write(tmp_path, "k8s/README.md", "# nothing here\n")
    result = cli("k8s", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "No problems in 0 files, 0 objects\n")
    assert result.stderr == ("svclint: warning: no Kubernetes manifest found in k8s "
                             "(no .yaml, .yml or .json file)\n")
    write(tmp_path, "k8s/values.yaml", "replicas: 3\n")
    result = cli("--fail-on", "info", "k8s", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == ("svclint: warning: no Kubernetes manifest found in k8s "
                             "(1 file read, none holds a Kubernetes object)\n")
    write(tmp_path, "k8s/svc.yaml", CLEAN)
    assert cli("k8s", cwd=tmp_path).stderr == ""


def test_the_summary_names_the_detected_target_and_its_file(cli, tmp_path) -> None:
    write(tmp_path, "svc.yaml", CLEAN)
    assert cli("svc.yaml", cwd=tmp_path).stdout == "No problems in 1 file, 1 object\n"
    write(tmp_path, "kind-cluster.yaml", "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n")
    assert cli(".", cwd=tmp_path).stdout == ("No problems in 2 files, 1 object; "
                                            "target: kind (from kind-cluster.yaml)\n")
    assert cli("--target", "kind", ".", cwd=tmp_path).stdout == "No problems in 2 files, 1 object\n"


def test_the_summary_counts_problems_at_or_above_fail_on_and_the_others_apart(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)  # an error, two infos (see WITHOUT_CONTEXT_INFOS)
    summary = cli("web.yaml", cwd=tmp_path).stdout.splitlines()[-2]
    assert summary == "1 problem (1 error), 2 infos in 1 file, 1 object"
    summary = cli("--fail-on", "info", "web.yaml", cwd=tmp_path).stdout.splitlines()[-2]
    assert summary == "3 problems (1 error, 2 infos) in 1 file, 1 object"
    result = cli("--select", "exposed-nodeport", "web.yaml", cwd=tmp_path)
    assert (result.returncode, result.stdout.splitlines()[-2]) == (0, "No problems, 1 info in 1 file, 1 object")


def test_quiet_leaves_out_findings_below_fail_on_and_counts_them(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    lines = cli("--quiet", "web.yaml", cwd=tmp_path).stdout.splitlines()
    assert [line.split()[1] for line in lines[:-2]] == ["error[nodeport-out-of-range]"]
    assert lines[-2] == "1 problem (1 error), 2 findings below warning hidden (--quiet) in 1 file, 1 object"
    findings = json.loads(cli("-q", "--format", "json", "--fail-on", "error", "web.yaml", cwd=tmp_path).stdout)
    assert [f["rule"] for f in findings["findings"]] == ["nodeport-out-of-range"]
    assert cli("-q", "--select", "exposed-nodeport", "web.yaml", cwd=tmp_path).stdout == (
        "No problems, 1 finding below warning hidden (--quiet) in 1 file, 1 object\n")


def test_show_source_prints_the_line_and_a_caret_under_the_column(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    lines = cli("--show-source", "--select", "nodeport-out-of-range", "web.yaml", cwd=tmp_path).stdout.splitlines()
    assert lines[:3] == [
        "web.yaml:9:17: error[nodeport-out-of-range] nodePort 40080 is outside the node port range 30000-32767 "
        "(Service default/web)",
        "          nodePort: 40080",
        "                    ^",
    ]
    write(tmp_path, "tabs.json", '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "\\tweb"}, '
                                 '"spec": {"ports": [{"port": 80}]}}\n')
    lines = cli("--show-source", "--select", "name-invalid", "tabs.json", cwd=tmp_path).stdout.splitlines()
    assert lines[2].index("^") == lines[1].index('"\\tweb"')
    json_lines = cli("--show-source", "--format", "json", "web.yaml", cwd=tmp_path).stdout
    assert "^" not in json_lines
    piped = cli("--show-source", "-", cwd=tmp_path, stdin=BAD_NODEPORT).stdout.splitlines()
    assert not any(line.strip() == "^" for line in piped)


def test_the_cel_package_is_loaded_only_by_runs_with_policies_and_without_its_cli() -> None:
    """The CEL package's __init__ imports its own command line (prompt_toolkit, rich: ~0.3 s
    of every start): runs without policies load nothing of the package, runs with them only
    its compiled module."""
    code = ("import sys, svclint; svclint.lint(['examples']); print('cel.cel' in sys.modules);"
            "report = svclint.lint(['examples'], {'policies': ['builtin:allowed-ports']});"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('cel', 'prompt_toolkit', 'rich')));"
            "print(sorted({f.rule for f in report.findings if f.rule.startswith('policy')}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["False", "[]", "['policy:allowed-ports']"]
