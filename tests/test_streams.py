"""The real CLI on streams and special files: each input is read exactly once, never
opened again or seeked, and a device that would never end is refused, not read."""

from __future__ import annotations

import json
import os
import resource
import shlex
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.test_cli import WORKER, write
from tests.test_context import DEPLOYMENT, SERVICE
from tests.test_context import LONELY as LONELY_SERVICE

# Every test runs the real command in a process (that is the point): the whole suite runs them.
pytestmark = pytest.mark.slow

HUNG = 30  # seconds: a run on a few lines that takes this long is blocked on a second open
# A Service that selects nothing, beside a workload: selectors are checked only where one is in sight.
LONELY = LONELY_SERVICE + "---\n" + WORKER
FINDING = "8:5: warning[selector-no-match]"


def svclint(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The real CLI, stopped (and the test failed) if it hangs; its memory is capped, so that
    a device read for ever fails the test rather than the machine."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    try:
        return subprocess.run([sys.executable, "-m", "svclint", *args], cwd=cwd, input=stdin, capture_output=True,
                              text=True, env=env, timeout=HUNG, preexec_fn=_cap_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"svclint {' '.join(args)} hung")


def _cap_memory() -> None:
    limit = 2 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def fifo_with(path: Path, text: str) -> threading.Thread:
    """A named pipe at `path` that one writer fills once: a second open would wait for ever."""
    os.mkfifo(path)
    writer = threading.Thread(target=_write_once, args=(path, text), daemon=True)
    writer.start()
    return writer


def _write_once(path: Path, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError:  # the test is over and the pipe is gone
        pass


def private_device(tmp_path: Path, name: str, major: int, minor: int) -> Path:
    """A character device node of our own (never the machine's), or the test is skipped."""
    import stat

    path = tmp_path / name
    try:
        os.mknod(path, 0o644 | stat.S_IFCHR, os.makedev(major, minor))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node: {exc}")
    return path


# A cross-object finding (located by composing the document again) on an ASCII stream.

def test_process_substitution_is_read_once(tmp_path) -> None:
    write(tmp_path, "svc.yaml", LONELY)
    write(tmp_path, "deploy.yaml", "---\n" + DEPLOYMENT)
    command = f"{shlex.quote(sys.executable)} -m svclint <(cat svc.yaml deploy.yaml)"
    result = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "NO_COLOR": "1"}, timeout=HUNG)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert f":{FINDING}" in result.stdout.splitlines()[0]
    assert result.stdout.startswith("/dev/fd/")


def test_dev_stdin_from_a_pipe_is_read_once(tmp_path) -> None:
    result = svclint("/dev/stdin", cwd=tmp_path, stdin=LONELY + "---\n" + DEPLOYMENT)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(f"/dev/stdin:{FINDING}")
    assert result.stderr == ""


def test_a_named_fifo_with_a_cross_object_finding_is_read_once(tmp_path) -> None:
    fifo_with(tmp_path / "rendered.yaml", LONELY)
    result = svclint("rendered.yaml", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(f"rendered.yaml:{FINDING}")


def test_a_named_fifo_holding_a_policy_is_read_once(tmp_path) -> None:
    from tests.test_policies import service, simple_policy

    fifo_with(tmp_path / "all.yaml", simple_policy("no-nodeport", "object.spec.type != 'NodePort'")
              + "---\n" + service(type_="NodePort"))
    result = svclint("all.yaml", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "policy:no-nodeport" in [f["rule"] for f in json.loads(result.stdout)["findings"]]


def test_a_fifo_as_context_is_read_once_with_the_cache_on(tmp_path) -> None:
    write(tmp_path, "svc.yaml", SERVICE)
    for run in range(2):  # cold, then warm cache
        fifo_with(tmp_path / f"deploy{run}.yaml", DEPLOYMENT)
        result = svclint("--context", f"deploy{run}.yaml", "svc.yaml", cwd=tmp_path)
        assert (result.returncode, result.stdout.strip()) == (0, "No problems in 1 file, 1 object"), result.stderr
    assert (tmp_path / ".svclint_cache").is_dir()


@pytest.mark.parametrize("option", ["--config", "--baseline"])
def test_a_fifo_as_config_or_baseline_is_read_once(tmp_path, option) -> None:
    write(tmp_path, "svc.yaml", LONELY)
    content = "fail-on: error\n" if option == "--config" else '{"svclint-baseline": 1, "findings": []}\n'
    fifo_with(tmp_path / "settings.yaml", content)
    result = svclint(option, "settings.yaml", "svc.yaml", cwd=tmp_path)
    assert result.returncode == (0 if option == "--config" else 1), result.stderr
    assert f"svc.yaml:{FINDING}" in result.stdout


@pytest.mark.parametrize("option", ["--config", "--baseline", "--context"])
def test_a_device_as_config_baseline_or_context_is_refused(tmp_path, option) -> None:
    zero = private_device(tmp_path, "zero.yaml", 1, 5)  # like /dev/zero: reading it never ends
    write(tmp_path, "svc.yaml", LONELY)
    result = svclint(option, "zero.yaml", "svc.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "zero.yaml" in result.stderr and "not a regular file" in result.stderr, result.stderr
    assert "internal error" not in result.stderr
    assert zero.exists()
