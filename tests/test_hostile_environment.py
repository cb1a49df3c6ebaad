"""Nothing lost, nothing hung, no traceback: svclint where its environment is hostile.

File names that look like options, a stdout that is full or closed, configuration and
baselines of the wrong shape, a bug in svclint itself, a --select that would hide a file
nobody could read, manifest text aimed at the CI log, and git repositories with
submodules and odd file names.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from svclint.cli.main import main
from tests.conftest import REPO, run_cli
from tests.test_cli import BAD_NODEPORT, CLEAN, WORKER, write
from tests.test_context import DEPLOYMENT, SERVICE

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}


def git(root: Path, *args: str) -> None:
    env = {**os.environ, **GIT_ENV}
    env.pop("GIT_DIR", None)
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def svclint_process(*args: str, cwd: Path, stdout: int) -> subprocess.CompletedProcess:
    """The real CLI writing to `stdout` (a file descriptor), its stderr captured."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "svclint", *args], cwd=cwd, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, env=env, timeout=120)


# 3. File names are never options

@pytest.mark.slow
def test_hook_args_end_with_double_dash_so_a_file_named_like_an_option_is_linted(tmp_path) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["svclint", "svclint-fix"]
    git(tmp_path, "init", "-q")
    write(tmp_path, "--output=victim.yaml", BAD_NODEPORT)
    write(tmp_path, "web.yaml", CLEAN)
    git(tmp_path, "add", "--", "--output=victim.yaml", "web.yaml")
    for hook in hooks:
        assert hook["args"][-1] == "--"
        # As pre-commit runs the hook: entry, args, then the changed files.
        result = run_cli(*hook["args"], "--output=victim.yaml", "web.yaml", cwd=tmp_path)
        assert "--output=victim.yaml:9:17: error[nodeport-out-of-range]" in result.stdout, result.stderr
        assert result.returncode == 1
        assert not (tmp_path / "victim.yaml").exists()
    by_hand = run_cli("--", "--output=victim.yaml", cwd=tmp_path)
    assert "--output=victim.yaml:9:17: error[nodeport-out-of-range]" in by_hand.stdout
    assert not (tmp_path / "victim.yaml").exists()


# 4. Every failure is a message

@pytest.mark.slow
@pytest.mark.parametrize("args", [("k8s",), ("rules",)], ids=["report", "rules-command"])
def test_a_full_stdout_is_one_line_and_exit_2(tmp_path, args) -> None:
    write(tmp_path, "k8s/web.yaml", BAD_NODEPORT)
    with open("/dev/full", "w") as full:
        result = svclint_process(*args, cwd=tmp_path, stdout=full.fileno())
    assert result.stderr == "svclint: error: cannot write to stdout: No space left on device\n"
    assert result.returncode == 2


@pytest.mark.slow
@pytest.mark.parametrize("args, status", [(("k8s",), 1), (("rules",), 0), (("explain", "SVC101"), 0)],
                         ids=["report", "rules-command", "explain-command"])
def test_a_closed_pipe_ends_the_run_quietly(tmp_path, args, status) -> None:
    write(tmp_path, "k8s/web.yaml", BAD_NODEPORT)
    read_end, write_end = os.pipe()
    os.close(read_end)  # `| head -c1` that has already left: every write is EPIPE
    try:
        result = svclint_process(*args, cwd=tmp_path, stdout=write_end)
    finally:
        os.close(write_end)
    assert result.stderr == ""
    assert result.returncode == status  # the run's own status, as when the reader had stayed


@pytest.mark.parametrize("name, text, message", [
    ("pyproject.toml", '[tool]\nname = "x"\nsvclint = "strict"\n',
     "pyproject.toml:3: tool.svclint: expected a table of settings ([tool.svclint]), got the text 'strict'"),
    ("pyproject.toml", "[project]\nname = 'x'\n\n[[tool.svclint]]\nfail-on = 'error'\n",
     "pyproject.toml:4: tool.svclint: expected a table of settings ([tool.svclint]), got a list"),
    ("pyproject.toml", "tool.svclint = 3\n",
     "pyproject.toml:1: tool.svclint: expected a table of settings ([tool.svclint]), got the value 3"),
    (".svclint.yaml", "# settings\n- fail-on\n- error\n",
     ".svclint.yaml:2: expected a mapping of settings (key: value lines), got a list"),
    (".svclint.yaml", "strict\n", ".svclint.yaml:1: expected a mapping of settings (key: value lines), "
                                  "got the text 'strict'"),
    (".svclint.yaml", "target: kind\nseverity: [SVC1]\n",
     ".svclint.yaml:2: severity: expected a mapping of rule to error, warning or info, got ['SVC1']"),
    (".svclint.yaml", "per-file-ignores:\n  '*.yaml': {a: 1}\n",
     ".svclint.yaml:1: per-file-ignores.*.yaml: expected a string or a list of strings, got {'a': 1}"),
], ids=["tool-svclint-text", "tool-svclint-array", "tool-svclint-number", "yaml-list", "yaml-scalar",
        "key-of-wrong-type", "nested-key-of-wrong-type"])
