"""Baselines through the real CLI: record today's findings, report only new ones."""

from __future__ import annotations

import json

from tests.test_cli import BAD_NODEPORT, write

TWO_BAD_PORTS = BAD_NODEPORT + "    - port: 81\n      nodePort: 40081\n"
FOCUS = ("--select", "nodeport-out-of-range")  # other rules' findings would only blur the counts


def reported(result) -> list[tuple[str, int, str]]:
    return [(f["file"], f["line"], f["rule"]) for f in json.loads(result.stdout)["findings"]]


def test_write_then_apply_reports_only_new_findings(cli, tmp_path) -> None:
    write(tmp_path, "k8s/web.yaml", BAD_NODEPORT)
    written = cli(*FOCUS, "--write-baseline", "baseline.json", "k8s", cwd=tmp_path)
    assert written.returncode == 0
    assert written.stderr.strip() == "svclint: wrote baseline baseline.json (1 finding)"
    document = json.loads((tmp_path / "baseline.json").read_text())
    assert document["findings"] == [{
        "rule": "nodeport-out-of-range", "file": "k8s/web.yaml", "kind": "Service", "namespace": "default",
        "name": "web", "message": "nodePort 40080 is outside the node port range 30000-32767"}]
    clean = cli(*FOCUS, "--baseline", "baseline.json", "k8s", cwd=tmp_path)
    assert (clean.returncode, clean.stdout.strip()) == (0, "No problems in 1 file, 1 object")
    write(tmp_path, "k8s/api.yaml", BAD_NODEPORT.replace("name: web", "name: api"))
    new = cli(*FOCUS, "--format", "json", "--baseline", "baseline.json", "k8s", cwd=tmp_path)
    assert (new.returncode, reported(new)) == (1, [("k8s/api.yaml", 9, "nodeport-out-of-range")])


def test_edits_above_a_finding_do_not_resurrect_it(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    cli(*FOCUS, "--write-baseline", "baseline.json", "web.yaml", cwd=tmp_path)
    write(tmp_path, "web.yaml", "# owned by the web team\n\n" + BAD_NODEPORT.replace("nodePort: 40080", "nodePort: 40090"))
    assert cli(*FOCUS, "--baseline", "baseline.json", "web.yaml", cwd=tmp_path).returncode == 0


def test_matching_counts_identical_findings(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", TWO_BAD_PORTS)
    cli(*FOCUS, "--write-baseline", "baseline.json", "web.yaml", cwd=tmp_path)
    assert cli(*FOCUS, "--baseline", "baseline.json", "web.yaml", cwd=tmp_path).returncode == 0
    write(tmp_path, "web.yaml", TWO_BAD_PORTS + "    - port: 82\n      nodePort: 40082\n")
    result = cli(*FOCUS, "--format", "json", "--baseline", "baseline.json", "web.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert len(reported(result)) == 1  # two recorded cover two of the three


def test_baseline_paths_are_relative_to_the_baseline_file(cli, tmp_path) -> None:
    write(tmp_path, "k8s/web.yaml", BAD_NODEPORT)
    (tmp_path / "ci").mkdir()
    cli(*FOCUS, "--write-baseline", "ci/baseline.json", "k8s", cwd=tmp_path)
    assert json.loads((tmp_path / "ci/baseline.json").read_text())["findings"][0]["file"] == "../k8s/web.yaml"
    assert cli(*FOCUS, "--baseline", "../ci/baseline.json", "web.yaml", cwd=tmp_path / "k8s").returncode == 0


def test_missing_or_broken_baseline_is_a_usage_error(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    missing = cli(*FOCUS, "--baseline", "nope.json", "web.yaml", cwd=tmp_path)
    assert (missing.returncode, missing.stderr.strip()) == (
        2, "svclint: error: nope.json: no such baseline; create it with --write-baseline nope.json")
    write(tmp_path, "broken.json", '{"findings": [')
    broken = cli(*FOCUS, "--baseline", "broken.json", "web.yaml", cwd=tmp_path)
    assert broken.returncode == 2 and broken.stderr.startswith("svclint: error: broken.json: not a svclint baseline")
    write(tmp_path, "other.json", '{"findings": {}}')
    assert cli(*FOCUS, "--baseline", "other.json", "web.yaml", cwd=tmp_path).returncode == 2


def test_unwritable_baseline_is_a_usage_error(cli, tmp_path) -> None:
    write(tmp_path, "web.yaml", BAD_NODEPORT)
    result = cli(*FOCUS, "--write-baseline", "no-such-dir/baseline.json", "web.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("svclint: error: no-such-dir/baseline.json: cannot write the baseline")
