from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from svclint.check.engine import Report, lint_paths
from svclint.check.settings import Settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "real"


def lint_text(tmp_path: Path, text: str, name: str = "manifest.yaml", **settings) -> Report:
    """Writes `text` to a real file and lints it with `settings` (config-key spelling)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    values = {key.replace("_", "-"): value for key, value in settings.items()}
    return lint_paths([str(path)], Settings().updated(values))


def problems(report: Report, rule: str | None = None) -> list[tuple[int, int, str]]:
    return [(f.line, f.column, f.rule) for f in report.findings if rule in (None, f.rule)]


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    # GITHUB_ACTIONS is dropped so that the text report is plain even when the tests run in Actions.
    inherited = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    env = {**inherited, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "svclint", *args],
        cwd=cwd, input=stdin, capture_output=True, text=True, env=env, timeout=120,
    )


@pytest.fixture
def cli():
    return run_cli
