"""Real manifests that run in production: no error finding, and no false warning."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CORPUS, run_main

FOLDERS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []


@pytest.mark.skipif(not FOLDERS, reason="../shared/corpus/real is not beside this checkout")
@pytest.mark.parametrize("folder", FOLDERS)
def test_corpus_folder_has_no_errors_or_false_warnings(folder: str) -> None:
    extra = ["--load-balancer-provider", "cloud-provider-kind"] if folder == "kind" else []
    result = run_main("--format", "json", *extra, folder, cwd=CORPUS)
    assert result.returncode in (0, 1), result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [f for f in findings if f["severity"] == "error"] == []
    # The corpus copied three of podinfo's four kustomize files (SOURCES.md): its kustomization
    # lists hpa.yaml, which is not there. That warning is true; the others would be false, since
    # the corpus has no genuine selector or port bug (SOURCES.md), and Services whose pods an
    # operator makes at run time may only get info findings.
    warnings = [(f["file"], f["line"], f["rule"]) for f in findings if f["severity"] == "warning"]
    assert warnings == ([("podinfo/kustomization.yaml", 4, "render-input-missing")] if folder == "podinfo" else [])


def test_an_overlay_that_misses_a_file_is_linted_as_its_plain_files() -> None:
    """podinfo's Service finds its Deployment (the oracle's cross-file match) although the
    overlay cannot be built: its resource files are linted as plain manifests."""
    result = run_main("--format", "json", "--select", "selector-no-match,target-port-unresolved,render-input-missing",
                      "podinfo", cwd=CORPUS)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["column"]) for f in findings] == [("render-input-missing", 5)]
    assert json.loads(result.stdout)["summary"]["objects"] >= 2
