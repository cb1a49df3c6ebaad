"""--jobs: files checked in worker processes give exactly the report of one process.

The tests on the generated project of 300 documents fork workers and take seconds: they are
marked slow (`pytest -m "not slow"` leaves them out).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from svclint.check import engine, parallel
from svclint.check.checkfile import FileResult
from svclint.check.engine import lint_paths, selected_rules
from svclint.check.finding import Finding
from svclint.check.settings import Settings
from svclint.model.facts import FactPlan
from tests.conftest import REPO, run_cli
from tests.test_cli import BAD_NODEPORT


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A generated project of many files, plus the examples (which have findings of every rule)."""
    root = tmp_path_factory.mktemp("project")
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "--documents", "300", str(root / "gen")],
                   check=True, capture_output=True)
    shutil.copytree(REPO / "examples", root / "examples")
    return root


@pytest.mark.slow
def test_same_report_with_one_and_two_jobs(cli, project) -> None:
    one = cli("--format", "json", "--jobs", "1", ".", cwd=project)
    two = cli("--format", "json", "--jobs", "2", ".", cwd=project)
    assert one.returncode == two.returncode == 1
    assert two.stdout == one.stdout
    assert one.stdout.count('"rule"') >= 4
    text_one = cli("--jobs", "1", ".", cwd=project)
    assert cli("--jobs", "2", ".", cwd=project).stdout == text_one.stdout
    assert cli(".", cwd=project).stdout == text_one.stdout  # the default number of jobs


@pytest.mark.slow
def test_stdin_is_read_by_the_parent_with_two_jobs() -> None:
    # The real command: forked workers inherit the file descriptor of the real stdin.
    one = run_cli("--format", "json", "--jobs", "1", "-", "examples", cwd=REPO, stdin=BAD_NODEPORT)
    two = run_cli("--format", "json", "--jobs", "2", "-", "examples", cwd=REPO, stdin=BAD_NODEPORT)
    assert two.returncode == 1
    assert two.stdout == one.stdout
    assert '"file": "<stdin>"' in two.stdout


def test_an_unreadable_file_in_a_worker_is_one_error_line(cli, project, tmp_path) -> None:
    shutil.copytree(project / "gen", tmp_path / "gen")
    # Listed as a regular file, but its first page cannot be read, even by root (Linux /proc).
    (tmp_path / "gen" / "zz-mem.yaml").symlink_to("/proc/self/mem")
    result = cli("--jobs", "2", "gen", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "svclint: error: gen/zz-mem.yaml: cannot read: Input/output error"
    ]
    assert result.stdout == ""


