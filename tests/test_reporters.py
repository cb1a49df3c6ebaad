"""Each report format on the command's output for real files: sarif, junit, github, gitlab.

The whole report of each format is a snapshot (tests/snapshots/test_reporters/): a new rule or
message changes those files (`pytest --update-snapshots`), not these tests, which check what
each format must do whatever the findings: escaping, locations, fingerprints, validity.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from svclint.check.registry import load_rules
from tests.conftest import REPO
from tests.test_cli import CLEAN, WORKER

SARIF_SCHEMA = REPO / "tests" / "data" / "sarif-2.1.0.json"

WEB = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 40080
"""
# A file name with `,` and `:`, a misspelled field whose name holds CR LF, and a selector
# value with `%`, `&` and `<`: every character the formats must escape, from a real file.
ODD_NAME = "odd,name:1.yaml"
ODD = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: odd\nspec:\n"
    '  "sel\\r\\nector": {app: x}\n'
    '  selector: {app: "50%&<x>"}\n'
    "  ports: [{port: 80}]\n"
)
SCHEMA_MESSAGE = "unknown field `sel\r\nector` in spec; did you mean `selector`?"
SELECTOR_MESSAGE = "selector {app: 50%&<x>} matches no pod template in namespace default"
NODEPORT_MESSAGE = "nodePort 40080 is outside the node port range 30000-32767"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "web.yaml").write_text(WEB, encoding="utf-8")
    (tmp_path / "k8s" / ODD_NAME).write_text(ODD, encoding="utf-8")
    (tmp_path / "k8s" / "clean.yaml").write_text(CLEAN, encoding="utf-8")
    # A workload in sight (so selectors are checked), in a namespace of its own (so no nearest).
    (tmp_path / "k8s" / "worker.yaml").write_text(WORKER.replace("  name: worker\n", "  name: worker\n  namespace: batch\n"),
                                                   encoding="utf-8")
    return tmp_path


# The rules whose findings the tests of one format's features look at (the snapshots hold all).
FOCUS = ("--select", "schema,selector-no-match,nodeport-out-of-range")


def report_of(cli, project: Path, fmt: str, *paths: str, focus: tuple[str, ...] = FOCUS) -> str:
    result = cli(*focus, "--format", fmt, *(paths or ("k8s",)), cwd=project)
    assert result.returncode == 1, result.stderr
    return result.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github", "gitlab"])
def test_whole_report_of_each_format(cli, project, snapshot, fmt) -> None:
    snapshot(f"report.{fmt}", report_of(cli, project, fmt, focus=()))


def test_whole_sarif_report(cli, project, snapshot) -> None:
    """As it is but for the rule descriptors (the docs of every rule, checked below): their ids."""
    log = json.loads(report_of(cli, project, "sarif", focus=()))
    driver = log["runs"][0]["tool"]["driver"]
    driver["rules"] = [descriptor["id"] for descriptor in driver["rules"]]
    snapshot("report.sarif", json.dumps(log, indent=2, ensure_ascii=False) + "\n")


def shift_lines(path: Path, count: int) -> None:
    """Edits above the findings: comment lines at the top of the file."""
    path.write_text("# a comment\n" * count + path.read_text(encoding="utf-8"), encoding="utf-8")


# SARIF

