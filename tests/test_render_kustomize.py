"""Kustomize overlays are linted as rendered by the real `kubectl kustomize`, and each finding
points at the file and line of the repository that wrote the value (tests: real files, real
kubectl; each build takes ~0.3 s)."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

import svclint
from svclint.cli.main import main

# Each build is a kubectl process (~0.3 s): the module is left out of the inner loop. It needs
# kubectl (or kustomize) on PATH, as CI has; without it the tests fail, they do not skip.
pytestmark = pytest.mark.slow

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - name: http
              containerPort: 8080
"""
BASE = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - service.yaml
  - deployment.yaml
"""
NODEPORT_PATCH = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - name: http
      port: 80
      nodePort: 40000
"""
PROD = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namePrefix: prod-
namespace: shop-prod
resources:
  - ../../base
patches:
  - path: service-nodeport.yaml
"""
DEV = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namePrefix: dev-
namespace: shop-dev
resources:
  - ../../base
configMapGenerator:
  - name: settings
    literals: [mode=dev]
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def repository(root: Path, **extra: str) -> Path:
    return write(root, {"base/service.yaml": SERVICE, "base/deployment.yaml": DEPLOYMENT,
                        "base/kustomization.yaml": BASE, "overlays/prod/kustomization.yaml": PROD,
                        "overlays/prod/service-nodeport.yaml": NODEPORT_PATCH,
                        "overlays/dev/kustomization.yaml": DEV, **extra})


def lint(root: Path, monkeypatch, *paths: str, **settings) -> list[tuple]:
    monkeypatch.chdir(root)
    report = svclint.lint(list(paths) or ["."], {"cache-dir": None, **settings})
    return [(f.file, f.line, f.column, f.rule, f.via) for f in report.findings if f.rule != "exposed-nodeport"]


def test_the_error_a_patch_makes_is_reported_at_the_patch_line_and_the_patch_is_not_linted_raw(
        tmp_path, monkeypatch) -> None:
    repository(tmp_path)
    # Raw, the patch was a Service of its own: without a selector, nodePort under ClusterIP...
    # As rendered, the one error is the nodePort out of range, on the patch's line 10.
    assert lint(tmp_path, monkeypatch) == [
        ("overlays/prod/service-nodeport.yaml", 10, 17, "nodeport-out-of-range", ("overlays/prod",))]


def test_a_finding_every_overlay_shares_is_reported_once_at_the_base_naming_them_all(tmp_path, monkeypatch) -> None:
    repository(tmp_path, **{"base/service.yaml": SERVICE.replace("  selector:", "  sessionAffinity: Sometimes\n  selector:")})
    found = [f for f in lint(tmp_path, monkeypatch) if f[3] == "value-not-supported"]
    assert found == [("base/service.yaml", 6, 20, "value-not-supported", ("overlays/dev", "overlays/prod"))]


def test_each_overlay_is_its_own_cross_object_context(tmp_path, monkeypatch) -> None:
    # Both overlays give a NodePort Service the same port, under the same name: as alternatives
    # (environments) they never conflict; the base itself is not linted raw.
    same_port = NODEPORT_PATCH.replace("40000", "30080")
    repository(tmp_path, **{"overlays/prod/service-nodeport.yaml": same_port,
                            "overlays/dev/service-nodeport.yaml": same_port,
                            "overlays/dev/kustomization.yaml": DEV + "patches:\n  - path: service-nodeport.yaml\n"})
    assert lint(tmp_path, monkeypatch) == []


PROD_WITH_EVERY_PATCH = PROD + """\
  - target: {kind: Service, name: web}
    patch: |-
      - op: add
        path: /spec/sessionAffinity
        value: Sometimes
  - path: ports.json
    target: {kind: Service}
labels:
  - pairs:
      tier: Front End
    includeSelectors: true
