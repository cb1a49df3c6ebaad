from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

import svclint
from svclint.check.engine import Report
from svclint.cli.main import main
from tests.snapshots import Snapshots

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "real"


def pytest_configure(config: pytest.Config) -> None:
    """Temporary files (tmp_path, tempfile) in memory where the system has a RAM disk: the
    suite writes a few thousand small files, and on a busy disk their open() calls took more
    time than the linting (test_wrong_types.py: 33 s in /tmp, 13 s in /dev/shm). --basetemp,
    TMPDIR or PYTEST_DEBUG_TEMPROOT, when given, are obeyed."""
    chosen = config.option.basetemp or os.environ.get("TMPDIR") or os.environ.get("PYTEST_DEBUG_TEMPROOT")
    if not chosen and os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK | os.X_OK):
        tempfile.tempdir = "/dev/shm"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-snapshots", action="store_true",
                     help="rewrite tests/snapshots/ with what the code produces now (review the diff)")


@pytest.fixture
def snapshot(request: pytest.FixtureRequest) -> Snapshots:
    """`snapshot("name.txt", text)`: compares `text` with tests/snapshots/<test module>/name.txt."""
    return Snapshots(REPO / "tests" / "snapshots" / request.module.__name__.rpartition(".")[2],
                     update=request.config.getoption("--update-snapshots"))


def lint_text(tmp_path: Path, text: str, name: str = "manifest.yaml", **settings) -> Report:
    """Writes `text` to a real file and lints it with `settings` (config-key spelling)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return svclint.lint([str(path)], {key.replace("_", "-"): value for key, value in settings.items()})


def problems(report: Report, rule: str | None = None) -> list[tuple[int, int, str]]:
    return [(f.line, f.column, f.rule) for f in report.findings if rule in (None, f.rule)]


@dataclass
class Run:
    """What a run of the command gave: as subprocess.CompletedProcess has it."""

    returncode: int
    stdout: str
    stderr: str


def command_environment(env: dict[str, str] | None) -> dict[str, str]:
    # GITHUB_ACTIONS is dropped so that the text report is plain even when the tests run in Actions.
    inherited = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    return {**inherited, "NO_COLOR": "1", "COLUMNS": "80", **(env or {})}


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real command in a subprocess (~0.3 s each): for what only a process shows, such as exit
    statuses, the standard streams, signals and the installed entry point."""
    return subprocess.run(
        [sys.executable, "-m", "svclint", *args],
        cwd=cwd, input=stdin, capture_output=True, text=True, env=command_environment(env), timeout=120,
    )


@contextlib.contextmanager
def _as_a_process(cwd: Path | None, stdin: str | None, env: dict[str, str] | None) -> Iterator[None]:
    """The working directory, environment and stdin of a command run, for the time of an in-process call."""
    saved_cwd, saved_env, saved_stdin = os.getcwd(), dict(os.environ), sys.stdin
    try:
        os.environ.clear()
        os.environ.update(command_environment(env))
        if cwd is not None:
            os.chdir(cwd)
        sys.stdin = io.TextIOWrapper(io.BytesIO((stdin or "").encode("utf-8")), encoding="utf-8")
        yield
    finally:
        sys.stdin = saved_stdin
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def run_main(*args: str, cwd: Path | None = None, stdin: str | None = None,
             env: dict[str, str] | None = None) -> Run:
    """`svclint ARGS...` in this process, through main(): the same arguments, working directory,
    stdin and environment as run_cli, the same Run back, in milliseconds. An exception is not
    a traceback on stderr here but fails the test."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with _as_a_process(cwd, stdin, env), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(list(args))
    return Run(status, stdout.getvalue(), stderr.getvalue())


@pytest.fixture
def cli():
    """The command in-process (run_main); tests of the process itself use run_cli."""
    return run_main
