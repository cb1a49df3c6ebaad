"""The real CLI writing --output and --write-baseline to what is not a plain new file: a
regular file is replaced atomically keeping its mode, a symbolic link is written through to
its target and stays a link, a pipe or device is written through and never replaced, and
a file being linted is never overwritten."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from tests.test_cli import BAD_NODEPORT, write
from tests.test_streams import private_device, svclint

# Every test runs the real command in a process (that is the point): the whole suite runs them.
pytestmark = pytest.mark.slow

OPTIONS = ["--output", "--write-baseline"]


def written(option: str, content: str) -> None:
    """What the run wrote: the text report, or a baseline recording the finding."""
    if option == "--output":
        assert "web.yaml:9:17: error[nodeport-out-of-range]" in content, content
    else:
        rules = {entry["rule"] for entry in json.loads(content)["findings"]}
        assert "nodeport-out-of-range" in rules


class Reader(threading.Thread):
    """The reading end of a FIFO (as `cat fifo` would be), keeping what it read."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.text = path, None

    def run(self) -> None:
        with open(self.path, encoding="utf-8") as handle:
            self.text = handle.read()


@pytest.mark.parametrize("option", OPTIONS)
def test_a_fifo_is_written_through_and_stays_a_fifo(tmp_path, option) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    os.mkfifo(tmp_path / "out")
    reader = Reader(tmp_path / "out")
    reader.start()
    result = svclint(option, "out", "web.yaml", cwd=tmp_path)
    reader.join(timeout=10)
    assert stat.S_ISFIFO(os.lstat(tmp_path / "out").st_mode), "the FIFO was replaced by a file"
    assert result.returncode in (0, 1), result.stderr
    assert reader.text is not None, "nothing was written to the FIFO"
    written(option, reader.text)
    assert sorted(os.listdir(tmp_path)) == ["out", "web.yaml"]  # no temporary file left


@pytest.mark.parametrize("option", OPTIONS)
def test_a_device_is_written_through_and_stays_a_device(tmp_path, option) -> None:
    null = private_device(tmp_path, "null", 1, 3)  # our own copy of /dev/null
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    result = svclint(option, "null", "web.yaml", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert stat.S_ISCHR(os.lstat(null).st_mode), "the device was replaced by a file"
    assert sorted(os.listdir(tmp_path)) == ["null", "web.yaml"]


@pytest.mark.parametrize("option", OPTIONS)
def test_a_symlink_is_written_through_to_its_target_and_stays_a_link(tmp_path, option) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    target = write(tmp_path, "reports/latest.txt", "an old report\n")
    target.chmod(0o640)
    (tmp_path / "report").symlink_to("reports/latest.txt")
    result = svclint(option, "report", "web.yaml", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert os.readlink(tmp_path / "report") == "reports/latest.txt"
    written(option, target.read_text(encoding="utf-8"))
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(tmp_path / "reports") == ["latest.txt"]


@pytest.mark.parametrize("option", OPTIONS)
def test_a_regular_file_is_replaced_keeping_its_mode(tmp_path, option) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    old = write(tmp_path, "out.txt", "old\n" * 1000)
    old.chmod(0o600)  # a report kept private
    result = svclint(option, "out.txt", "web.yaml", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    written(option, old.read_text(encoding="utf-8"))
    assert stat.S_IMODE(old.stat().st_mode) == 0o600


@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("how", ["same name", "walked directory", "symlink", "hard link"])
def test_writing_over_a_file_being_linted_is_refused(tmp_path, option, how) -> None:
    web = write(tmp_path, "k8s/web.yaml", BAD_NODEPORT)
    out, paths = {
        "same name": ("k8s/web.yaml", ["k8s/web.yaml"]),
        "walked directory": ("k8s/web.yaml", ["k8s"]),
        "symlink": ("report.txt", ["k8s"]),
        "hard link": ("report.txt", ["k8s"]),
    }[how]
    if how == "symlink":
        (tmp_path / "report.txt").symlink_to("k8s/web.yaml")
    elif how == "hard link":
        os.link(web, tmp_path / "report.txt")
    before = os.stat(web)
    result = svclint(option, out, *paths, cwd=tmp_path)
    assert result.returncode == 2
    assert f"{out}: is a file being linted" in result.stderr, result.stderr
    assert web.read_text(encoding="utf-8") == BAD_NODEPORT
    assert (os.stat(web).st_ino, os.stat(web).st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
