"""The real `pre-commit` tool installs the `svclint` hook from a commit of this checkout.

pre-commit builds the hook's virtualenv from the repository (pyyaml, jsonschema and
ruamel.yaml come from PyPI), so this test needs the network and takes several seconds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli
from tests.test_cli import BAD_NODEPORT, CLEAN, write
from tests.test_context import DEPLOYMENT, SERVICE

GIT_IDENTITY = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def commit_of_working_tree(target: Path, env: dict[str, str]) -> str:
    """A repository holding this checkout as it is now (uncommitted changes included)."""
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], REPO, env)
    for name in filter(None, listed.stdout.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "svclint under test"]):
        run(args, target, env).check_returncode()
    return run(["git", "rev-parse", "HEAD"], target, env).stdout.strip()


@pytest.mark.slow
def test_hook_uses_the_repository_as_context_and_blocks_a_bad_node_port(tmp_path) -> None:
    env = {**os.environ, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("GIT_DIR", None)
    source, project = tmp_path / "svclint", tmp_path / "project"
    source.mkdir()
    project.mkdir()
    rev = commit_of_working_tree(source, env)

    run(["git", "init", "-q"], project, env).check_returncode()
    write(project, "apps/web-deployment.yaml", DEPLOYMENT)
    write(project, ".pre-commit-config.yaml",
          f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: svclint\n")
    run(["git", "add", "-A"], project, env).check_returncode()
    run(["git", "commit", "-q", "-m", "the Deployment, before the hook"], project, env).check_returncode()
    run([sys.executable, "-m", "pre_commit", "install"], project, env).check_returncode()

    # The Service's pods are in a file this commit does not touch: only the context finds them.
    write(project, "services/web.yaml", SERVICE)
    alone = run_cli("services/web.yaml", cwd=project)  # without context no workload is in sight
    assert "selectors of 1 Service not checked (selector-no-match)" in alone.stderr
    # A file named like an option comes after the hook's `--`: linted, never read as --output.
    write(project, "--output=victim.yaml", CLEAN)
    run(["git", "add", "--", "services/web.yaml", "--output=victim.yaml"], project, env).check_returncode()
    good = run(["git", "commit", "-m", "a good Service"], project, env)
    hook_output = good.stderr  # git gives hooks the terminal's stderr
    assert good.returncode == 0, hook_output
    assert re.search(r"^svclint\.+Passed$", hook_output, re.MULTILINE), hook_output
    assert not (project / "victim.yaml").exists()

    write(project, "services/admin.yaml", BAD_NODEPORT)
    run(["git", "add", "services/admin.yaml"], project, env).check_returncode()
    bad = run(["git", "commit", "-m", "a bad nodePort"], project, env)
    assert bad.returncode != 0
    assert re.search(r"^svclint\.+Failed$", bad.stderr, re.MULTILINE), bad.stderr
    assert "services/admin.yaml:9:17: error[nodeport-out-of-range]" in bad.stderr
    assert "services/web.yaml" not in bad.stderr  # committed files are context, not reported
    assert run(["git", "log", "--format=%s", "-1"], project, env).stdout.strip() == "a good Service"


QUOTED_PORT_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - port: "80"    # quoted by a template
"""


@pytest.mark.slow
def test_fix_hook_repairs_the_file_and_the_next_commit_passes(tmp_path) -> None:
    env = {**os.environ, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("GIT_DIR", None)
    source, project = tmp_path / "svclint", tmp_path / "project"
    source.mkdir()
    project.mkdir()
    rev = commit_of_working_tree(source, env)
    run(["git", "init", "-q"], project, env).check_returncode()
    write(project, "apps/web-deployment.yaml", DEPLOYMENT)
    write(project, ".pre-commit-config.yaml",
          f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: svclint-fix\n")
    run(["git", "add", "-A"], project, env).check_returncode()
    run(["git", "commit", "-q", "-m", "the Deployment"], project, env).check_returncode()
    run([sys.executable, "-m", "pre_commit", "install"], project, env).check_returncode()

    write(project, "services/web.yaml", QUOTED_PORT_SERVICE)
    run(["git", "add", "services/web.yaml"], project, env).check_returncode()
    first = run(["git", "commit", "-m", "the Service"], project, env)
    assert first.returncode != 0  # pre-commit fails a hook that changed files, for them to be reviewed
    assert re.search(r"^svclint \(fix\)\.+Failed$", first.stderr, re.MULTILINE), first.stderr
    assert "files were modified by this hook" in first.stderr
    assert (project / "services/web.yaml").read_text() == QUOTED_PORT_SERVICE.replace('"80"', "80")

    run(["git", "add", "services/web.yaml"], project, env).check_returncode()
    second = run(["git", "commit", "-m", "the Service"], project, env)
    assert second.returncode == 0, second.stderr
    assert re.search(r"^svclint \(fix\)\.+Passed$", second.stderr, re.MULTILINE), second.stderr