@pytest.mark.parametrize("value", ["0", "-1", "two", ""])
def test_jobs_must_be_a_positive_number(cli, tmp_path, value) -> None:
    (tmp_path / "svc.yaml").write_text(BAD_NODEPORT)
    result = cli("--jobs", value, "svc.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "--jobs" in result.stderr and "positive" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="the patched function reaches only forked workers")
def test_files_are_checked_in_worker_processes(project, monkeypatch) -> None:
    original = parallel.check_file

    def tagged(path: str, settings: Settings, rules, policies) -> FileResult:
        result = original(path, settings, rules, policies)
        result.path = f"{os.getpid()}:{result.path}"
        return result

    monkeypatch.setattr(parallel, "check_file", tagged)  # inherited by the forked workers
    files = sorted(str(p) for p in (project / "gen").rglob("*.yaml"))
    settings = Settings()
    results = parallel.check_files(files, settings, selected_rules(settings), workers=2)
    pids = {int(r.path.split(":", 1)[0]) for r in results}
    assert os.getpid() not in pids
    assert [r.path.split(":", 1)[1] for r in results] == files  # in the order given


def test_without_jobs_small_inputs_stay_in_one_process(tmp_path) -> None:
    def sized(name: str, size: int) -> str:
        path = tmp_path / name
        path.touch()
        os.truncate(path, size)
        return str(path)

    small = [sized("a.yaml", 1000), sized("b.yaml", 2000)]
    big = [sized(f"big{n}.yaml", parallel.MIN_BYTES_PER_WORKER) for n in range(3)]
    assert parallel.worker_count(small, None) == 1
    assert parallel.worker_count(small + ["-"], None) == 1
    assert parallel.worker_count(big, None) == min(3, parallel.default_jobs())
    assert parallel.worker_count(big, 2) == 2
    assert parallel.worker_count(big[:1], 4) == 1  # one file cannot be split
    assert parallel.worker_count(["-"] + big[:1], 4) == 1  # stdin is read by the parent


@pytest.mark.slow
@pytest.mark.skipif(not parallel.FORKS, reason="the patched function reaches only forked workers")
def test_cross_object_rules_run_in_forked_workers(project, monkeypatch) -> None:
    settings = Settings()
    alone = lint_paths([str(project)], settings, jobs=1).findings
    original = engine._findings_in_file

    def tagged(run, path) -> list[Finding]:
        return [dataclasses.replace(f, message=f"{os.getpid()}:{f.message}") for f in original(run, path)]

    monkeypatch.setattr(engine, "_findings_in_file", tagged)  # inherited by the forked workers
    in_workers = lint_paths([str(project)], settings, jobs=2).findings
    tagged_findings = [f for f in in_workers if f.message.split(":", 1)[0].isdigit()]
    assert {f.rule for f in tagged_findings} >= {"selector-no-match", "target-port-unresolved", "nodeport-conflict"}
    assert os.getpid() not in {int(f.message.split(":", 1)[0]) for f in tagged_findings}
    untagged = [dataclasses.replace(f, message=f.message.split(":", 1)[1]) if f in tagged_findings else f
                for f in in_workers]
    assert sorted(untagged, key=Finding.sort_key) == alone


@pytest.mark.skipif(not parallel.FORKS, reason="the patched function reaches only forked workers")
def test_context_files_are_parsed_in_worker_processes(project, monkeypatch) -> None:
    files = sorted(str(p) for p in (project / "gen").rglob("*.yaml"))
    settings = Settings()  # no cache directory: every file is parsed
    alone = engine.read_context(files, settings, jobs=1)
    original = engine._parse_context_file

    def tagged(plan: FactPlan, item: tuple[str, bytes | None]) -> tuple[FileResult, str]:
        result, digest = original(plan, item)
        result.path = f"{os.getpid()}:{result.path}"
        return result, digest

    monkeypatch.setattr(engine, "_parse_context_file", tagged)  # inherited by the forked workers
    in_workers = engine.read_context(files, settings, jobs=2)
    assert os.getpid() not in {int(r.path.split(":", 1)[0]) for r in in_workers}
    assert [r.path.split(":", 1)[1] for r in in_workers] == files
    assert [r.objects for r in in_workers] == [r.objects for r in alone]
    assert sum(len(r.objects) for r in alone) >= 300


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="waits through Linux /proc for the workers")
def test_ctrl_c_during_jobs_exits_130_at_once_and_leaves_no_process(tmp_path) -> None:
    """Ctrl-C reaches the whole foreground process group, workers included, as a terminal sends it."""
    (tmp_path / "a.yaml").write_text(BAD_NODEPORT, encoding="utf-8")
    os.mkfifo(tmp_path / "blocked.yaml")  # nobody writes: the worker that opens it waits there
    process = subprocess.Popen([sys.executable, "-m", "svclint", "--jobs", "2", "a.yaml", "blocked.yaml"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while not _waiting_on_a_fifo(process.pid):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert (process.returncode, stdout) == (130, "")
    assert stderr.endswith("svclint: interrupted\n") and "Traceback" not in stderr
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):  # no worker outlived the run
        os.killpg(process.pid, 0)


def _waiting_on_a_fifo(parent: int) -> bool:
    """Whether a child of `parent` is blocked opening the FIFO (the workers have started)."""
    children = Path(f"/proc/{parent}/task/{parent}/children")
    for child in children.read_text().split() if children.exists() else []:
        try:
            if Path(f"/proc/{child}/wchan").read_text() in ("wait_for_partner", "fifo_open"):
                return True
        except OSError:
            continue
    return False
