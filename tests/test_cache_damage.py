"""The CLI on a damaged `.svclint_cache/`: entries of the wrong shape, truncated, replaced by
links or pipes, a cache directory that is a link, two runs at once. Every run succeeds with
the findings of a clean run, and the damage never outlives the run after it.

The command runs in-process (`run_main`), except where the point is the process: a pipe
that could hang it, and runs at the same time."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from tests.conftest import Run, run_main
from tests.test_cli import write
from tests.test_context import DEPLOYMENT, LONELY, SERVICE
from tests.test_streams import HUNG, svclint

ARGS = ("--format", "json", "--context", "k8s", "svc.yaml", "lonely.yaml")


def project(root: Path) -> None:
    write(root, "svc.yaml", SERVICE)  # its Deployment is in the context: no finding
    write(root, "lonely.yaml", LONELY)  # a finding whatever the context
    write(root, "k8s/deploy.yaml", DEPLOYMENT)
    write(root, "k8s/more.yaml", SERVICE.replace("name: web", "name: other"))


def findings(result: subprocess.CompletedProcess | Run) -> list[tuple[str, str, int]]:
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    return [(f["file"], f["rule"], f["line"]) for f in json.loads(result.stdout)["findings"]]


@pytest.fixture
def clean(tmp_path) -> list[tuple[str, str, int]]:
    """The findings of a run without cache, and a cache written by a first run."""
    project(tmp_path)
    expected = findings(run_main("--no-cache", *ARGS, cwd=tmp_path))
    assert ("svc.yaml", "selector-no-match", 8) not in expected
    assert findings(run_main(*ARGS, cwd=tmp_path)) == expected
    (tmp_path / "clean.pickle").write_bytes(entry(tmp_path).read_bytes())
    return expected


def entry(root: Path) -> Path:
    [path] = (root / ".svclint_cache").glob("facts-*.pickle")
    return path


def reshaped(change: Callable[[list], object]) -> Callable[[Path], None]:
    """Damage: the entry's facts changed by `change`, under the digests of the real files."""
    def damage(path: Path) -> None:
        stored = pickle.loads(path.read_bytes())
        path.write_bytes(pickle.dumps({digest: change(facts) for digest, facts in stored.items()}))
    return damage


def _symlink_to_planted(path: Path) -> None:
    planted = path.parent.parent / "planted.pickle"
    reshaped(lambda facts: "not facts")(path)
    path.rename(planted)
    path.symlink_to(planted)


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)  # nobody ever writes to it: opening it to read would wait for ever


DAMAGE = {
    "facts not a list": reshaped(lambda facts: "not facts"),
    "fact not a 4-tuple": reshaped(lambda facts: [(1, 2)] * len(facts)),
    "data not a mapping": reshaped(lambda facts: [(["a list"], *f[1:]) for f in facts]),
    "doc index not a number": reshaped(lambda facts: [(f[0], "0", *f[2:]) for f in facts]),
    "namespace not text": reshaped(lambda facts: [(f[0], f[1], None, f[3]) for f in facts]),
    "base path not a tuple": reshaped(lambda facts: [(*f[:3], "items") for f in facts]),
    "a label that is a set": reshaped(lambda facts: [({**f[0], "metadata": {"labels": {"app": {1}}}}, *f[1:])
                                                     for f in facts]),
    "not a mapping": lambda path: path.write_bytes(pickle.dumps(["a", "list"])),
    "truncated": lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
    "empty": lambda path: path.write_bytes(b""),
    "symlink to a planted entry": _symlink_to_planted,
    "dangling symlink": lambda path: (path.unlink(), path.symlink_to("/nonexistent/facts.pickle")),
    "fifo": pytest.param(_fifo, marks=pytest.mark.slow),
    "directory": lambda path: (path.unlink(), path.mkdir()),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_entry_is_ignored_and_rebuilt(tmp_path, clean, damage) -> None:
    path = entry(tmp_path)
    damage(path)
    run = svclint if damage is _fifo else run_main  # the real process, stopped if a pipe hangs it
    assert findings(run(*ARGS, cwd=tmp_path)) == clean
    assert findings(run(*ARGS, cwd=tmp_path)) == clean
    if not path.is_dir():  # a directory there is not svclint's to delete: the cache stays unused
        assert not path.is_symlink()
        assert pickle.loads(path.read_bytes()) == pickle.loads((tmp_path / "clean.pickle").read_bytes())


def test_a_symlinked_entry_is_not_followed_and_its_target_is_left_alone(tmp_path, clean) -> None:
    path = entry(tmp_path)
    _symlink_to_planted(path)
    planted = (tmp_path / "planted.pickle").read_bytes()
    assert findings(run_main(*ARGS, cwd=tmp_path)) == clean
    assert not path.is_symlink()  # replaced by an entry of this run, not written through
    assert (tmp_path / "planted.pickle").read_bytes() == planted


def test_a_symlinked_cache_directory_is_not_used(tmp_path) -> None:
    project(tmp_path)
    expected = findings(run_main("--no-cache", *ARGS, cwd=tmp_path))
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / ".svclint_cache").symlink_to("elsewhere")
    for _ in range(2):
        result = run_main(*ARGS, cwd=tmp_path)
        assert findings(result) == expected
        assert "svclint: info: .svclint_cache: a symbolic link" in result.stderr, result.stderr
    assert os.listdir(tmp_path / "elsewhere") == []
    assert (tmp_path / ".svclint_cache").is_symlink()


@pytest.mark.slow
def test_concurrent_runs_leave_a_working_cache(tmp_path) -> None:
    project(tmp_path)
    for n in range(30):  # enough context files that the runs overlap while writing
        write(tmp_path, f"k8s/svc{n}.yaml", SERVICE.replace("name: web", f"name: web{n}"))
    expected = findings(run_main("--no-cache", *ARGS, cwd=tmp_path))
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    runs = [subprocess.Popen([sys.executable, "-m", "svclint", *ARGS], cwd=tmp_path, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    for run in runs:
        stdout, stderr = run.communicate(timeout=HUNG)
        assert findings(subprocess.CompletedProcess(run.args, run.returncode, stdout, stderr)) == expected
    assert [p.name for p in (tmp_path / ".svclint_cache").iterdir() if p.name.endswith(".tmp")] == []
    assert findings(svclint(*ARGS, cwd=tmp_path)) == expected