def test_configuration_of_the_wrong_shape_names_file_line_and_key(tmp_path, monkeypatch, capsys,
                                                                  name, text, message) -> None:
    write(tmp_path, name, text)
    write(tmp_path, "web.yaml", CLEAN)
    monkeypatch.chdir(tmp_path)
    assert main(["web.yaml"]) == 2
    assert capsys.readouterr().err == f"svclint: error: {message}\n"


@pytest.mark.parametrize("content", [
    b"[1]",
    b"not json",
    b"\xff\xfe",
    b'{"svclint-baseline": 1, "findings": [{"rule": ["nodeport-out-of-range"]}]}',
    b'{"svclint-baseline": 1, "findings": [{"rule": "x", "file": {"a": 1}}]}',
    b"[" * 100_000,
], ids=["list", "not-json", "not-utf8", "rule-is-a-list", "file-is-a-mapping", "nested-too-deep"])
def test_a_baseline_of_the_wrong_shape_is_a_usage_error(tmp_path, capsys, content) -> None:
    (tmp_path / "baseline.json").write_bytes(content)
    web = write(tmp_path, "web.yaml", BAD_NODEPORT)
    assert main(["--baseline", str(tmp_path / "baseline.json"), str(web)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"svclint: error: {tmp_path / 'baseline.json'}: not a svclint baseline"), err
    assert err.count("\n") == 1


def _boom(*args, **kwargs):
    raise RuntimeError("boom")


# Where a bug can strike: checking a file (per-object), the cross-object rules on a
# reported file, reading a context file; in this process and in worker processes.
FAILURE_POINTS = [
    pytest.param("svclint.check.checkfile.facts_of", "web.yaml", (), id="checking-a-file"),
    pytest.param("svclint.check.checkfile.facts_of", "web.yaml", ("--jobs", "2"), id="in-a-worker"),
    pytest.param("svclint.check.engine._located", "web.yaml", (), id="cross-object-rules"),
    pytest.param("svclint.check.engine.context_facts", "context.yaml", ("--context", "context.yaml"),
                 id="reading-a-context-file"),
]


@pytest.mark.parametrize("target, culprit, options", FAILURE_POINTS)
def test_an_internal_error_is_one_line_naming_the_file_and_exit_2(tmp_path, monkeypatch, capsys,
                                                                 target, culprit, options) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SVCLINT_DEBUG", raising=False)
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    write(tmp_path, "other.yaml", CLEAN)
    write(tmp_path, "context.yaml", DEPLOYMENT)
    monkeypatch.setattr(target, _boom)
    assert main([*options, "--no-cache", "web.yaml", "other.yaml"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines() == [
        f"svclint: internal error while reading {culprit}: RuntimeError: boom",
        "svclint: run with --debug (or SVCLINT_DEBUG=1) for the traceback, and report it as a bug",
    ]


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_debug_shows_the_traceback(tmp_path, monkeypatch, capsys, how) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    monkeypatch.setattr("svclint.check.checkfile.facts_of", _boom)
    if how == "environment":
        monkeypatch.setenv("SVCLINT_DEBUG", "1")
    assert main(["--debug", "web.yaml"] if how == "flag" else ["web.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("svclint: internal error while reading web.yaml: RuntimeError: boom\nTraceback")
    assert 'raise RuntimeError("boom")' in err


# 8. --select never hides broken input

BROKEN_FILES = {
    "broken.yaml": "kind: Service\nmetadata: {name: x\n",  # invalid-yaml at 3:1
    "deep.yaml": "a: " + "[" * 150 + "]" * 150 + "\n",  # document-too-complex at 1:103
}
BROKEN_FINDINGS = ["broken.yaml:3:1: error[invalid-yaml]", "deep.yaml:1:103: error[document-too-complex]"]


@pytest.mark.parametrize("options, config", [
    (("--select", "SVC1"), ""),
    (("--select", "selector-no-match"), ""),
    (("--ignore", "SVC0,invalid-yaml,document-too-complex"), ""),
    ((), "ignore: [SVC]\n"),
    ((), "per-file-ignores: {'*.yaml': [SVC]}\n"),
    ((), "severity: {SVC0: info}\n"),
], ids=["select-prefix", "select-slug", "ignore", "config-ignore", "per-file-ignores", "severity"])
def test_broken_input_is_reported_whatever_the_selection(cli, tmp_path, options, config) -> None:
    for name, text in BROKEN_FILES.items():
        write(tmp_path, f"k8s/{name}", text)
    write(tmp_path, "k8s/clean.yaml", CLEAN)
    write(tmp_path, ".svclint.yaml", config)
    result = cli(*options, "k8s", cwd=tmp_path)
    lines = result.stdout.splitlines()
    for expected in BROKEN_FINDINGS:
        assert any(line.startswith(f"k8s/{expected}") for line in lines), result.stdout
    assert result.returncode == 1


def test_a_suppression_comment_does_not_hide_broken_input(cli, tmp_path) -> None:
    write(tmp_path, "broken.yaml", "# svclint: disable-file=invalid-yaml\nkind: Service\nmetadata: {name: x\n")
    result = cli("broken.yaml", cwd=tmp_path)
    assert "broken.yaml:4:1: error[invalid-yaml]" in result.stdout
    assert result.returncode == 1


# 9. Safe annotations in CI

# A label value written to drive a CI log: an ANSI colour, a new workflow command after a
# line break, GitHub's `%` escape, a right-to-left override and the other bidi controls.
HOSTILE_VALUE = "x\\e[31m::error::pwned\\r\\n::warning file=a::y%0A\\u202e\\u2066\\u200f%"
HOSTILE = f"""\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {{app: "{HOSTILE_VALUE}"}}
  ports: [{{port: 80}}]
---
{WORKER}"""
RAW_CONTROLS = ["\x1b", "\r", "\u202e", "\u2066", "\u200f"]


def test_github_annotations_carry_no_raw_control_or_bidi_character(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", HOSTILE)
    result = cli("--format", "github", "web.yaml", cwd=tmp_path)
    lines = result.stdout.split("\n")[:-1]
    assert len(lines) == 2  # selector-no-match and label-invalid: one command each, nothing more
    assert all(line.startswith(("::error file=web.yaml,", "::warning file=web.yaml,")) for line in lines)
    assert not [c for c in RAW_CONTROLS if c in result.stdout]
    [selector] = [line for line in lines if "selector-no-match" in line]
    assert ("selector {app: x\\x1b[31m::error::pwned%0D%0A::warning file=a::y%250A\\u202e\\u2066\\u200f%25}"
            in selector)


@pytest.mark.parametrize("env, shown", [
    ({}, "x\\x1b[31m::error::pwned\\r\\n::warning file=a::y%0A\\u202e\\u2066\\u200f%"),
    # Inside GitHub Actions each finding is a workflow command: line breaks and % escaped as such.
    ({"GITHUB_ACTIONS": "true"}, "x\\x1b[31m::error::pwned%0D%0A::warning file=a::y%250A\\u202e\\u2066\\u200f%25"),
], ids=["terminal", "in-actions"])
def test_text_report_shows_escapes_and_bidi_controls_as_escapes(cli, tmp_path, env, shown) -> None:
    write(tmp_path, "web.yaml", HOSTILE)
    result = cli("web.yaml", cwd=tmp_path, env=env)
    assert not [c for c in RAW_CONTROLS if c in result.stdout]
    assert f"selector {{app: {shown}}}" in result.stdout


def test_gitlab_descriptions_are_one_line_without_controls(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", HOSTILE)
    issues = json.loads(cli("--format", "gitlab", "web.yaml", cwd=tmp_path).stdout)
    assert issues and all(
        not [c for c in [*RAW_CONTROLS, "\n"] if c in issue["description"]] for issue in issues)


def test_notes_and_errors_on_stderr_show_a_file_name_escaped(cli, tmp_path) -> None:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "x\n::error::pwned\u202e.yaml").symlink_to(tmp_path / "missing")
    result = cli("k8s", cwd=tmp_path)
    assert result.stderr == ("svclint: info: k8s/x\\n::error::pwned\\u202e.yaml: skipped a broken symbolic link\n"
                             "svclint: warning: no Kubernetes manifest found in k8s (no .yaml, .yml or .json file)\n")


# 10. Git context includes submodules

def test_git_context_lists_submodules_and_odd_file_names(cli, tmp_path) -> None:
    sub, project = tmp_path / "sub", tmp_path / "project"
    sub.mkdir()
    project.mkdir()
    git(sub, "init", "-q")
    write(sub, "deploy/vendored.yaml", DEPLOYMENT.replace("web", "vendored"))
    git(sub, "add", "-A")
    git(sub, "commit", "-q", "-m", "vendored manifests")
    git(project, "init", "-q")
    git(project, "-c", "protocol.file.allow=always", "submodule", "add", "-q", "../sub", "sub")
    names = {"with space": "with space.yaml", "newline": "new\nline.yaml",
             "not-utf8": os.fsdecode(b"\xff\xfe.yaml")}
    for app, name in names.items():
        app = app.replace(" ", "-")
        (project / name).write_bytes(DEPLOYMENT.replace("web", app).encode())
    services = [SERVICE.replace("web", app.replace(" ", "-")) for app in [*names, "vendored"]]
    write(project, "services.yaml", "---\n".join(services))
    git(project, "add", "-A")
    result = cli("--context", "git", "services.yaml", cwd=project)
    assert "selector-no-match" not in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    alone = cli("services.yaml", cwd=project)  # no workload in sight: selectors are not checked
    assert "selector-no-match" not in alone.stdout
    assert "svclint: info: selectors of 4 Services not checked (selector-no-match)" in alone.stderr
