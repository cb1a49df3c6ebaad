"""The command on paths that are not plain readable files: never a hang or a traceback.

In-process (run_main), but for the permission test, which runs the real command as another user."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import run_main
from tests.test_cli import BAD_NODEPORT


@contextlib.contextmanager
def unblocked_after(seconds: float, fifo: Path) -> Iterator[list[bool]]:
    """Should the run open `fifo` for reading and hang, a writer comes after `seconds` to end the
    hang (the test then fails rather than waits forever); yields [whether it had to]."""
    came = [False]

    def writer() -> None:
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # succeeds only if a reader waits
            came[0] = True
        except OSError:
            pass

    timer = threading.Timer(seconds, writer)
    timer.start()
    try:
        yield came
    finally:
        timer.cancel()


def test_a_fifo_inside_a_walked_directory_is_not_read(tmp_path) -> None:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "web.yaml").write_text(BAD_NODEPORT)
    os.mkfifo(tmp_path / "k8s" / "pipe.yaml")  # opening it would block: no writer ever comes
    with unblocked_after(30, tmp_path / "k8s" / "pipe.yaml") as hung:
        result = run_main("--select", "nodeport-out-of-range", "k8s", cwd=tmp_path)
    assert hung == [False]
    assert result.returncode == 1
    assert "1 problem (1 error) in 1 file, 1 object" in result.stdout.splitlines()


def test_symbolic_link_loops_and_broken_links_do_not_stop_the_walk(tmp_path) -> None:
    root = tmp_path / "k8s"
    (root / "sub").mkdir(parents=True)
    (root / "web.yaml").write_text(BAD_NODEPORT)
    (root / "sub" / "up").symlink_to("..")  # a directory loop
    (root / "self.yaml").symlink_to("self.yaml")  # a link to itself
    (root / "gone.yaml").symlink_to("missing.yaml")
    (root / "sub" / "alias.yaml").symlink_to("../web.yaml")
    result = run_main("--select", "nodeport-out-of-range", "k8s", cwd=tmp_path)
    assert result.returncode == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines() if "error[" in line] == [
        "k8s/sub/alias.yaml", "k8s/web.yaml"]
    assert result.stderr.splitlines() == ["svclint: info: k8s/gone.yaml: skipped a broken symbolic link",
                                          "svclint: info: k8s/self.yaml: skipped a broken symbolic link"]


def test_a_named_pipe_given_on_the_command_line_is_read(tmp_path) -> None:
    pipe = tmp_path / "rendered.yaml"  # as `svclint <(kustomize build .)` passes /dev/fd/63
    os.mkfifo(pipe)
    writer = threading.Thread(target=pipe.write_text, args=(BAD_NODEPORT,))
    writer.start()
    result = run_main("--select", "nodeport-out-of-range", "rendered.yaml", cwd=tmp_path)
    writer.join(timeout=10)
    assert result.returncode == 1
    assert result.stdout.startswith("rendered.yaml:9:17: error[nodeport-out-of-range]")


@pytest.mark.parametrize("path", ["web.yaml/", "nope/web.yaml"])
def test_a_path_that_is_neither_file_nor_directory_exits_2_naming_it(tmp_path, path: str) -> None:
    (tmp_path / "web.yaml").write_text(BAD_NODEPORT)
    result = run_main(path, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, f"svclint: error: {path}: no such file or directory\n")


@pytest.mark.skipif(not os.path.isfile("/proc/self/mem"), reason="needs Linux /proc")
def test_a_file_that_cannot_be_read_exits_2_naming_it() -> None:
    # /proc/self/mem is a regular file whose first page cannot be read, even by root.
    result = run_main("/proc/self/mem")
    assert (result.returncode, result.stderr) == (2, "svclint: error: /proc/self/mem: cannot read: Input/output error\n")


def unlistable_directory() -> str | None:
    """A directory that this process may not list, whoever it runs as, if the system has one."""
    try:
        os.listdir("/proc/1/map_files")  # needs CAP_SYS_ADMIN, which containers usually lack
    except PermissionError:
        return "/proc/1/map_files"
    except OSError:
        return None
    return None


@pytest.mark.skipif(unlistable_directory() is None, reason="no directory here that cannot be listed")
def test_a_directory_that_cannot_be_listed_exits_2_naming_it() -> None:
    directory = unlistable_directory()
    result = run_main(directory)
    assert (result.returncode, result.stderr) == (2, f"svclint: error: {directory}: cannot read directory: "
                                                     "Permission denied\n")


def unprivileged_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "svclint", *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: permissions do not apply")
        command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)
    not_importable = ("ModuleNotFoundError", "No module named", "Permission denied: '" + sys.executable)
    if any(sign in result.stderr for sign in not_importable):
        pytest.skip("svclint is not importable by an unprivileged user here")
    return result


def test_permission_denied_exits_2_naming_the_path() -> None:
    root = Path(tempfile.mkdtemp())
    try:
        root.chmod(0o755)
        (root / "k8s" / "locked").mkdir(parents=True)
        (root / "k8s" / "secret.yaml").write_text(BAD_NODEPORT)
        (root / "k8s" / "secret.yaml").chmod(0o000)
        result = unprivileged_cli("k8s/secret.yaml", cwd=root)
        assert (result.returncode, result.stderr) == (2, "svclint: error: k8s/secret.yaml: cannot read: Permission denied\n")
        (root / "k8s" / "secret.yaml").chmod(0o644)
        (root / "k8s" / "locked").chmod(0o000)
        result = unprivileged_cli("k8s", cwd=root)
        assert (result.returncode, result.stderr) == (
            2, "svclint: error: k8s/locked: cannot read directory: Permission denied\n")
    finally:
        for path in root.rglob("*"):
            path.chmod(0o755)
        shutil.rmtree(root)
