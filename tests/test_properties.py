"""Property-based: generated YAML and mutated real manifests through the whole CLI.

Whatever the file holds, `svclint` exits 0 or 1 (1 exactly when something at or above the
failure threshold was found), prints one line per finding plus a summary, or valid JSON of
the documented shape, and every position lies inside the file. Most examples call `main()`
in-process for speed; a few run the real command in a subprocess.

Each property runs twice: a short run in the inner loop (`pytest -m "not slow"`) and the long
run, marked slow, in the whole suite.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svclint.check.registry import load_rules
from svclint.cli.main import main
from tests.conftest import REPO, run_cli

SEEDS = sorted({p.read_text("utf-8") for p in (REPO / "examples").rglob("*.yaml")}
               | {e.text for rule in load_rules().values() for e in rule.examples})
FRAGMENTS = ["---\n", "\n", "- ", ": ", "? ", "{", "}", "[", "]", ", ", "&a ", "*a", "<<: *a", "!!int ",
             "!!binary ", "!!python/object/apply:os.system ", "!x ", "|\n", ">-\n", '"', "'", "#", "\t", "\x00",
             "\ufeff", "~", "0x1F", "1:30", ".inf", "apiVersion: v1\n", "kind: Service\n", "kind: List\n",
             "items:\n", "metadata:\n", "  name: ", "spec:\n", "  type: NodePort\n", "  selector:\n",
             "    app: ", "  ports:\n", "    - port: ", "      nodePort: ", "9" * 40]
FINDING_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning|info)"
                          r"\[(?P<rule>[a-z0-9-]+)\] .+$")
SUMMARY_LINE = re.compile(r"^(No problems|\d+ problems? \([^)]+\))(, \d+ (warning|info)s?)* in 1 file, \d+ objects?"
                          r"(; target: kind \(from manifest\.yaml\))?$")
PROPERTY_SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
QUICK_SETTINGS = settings(PROPERTY_SETTINGS, max_examples=15)


@st.composite
def mutated_manifests(draw) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        operation = draw(st.sampled_from(["insert", "delete", "duplicate-line", "reindent"]))
        if operation == "insert":
            fragment = draw(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)))
            text = text[:at] + fragment + text[at:]
        elif operation == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        else:
            start, end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
            line = text[start:] if end < 0 else text[start:end + 1]
            replacement = line * 2 if operation == "duplicate-line" else " " * draw(st.integers(0, 6)) + line.lstrip(" ")
            text = text[:start] + replacement + text[start + len(line):]
    return text


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)
OBJECTS = st.fixed_dictionaries({
    "apiVersion": st.sampled_from(["v1", "apps/v1", "kind.x-k8s.io/v1alpha4", 1, None, ["v1"]]),
    "kind": st.sampled_from(["Service", "Deployment", "Pod", "List", "Cluster", "", 3, ["Service"]]),
    "metadata": st.one_of(VALUES, st.fixed_dictionaries({"name": VALUES, "labels": VALUES})),
    "spec": st.one_of(VALUES, st.fixed_dictionaries(
        {"type": st.sampled_from(["NodePort", "LoadBalancer", "ExternalName", 7]), "selector": VALUES,
         "ports": st.lists(st.dictionaries(st.sampled_from(["port", "nodePort", "name", "targetPort"]), VALUES))})),
    "items": VALUES,
})
GENERATED_YAML = st.lists(st.one_of(OBJECTS, VALUES), min_size=1, max_size=4).map(
    lambda documents: yaml.safe_dump_all(documents, sort_keys=False))
ANY_TEXT = st.one_of(mutated_manifests(), GENERATED_YAML, st.text(max_size=200))


def lint_in_process(text: str, *options: str) -> tuple[int, str, str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "manifest.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            status = main([*options, str(path)])
    return status, stdout.getvalue().replace(str(path), "manifest.yaml"), stderr.getvalue().replace(str(path), "manifest.yaml")


def assert_inside(text: str, line: int, column: int) -> None:
    lines = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace").split("\n")
    assert 1 <= line <= len(lines) + 1, (line, len(lines))
    assert 1 <= column <= (len(lines[line - 1]) if line <= len(lines) else 0) + 2, (line, column)


def check_json_report(text: str) -> None:
    status, stdout, stderr = lint_in_process(text, "--format", "json")
    report = json.loads(stdout)
    lines = [line for line in stderr.splitlines() if not line.startswith("svclint: info: ")]  # notes
    nothing = not report["findings"] and not report["summary"]["objects"]
    warned = (len(lines) == 1 and lines[0].startswith("svclint: warning: no Kubernetes manifest found in ")
              and lines[0].endswith(" (1 file read, none holds a Kubernetes object)"))
    assert warned if nothing else lines == [], stderr
    assert set(report) == {"findings", "summary"}
    assert status == (1 if any(f["severity"] in ("error", "warning") for f in report["findings"]) else 0)
    for finding in report["findings"]:
        assert finding["rule"] in load_rules()
        assert_inside(text, finding["line"], finding["column"])


def check_text_report(text: str) -> None:
    status, stdout, _ = lint_in_process(text, "--fail-on", "error")
    lines = stdout.split("\n")[:-1]
    if lines[-1].startswith("Run `svclint explain"):  # a hint after the summary when something was found
        lines.pop()
    *findings, summary = lines
    assert SUMMARY_LINE.match(summary), summary
    parsed = [FINDING_LINE.match(line) for line in findings]
    assert all(parsed), findings
    assert status == (1 if any(m["severity"] == "error" for m in parsed) else 0)


@QUICK_SETTINGS
@given(ANY_TEXT)
def test_json_report_is_valid_and_consistent_with_the_exit_status(text: str) -> None:
    check_json_report(text)


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(ANY_TEXT)
def test_json_report_is_valid_and_consistent_with_the_exit_status_long(text: str) -> None:
    check_json_report(text)


@QUICK_SETTINGS
@given(ANY_TEXT)
def test_text_report_is_one_line_per_finding_and_a_summary(text: str) -> None:
    check_text_report(text)


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(ANY_TEXT)
def test_text_report_is_one_line_per_finding_and_a_summary_long(text: str) -> None:
    check_text_report(text)


@pytest.mark.slow  # a subprocess per example
@settings(max_examples=6, deadline=None)
@given(ANY_TEXT)
def test_the_real_command_agrees(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "manifest.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        result = run_cli("--format", "json", "manifest.yaml", cwd=Path(folder))
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr == lint_in_process(text, "--format", "json")[2]  # notes and warnings alike
    assert (result.returncode, json.loads(result.stdout)) == (
        lambda status, out, _: (status, json.loads(out)))(*lint_in_process(text, "--format", "json"))