def test_sarif_is_valid_sarif_2_1_0_and_locates_each_finding(cli, project) -> None:
    log = json.loads(report_of(cli, project, "sarif"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    errors = [error.message for error in jsonschema.validators.validator_for(schema)(schema).iter_errors(log)]
    assert errors == []
    [run] = log["runs"]
    located = [
        (r["ruleId"], r["level"], r["message"]["text"],
         r["locations"][0]["physicalLocation"]["artifactLocation"],
         r["locations"][0]["physicalLocation"]["region"],
         r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"])
        for r in run["results"]
    ]
    odd_uri = {"uri": "k8s/odd%2Cname%3A1.yaml", "uriBaseId": "%SRCROOT%"}
    assert located == [
        ("schema", "error", SCHEMA_MESSAGE + " (Service default/odd)", odd_uri,
         {"startLine": 6, "startColumn": 3}, "Service default/odd"),
        ("selector-no-match", "warning", SELECTOR_MESSAGE + " (Service default/odd)", odd_uri,
         {"startLine": 7, "startColumn": 13}, "Service default/odd"),
        ("nodeport-out-of-range", "error", NODEPORT_MESSAGE + " (Service shop/web)",
         {"uri": "k8s/web.yaml", "uriBaseId": "%SRCROOT%"}, {"startLine": 10, "startColumn": 17},
         "Service shop/web"),
    ]
    everything = json.loads(report_of(cli, project, "sarif", focus=()))
    assert [error.message for error in jsonschema.validators.validator_for(schema)(schema).iter_errors(everything)] == []


def test_sarif_describes_every_rule_with_its_docs(cli, project) -> None:
    [run] = json.loads(report_of(cli, project, "sarif"))["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("svclint", __import__("svclint").__version__)
    descriptors = {d["id"]: d for d in driver["rules"]}
    assert set(descriptors) == set(load_rules())
    for slug, rule in load_rules().items():
        descriptor = descriptors[slug]
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] and descriptor["fullDescription"]["text"] in rule.rationale
        assert descriptor["help"]["text"] == rule.rationale
        assert "## Why is this bad?" in descriptor["help"]["markdown"]
        assert "```yaml" in descriptor["help"]["markdown"]  # the examples
        assert descriptor["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning",
                                                               "info": "note"}[rule.severity.label]
        assert descriptor["properties"]["code"] == rule.code
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_uses_file_uris_for_paths_outside_the_working_directory(cli, project) -> None:
    outside = project / "k8s"
    (project / "elsewhere").mkdir()
    result = cli(*FOCUS, "--format", "sarif", str(outside / "web.yaml"), cwd=project / "elsewhere")
    [finding] = json.loads(result.stdout)["runs"][0]["results"]
    artifact = finding["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": (outside / "web.yaml").as_uri()}


@pytest.mark.parametrize("fmt", ["sarif", "gitlab"])
def test_a_file_name_that_is_not_utf8_is_reported(cli, tmp_path, fmt) -> None:
    name = os.fsdecode(b"svc-\xff.yaml")  # as the file system gives it: not UTF-8
    (tmp_path / name).write_text("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  type: NodePort\n"
                                 "  ports:\n    - port: 80\n      nodePort: 80\n", encoding="utf-8")
    result = cli("--select", "nodeport-out-of-range", "--format", fmt, ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    if fmt == "sarif":
        [finding] = report["runs"][0]["results"]
        assert finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "svc-%FF.yaml"
    else:
        [issue] = report
        assert len(issue["fingerprint"]) == 64


def fingerprints_and_lines(cli, project: Path, fmt: str) -> list[tuple[str, int]]:
    report = json.loads(report_of(cli, project, fmt))
    if fmt == "sarif":
        return [(r["partialFingerprints"]["svclint/v1"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
                for r in report["runs"][0]["results"]]
    return [(issue["fingerprint"], issue["location"]["lines"]["begin"]) for issue in report]


@pytest.mark.parametrize("fmt", ["sarif", "gitlab"])
def test_fingerprints_are_unique_and_survive_lines_added_above(cli, project, fmt) -> None:
    before = fingerprints_and_lines(cli, project, fmt)
    shift_lines(project / "k8s" / "web.yaml", 3)
    shift_lines(project / "k8s" / ODD_NAME, 2)
    after = fingerprints_and_lines(cli, project, fmt)
    assert [line for _, line in after] == [8, 9, 13]
    assert [line for _, line in before] == [6, 7, 10]
    assert [fingerprint for fingerprint, _ in after] == [fingerprint for fingerprint, _ in before]
    assert len({fingerprint for fingerprint, _ in before}) == 3
    (project / "k8s" / "web.yaml").write_text(WEB.replace("40080", "40081"), encoding="utf-8")
    changed = fingerprints_and_lines(cli, project, fmt)
    assert changed[:2] == after[:2] and changed[2][0] != after[2][0]  # a different problem is a new finding


def test_identical_findings_in_one_file_get_distinct_fingerprints(cli, tmp_path) -> None:
    twice = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: x\n  a: x\n  a: x\n"
    (tmp_path / "cm.yaml").write_text(twice, encoding="utf-8")
    issues = json.loads(cli("--format", "gitlab", "cm.yaml", cwd=tmp_path).stdout)
    assert [(i["check_name"], i["location"]["lines"]["begin"]) for i in issues] == [
        ("duplicate-key", 6), ("duplicate-key", 7)]
    assert issues[0]["description"] == issues[1]["description"]
    assert issues[0]["fingerprint"] != issues[1]["fingerprint"]


def multitool() -> str | None:
    return os.environ.get("SARIF_MULTITOOL") or shutil.which("sarif-multitool")


def multitool_errors(tool: str, sarif: Path, log: Path) -> list[str]:
    subprocess.run([tool, "validate", str(sarif), "--output", str(log), "--log", "ForceOverwrite"],
                   capture_output=True, text=True, timeout=300, check=True)
    [run] = json.loads(log.read_text(encoding="utf-8"))["runs"]
    assert run["invocations"][0]["executionSuccessful"] is True
    return [r["ruleId"] for r in run["results"] if r.get("level") == "error"]


@pytest.mark.slow
def test_sarif_multitool_reports_no_errors(cli, project, tmp_path) -> None:
    tool = multitool()
    if tool is None:
        if os.environ.get("SVCLINT_REQUIRE_SARIF_MULTITOOL"):
            pytest.fail("SARIF_MULTITOOL is not set and sarif-multitool is not on PATH")
        pytest.skip("Microsoft's SARIF Multitool is not installed (bash .ci/run installs it from npm)")
    sarif = project / "report.sarif"
    sarif.write_text(report_of(cli, project, "sarif"), encoding="utf-8")
    assert multitool_errors(tool, sarif, tmp_path / "validation.sarif") == []
    # The validator does find errors when there are some: the same log with an impossible line.
    broken = json.loads(sarif.read_text(encoding="utf-8"))
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    sarif.write_text(json.dumps(broken), encoding="utf-8")
    assert multitool_errors(tool, sarif, tmp_path / "validation.sarif") != []


# JUnit

def test_junit_has_a_suite_per_file_and_a_failing_testcase_per_finding(cli, project) -> None:
    root = ET.fromstring(report_of(cli, project, "junit"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "3", "0")
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert sorted(suites) == ["k8s/clean.yaml", "k8s/odd,name:1.yaml", "k8s/web.yaml", "k8s/worker.yaml"]
    counts = {name: (s.get("tests"), s.get("failures")) for name, s in suites.items()}
    assert counts == {"k8s/clean.yaml": ("1", "0"), "k8s/odd,name:1.yaml": ("2", "2"), "k8s/web.yaml": ("1", "1"),
                      "k8s/worker.yaml": ("1", "0")}
    [clean] = suites["k8s/clean.yaml"].findall("testcase")
    assert clean.get("name") == "no problems" and list(clean) == []
    cases = [(c.get("classname"), c.get("name"), [(f.get("type"), f.get("message")) for f in c.findall("failure")])
             for c in suites["k8s/odd,name:1.yaml"].findall("testcase")]
    assert cases == [
        ("k8s/odd,name:1.yaml", "schema Service default/odd at 6:3", [("error", SCHEMA_MESSAGE)]),
        ("k8s/odd,name:1.yaml", "selector-no-match Service default/odd at 7:13", [("warning", SELECTOR_MESSAGE)]),
    ]
    [web_failure] = suites["k8s/web.yaml"].iter("failure")
    assert web_failure.text == (f"k8s/web.yaml:10:17: error[nodeport-out-of-range] {NODEPORT_MESSAGE} "
                                "(Service shop/web)")


def test_junit_reports_an_unparsable_file_as_a_failure_of_that_file(cli, tmp_path) -> None:
    (tmp_path / "broken.yaml").write_text("kind: Service\nmetadata: {name: x\n", encoding="utf-8")
    root = ET.fromstring(cli("--format", "junit", "broken.yaml", cwd=tmp_path).stdout)
    [case] = root.iter("testcase")
    assert case.get("name") == "invalid-yaml at 3:1"
    assert case.find("failure").get("type") == "error"


def test_junit_fails_only_findings_at_or_above_fail_on_and_shows_the_others(cli, project) -> None:
    focus = ("--select", "nodeport-out-of-range,exposed-nodeport,selectorless-without-endpoints")
    root = ET.fromstring(report_of(cli, project, "junit", "k8s/web.yaml", focus=focus))
    assert (root.get("tests"), root.get("failures")) == ("3", "1")
    cases = {case.get("name").split()[0]: case for case in root.iter("testcase")}
    assert [rule for rule, case in cases.items() if case.find("failure") is not None] == ["nodeport-out-of-range"]
    exposed = cases["exposed-nodeport"]
    assert exposed.find("failure") is None and exposed.find("skipped") is None
    assert exposed.find("system-out").text.startswith("k8s/web.yaml:7:9: info[exposed-nodeport] ")
    strict = ET.fromstring(report_of(cli, project, "junit", "--fail-on", "info", "k8s/web.yaml", focus=focus))
    assert strict.get("failures") == "3"


# GitHub

def test_github_workflow_commands_escape_properties_and_data(cli, project) -> None:
    assert report_of(cli, project, "github").splitlines() == [
        "::error file=k8s/odd%2Cname%3A1.yaml,line=6,col=3,title=svclint (schema)::"
        "k8s/odd,name:1.yaml:6:3: error[schema] unknown field `sel%0D%0Aector` in spec; "
        "did you mean `selector`? (Service default/odd)",
        "::warning file=k8s/odd%2Cname%3A1.yaml,line=7,col=13,title=svclint (selector-no-match)::"
        "k8s/odd,name:1.yaml:7:13: warning[selector-no-match] selector {app: 50%25&<x>} matches no pod "
        "template in namespace default (Service default/odd)",
        "::error file=k8s/web.yaml,line=10,col=17,title=svclint (nodeport-out-of-range)::"
        f"k8s/web.yaml:10:17: error[nodeport-out-of-range] {NODEPORT_MESSAGE} (Service shop/web)",
    ]


def test_info_findings_are_notices(cli, tmp_path) -> None:
    (tmp_path / "crd.yaml").write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x.example.com}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: op}\nspec:\n  selector: {app: op}\n"
        "  ports: [{port: 80}]\n---\n" + WORKER, encoding="utf-8")
    result = cli("--format", "github", "crd.yaml", cwd=tmp_path)
    assert result.stdout.startswith("::notice file=crd.yaml,line=9,col=13,title=svclint (selector-no-match)::")


def test_text_report_in_github_actions_annotates_each_finding_once(cli, project) -> None:
    plain = report_of(cli, project, "text", "k8s/web.yaml").splitlines()
    in_actions = cli(*FOCUS, "k8s/web.yaml", cwd=project, env={"GITHUB_ACTIONS": "true"})
    assert in_actions.returncode == 1
    lines = in_actions.stdout.splitlines()
    assert lines == [
        "::error file=k8s/web.yaml,line=10,col=17,title=svclint (nodeport-out-of-range)::" + plain[0],
        *plain[1:],
    ]
    assert lines[1] == "1 problem (1 error) in 1 file, 1 object"


# GitLab

def test_gitlab_code_quality_fields(cli, project) -> None:
    issues = json.loads(report_of(cli, project, "gitlab"))
    assert [{key: value for key, value in issue.items() if key != "fingerprint"} for issue in issues] == [
        # One line: the CR LF in the field name shown as escapes, as in the text report.
        {"description": SCHEMA_MESSAGE.replace("\r\n", "\\r\\n") + " (Service default/odd)",
         "check_name": "schema", "severity": "critical",
         "location": {"path": "k8s/odd,name:1.yaml", "lines": {"begin": 6}}},
        {"description": SELECTOR_MESSAGE + " (Service default/odd)", "check_name": "selector-no-match",
         "severity": "major", "location": {"path": "k8s/odd,name:1.yaml", "lines": {"begin": 7}}},
        {"description": NODEPORT_MESSAGE + " (Service shop/web)", "check_name": "nodeport-out-of-range",
         "severity": "critical", "location": {"path": "k8s/web.yaml", "lines": {"begin": 10}}},
    ]
    assert all(isinstance(issue["fingerprint"], str) and len(issue["fingerprint"]) == 64 for issue in issues)


def test_paths_are_relative_to_the_working_directory(cli, project) -> None:
    by_dot = json.loads(report_of(cli, project, "gitlab", "./k8s/web.yaml"))
    by_absolute = json.loads(report_of(cli, project, "gitlab", str(project / "k8s" / "web.yaml")))
    assert by_dot[0]["location"]["path"] == by_absolute[0]["location"]["path"] == "k8s/web.yaml"
    assert by_dot[0]["fingerprint"] == by_absolute[0]["fingerprint"]
