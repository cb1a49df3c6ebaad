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
    # The corpus copied three of podinfo's four kustomize files (SOURCES.md): its kustomization
    # lists hpa.yaml, which is not there, so it does not build (as `kubectl kustomize podinfo` says).
    findings = [f for f in findings if not (f["rule"] == "render-failed" and "hpa.yaml" in f["message"]
                                            and f["file"] == "podinfo/kustomization.yaml")]
    assert [f for f in findings if f["severity"] == "error"] == []
    # The corpus has no genuine selector or port bug (SOURCES.md); Services whose pods an
    # operator makes at run time may only get info findings.
    assert [f for f in findings if f["severity"] == "warning"] == []
