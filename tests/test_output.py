"""The command writing reports: --output, --exit-zero, the hint to `svclint explain`."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from tests.conftest import run_cli
from tests.test_cli import BAD_NODEPORT, CLEAN, WITHOUT_CONTEXT_INFOS, write

SUMMARY = "1 problem (1 error) in 1 file, 1 object"


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_output_writes_the_report_to_the_file_and_the_summary_to_stderr(tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    result = run_cli(*WITHOUT_CONTEXT_INFOS, "--format", "json", "--output", "report.json", "web.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == f"{SUMMARY}; json report written to report.json\n"
    [finding] = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["findings"]
    assert (finding["rule"], finding["line"]) == ("nodeport-out-of-range", 9)
    mode = stat.S_IMODE((tmp_path / "report.json").stat().st_mode)
    assert mode == 0o666 & ~current_umask()  # an ordinary file, not the temporary file's 0600


def test_output_replaces_an_old_report_whole_and_leaves_no_temporary_file(cli, tmp_path) -> None:
    write(tmp_path, "db.yaml", CLEAN)
    write(tmp_path, "out/report.txt", "an old report that is much longer than the new one\n" * 100)
    result = cli("--output", "out/report.txt", "db.yaml", cwd=tmp_path)
    assert result.returncode == 0
    assert (tmp_path / "out" / "report.txt").read_text(encoding="utf-8") == "No problems in 1 file, 1 object\n"
    assert os.listdir(tmp_path / "out") == ["report.txt"]


def test_output_into_a_missing_directory_is_a_usage_error(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    result = cli("--format", "sarif", "--output", "no/such/dir/report.sarif", "web.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "svclint: error: no/such/dir/report.sarif: cannot write the report: No such file or directory")
    assert not (tmp_path / "no").exists()


def test_output_in_github_actions_writes_the_format_asked_for(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    result = cli(*WITHOUT_CONTEXT_INFOS, "--output", "report.txt", "web.yaml", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    text = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert text.startswith("web.yaml:9:17: error[nodeport-out-of-range]")
    assert result.stdout == ""


def test_exit_zero_reports_without_failing(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    result = cli("--exit-zero", "web.yaml", cwd=tmp_path)
    assert result.returncode == 0
    assert "error[nodeport-out-of-range]" in result.stdout
    assert cli("--exit-zero", "missing.yaml", cwd=tmp_path).returncode == 2
    assert cli("--exit-zero", "--fail-on", "sometimes", "web.yaml", cwd=tmp_path).returncode == 2


def test_text_report_ends_with_a_hint_to_explain_only_when_there_are_findings(cli, tmp_path: Path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    write(tmp_path, "db.yaml", CLEAN)
    lines = cli(*WITHOUT_CONTEXT_INFOS, "web.yaml", cwd=tmp_path).stdout.splitlines()
    assert lines[-2:] == [SUMMARY, "Run `svclint explain RULE` (e.g. `svclint explain nodeport-out-of-range`) "
                                   "for a rule's rationale and fix."]
    assert cli("db.yaml", cwd=tmp_path).stdout == "No problems in 1 file, 1 object\n"
