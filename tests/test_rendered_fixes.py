"""A rendered finding's fix re-targeted to the resource file that wrote the value
(check/rendered_fixes.py), on renderings as kustomize gives them: the objects and the
resource file each came from (no renderer runs here; tests/test_fix_rendered.py runs one)."""

from __future__ import annotations

from pathlib import Path

from svclint.check.fixes import delete_key, quote_value, replace_value
from svclint.check.rendered_fixes import source_fix
from svclint.render.origins import SourceFiles, source_spot
from svclint.render.rendering import Origin, Rendering

RESOURCE = """\
# a Deployment first, so the Service is the file's second document
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    version: 1.5
spec:
  ports:
    - port: 80
      protocol: {protocol}
"""
PROTOCOL = ("spec", "ports", 0, "protocol")


def rendered(tmp_path: Path, written: str, rendered_protocol: str, label: object = 1.5) -> tuple:
    path = tmp_path / "service.yaml"
    path.write_text(RESOURCE.replace("{protocol}", written))
    service = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "dev-web", "labels": {"version": label}},
               "spec": {"ports": [{"port": 80, "protocol": rendered_protocol}]}}
    rendering = Rendering("overlays/dev", "overlays/dev/kustomization.yaml", objects=[service],
                          origins=[Origin(file=str(path))])
    return rendering, SourceFiles()


def retarget(rendering: Rendering, files: SourceFiles, fix, path: tuple):
    spot = source_spot(rendering, [], {}, files, 0, path, "value")
    return source_fix(fix.located(0, ()), spot, rendering, [], {}, files, 0)


def test_a_replacement_is_made_at_the_source_document_and_path(tmp_path) -> None:
    rendering, files = rendered(tmp_path, "tcp", "tcp")
    fix = retarget(rendering, files, replace_value(PROTOCOL, "TCP", "spell it TCP"), PROTOCOL)
    assert fix is not None and fix.doc_index == 1
    assert [(e.action, e.path, e.value) for e in fix.edits] == [("replace", PROTOCOL, "TCP")]


def test_a_quote_is_carried_when_the_source_scalar_reads_as_the_rendered_value(tmp_path) -> None:
    rendering, files = rendered(tmp_path, "tcp", "tcp")
    labels = ("metadata", "labels", "version")
    fix = retarget(rendering, files, quote_value(labels, "quote it"), labels)
    assert fix is not None and fix.edits[0].path == labels
    rendering, files = rendered(tmp_path, "tcp", "tcp", label="1.5")  # rendered as a string: not the same value
    assert retarget(rendering, files, quote_value(labels, "quote it"), labels) is None


def test_a_source_value_other_than_the_rendered_one_is_not_fixed(tmp_path) -> None:
    # The origin mapping matches scalars regardless of case; the fix needs the very value.
    rendering, files = rendered(tmp_path, "TCP", "tcp")
    assert retarget(rendering, files, replace_value(PROTOCOL, "TCP", "spell it TCP"), PROTOCOL) is None


def test_deletions_are_not_carried_over(tmp_path) -> None:
    rendering, files = rendered(tmp_path, "tcp", "tcp")
    assert retarget(rendering, files, delete_key(PROTOCOL, "remove it"), PROTOCOL) is None