"""


def test_inline_and_json6902_patches_and_labels_map_to_their_lines(tmp_path, monkeypatch) -> None:
    repository(tmp_path, **{"overlays/prod/kustomization.yaml": PROD_WITH_EVERY_PATCH,
                            "overlays/prod/ports.json": '[{"op": "replace", "path": "/spec/ports/0/port",\n'
                                                        '  "value": 70000}]\n'})
    found = {(f[0], f[1], f[3]) for f in lint(tmp_path, monkeypatch, "overlays/prod")}
    assert ("overlays/prod/kustomization.yaml", 13, "value-not-supported") in found  # value: Sometimes
    assert ("overlays/prod/kustomization.yaml", 18, "label-invalid") in found  # tier: Front End, added by labels
    assert ("overlays/prod/ports.json", 2, "port-invalid") in found
    assert ("overlays/prod/service-nodeport.yaml", 10, "nodeport-out-of-range") in found


def test_a_component_is_linted_only_through_the_overlays_that_list_it(tmp_path, monkeypatch) -> None:
    component = {"components/lb/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\n"
                                                     "kind: Component\npatches:\n  - path: lb.yaml\n",
                 "components/lb/lb.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
                                          "  sessionAffinity: Sometimes\n"}
    repository(tmp_path, **component,
               **{"overlays/prod/kustomization.yaml": PROD + "components:\n  - ../../components/lb\n"})
    found = [f for f in lint(tmp_path, monkeypatch) if f[3] == "value-not-supported"]
    assert found == [("components/lb/lb.yaml", 6, 20, "value-not-supported", ("overlays/prod",))]
    # Alone, a component cannot be built: one info says so, and its patch is not linted raw.
    alone = lint(tmp_path, monkeypatch, "components")
    assert alone == [("components/lb/kustomization.yaml", 1, 1, "render-skipped", ("components/lb",))]


def test_plain_yaml_beside_the_overlays_is_linted_as_before(tmp_path, monkeypatch) -> None:
    repository(tmp_path, **{"plain/service.yaml": SERVICE.replace("port: 80", "port: 0")})
    found = lint(tmp_path, monkeypatch)
    assert ("plain/service.yaml", 10, 13, "port-invalid", ()) in found
    assert not any(f[0].startswith("base/") for f in found)


def test_a_failing_build_is_a_finding_and_the_other_overlays_are_still_linted(tmp_path, monkeypatch) -> None:
    repository(tmp_path, **{"overlays/dev/kustomization.yaml": DEV.replace("../../base", "../../bsae")})
    monkeypatch.chdir(tmp_path)
    report = svclint.lint(["."], {"cache-dir": None})
    failed = [f for f in report.findings if f.rule == "render-failed"]
    assert [(f.file, f.line) for f in failed] == [("overlays/dev/kustomization.yaml", 1)]
    assert "bsae" in failed[0].message and failed[0].severity.label == "error"
    assert any(f.rule == "nodeport-out-of-range" for f in report.findings)


def test_an_overlay_missing_a_generated_file_is_linted_as_its_files(tmp_path, monkeypatch) -> None:
    """A file a build step makes (not in the repository) keeps the overlay from building: a
    warning at the line naming it, and the base's resource files are linted as plain files,
    each other's context; the overlay's patch is still not linted raw."""
    prod = PROD.replace("  - ../../base\n", "  - ../../base\n  - sealed-secret.yaml\n")
    repository(tmp_path, **{"overlays/prod/kustomization.yaml": prod,
                            "base/service.yaml": SERVICE.replace("targetPort: http", "targetPort: htp")})
    found = lint(tmp_path, monkeypatch, "overlays/prod")
    assert found == [("base/service.yaml", 11, 19, "target-port-unresolved", ()),
                     ("overlays/prod/kustomization.yaml", 7, 5, "render-input-missing", ("overlays/prod",))]


def test_a_misspelled_path_is_a_failing_build_not_a_missing_input(tmp_path, monkeypatch) -> None:
    repository(tmp_path, **{"base/kustomization.yaml": BASE.replace("service.yaml", "servce.yaml")})
    found = lint(tmp_path, monkeypatch, "overlays/prod")
    assert [(file, rule) for file, _, _, rule, _ in found] == [("overlays/prod/kustomization.yaml", "render-failed")]


def test_kustomize_command_setting_and_flag_choose_the_renderer(tmp_path, monkeypatch, capsys) -> None:
    repository(tmp_path)
    monkeypatch.chdir(tmp_path)
    status = main(["--no-cache", "--format", "json", "--kustomize-command", "no-such-kustomize build", "."])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert status == 1
    assert {(f["file"], f["rule"]) for f in findings} == {("overlays/dev/kustomization.yaml", "render-failed"),
                                                          ("overlays/prod/kustomization.yaml", "render-failed")}
    assert all("no-such-kustomize" in f["message"] and f["via"] for f in findings)


def test_json_and_text_name_the_overlay(tmp_path, monkeypatch, capsys) -> None:
    repository(tmp_path)
    monkeypatch.chdir(tmp_path)
    main(["--no-cache", "--select", "nodeport-out-of-range", "."])
    assert "(via overlays/prod)" in capsys.readouterr().out
    main(["--no-cache", "--select", "nodeport-out-of-range", "--format", "sarif", "."])
    [result] = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "overlays/prod"


def test_an_unchanged_overlay_is_not_rendered_again(tmp_path, monkeypatch) -> None:
    repository(tmp_path)
    # The real kubectl, through a script that counts its builds.
    counting = tmp_path / "counting-kustomize"
    counting.write_text('#!/bin/sh\necho "$@" >> "$(dirname "$0")/builds.log"\nexec kubectl kustomize "$@"\n')
    counting.chmod(0o755)
    settings = {"cache-dir": str(tmp_path / ".svclint_cache"), "kustomize-command": str(counting)}
    monkeypatch.chdir(tmp_path)

    def builds_and_findings() -> tuple[int, list[tuple]]:
        findings = [(f.file, f.line, f.rule, f.via) for f in svclint.lint(["."], settings).findings]
        log = tmp_path / "builds.log"
        return (len(log.read_text().splitlines()) if log.exists() else 0), findings

    first = builds_and_findings()
    assert first[0] == 2  # dev and prod
    assert builds_and_findings() == first  # nothing changed: no build, the same findings
    (tmp_path / "overlays/prod/service-nodeport.yaml").write_text(NODEPORT_PATCH.replace("40000", "40001"))
    builds, findings = builds_and_findings()
    assert builds == 3  # prod only: dev reads nothing that changed
    assert ("overlays/prod/service-nodeport.yaml", 10, "nodeport-out-of-range", ("overlays/prod",)) in findings


def test_a_renderer_that_hangs_is_stopped_after_the_timeout(tmp_path, monkeypatch) -> None:
    repository(tmp_path)
    hanging = tmp_path / "hanging-kustomize"
    hanging.write_text("#!/bin/sh\nexec sleep 30\n")
    hanging.chmod(0o755)
    found = lint(tmp_path, monkeypatch, "overlays/prod", **{"kustomize-command": str(hanging), "render-timeout": 0.5})
    assert found == [("overlays/prod/kustomization.yaml", 1, 1, "render-failed", ("overlays/prod",))]


def test_a_suppression_comment_in_the_patch_covers_the_rendered_finding(tmp_path, monkeypatch) -> None:
    suppressed = NODEPORT_PATCH.replace("nodePort: 40000", "nodePort: 40000  # svclint: disable=nodeport-out-of-range")
    repository(tmp_path, **{"overlays/prod/service-nodeport.yaml": suppressed})
    assert lint(tmp_path, monkeypatch, "overlays/prod") == []


def test_exact_source_says_whether_the_position_holds_the_rendered_value(tmp_path, monkeypatch) -> None:
    # --fix may edit a rendered finding's position only when it holds the value itself.
    repository(tmp_path, **{"overlays/prod/kustomization.yaml": PROD.replace("namePrefix: prod-", "namePrefix: Prod-")})
    monkeypatch.chdir(tmp_path)
    found = {f.rule: f for f in svclint.lint(["overlays/prod"], {"cache-dir": None}).findings}
    assert found["nodeport-out-of-range"].exact_source  # the patch writes 40000
    # The name the API server refuses is Prod-web: the base writes web, namePrefix the rest.
    assert (found["name-invalid"].file, found["name-invalid"].line) == ("base/service.yaml", 4)
    assert not found["name-invalid"].exact_source


def test_a_changed_base_deployment_that_orphans_the_base_service_is_reported_on_the_change(
        tmp_path, monkeypatch) -> None:
    repository(tmp_path)
    monkeypatch.chdir(tmp_path)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "base and overlays"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *command], check=True)
    settings = {"cache-dir": None, "context": ["git"], "select": ["selector-no-match"]}
    assert svclint.lint(["base/deployment.yaml"], settings).findings == []
    (tmp_path / "base/deployment.yaml").write_text(DEPLOYMENT.replace("app: web", "app: web-v2"))
    found = svclint.lint(["base/deployment.yaml"], settings).findings
    # One finding per overlay, each on the changed file, at the new pod labels, naming the Service.
    assert sorted((f.file, f.line, f.obj.name, f.via) for f in found) == [
        ("base/deployment.yaml", 11, "dev-web", ("overlays/dev",)),
        ("base/deployment.yaml", 11, "prod-web", ("overlays/prod",))]
    assert all("base/service.yaml" in f.message for f in found)


def test_fix_mends_a_base_every_overlay_renders_and_plain_files(tmp_path, monkeypatch, capsys) -> None:
    quoted = SERVICE.replace("port: 80", 'port: "80"')
    repository(tmp_path, **{"base/service.yaml": quoted, "plain/service.yaml": quoted})
    monkeypatch.chdir(tmp_path)
    main(["--no-cache", "--fix", "--select", "schema,nodeport-out-of-range", "--unsafe-fixes", "."])
    out = capsys.readouterr().out
    assert (tmp_path / "plain/service.yaml").read_text() == SERVICE  # fixed
    # Rendered, the base's quoted port is fixed once in the base, for both overlays.
    assert (tmp_path / "base/service.yaml").read_text() == SERVICE
    # A deletion is not carried over to a patch (a patch's key may only override the base's),
    # and the report names the overlay as the run does, not the copies --fix lints.
    assert (tmp_path / "overlays/prod/service-nodeport.yaml").read_text() == NODEPORT_PATCH
    assert "overlays/prod/service-nodeport.yaml:10:17: error[nodeport-out-of-range]" in out, out
    assert "(via overlays/prod)" in out and "schema" not in out, out
