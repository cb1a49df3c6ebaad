"""`--fix` on what overlays and charts render: a finding is fixed in the resource or patch file
that wrote the value, only where that position holds the very value rendered, and never in a
Helm template (real `kubectl kustomize`, real Helm SDK; each build takes ~0.3 s)."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

import svclint

pytestmark = pytest.mark.slow

SERVICE = """\
# The shop's web front: every environment serves it.
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
      protocol: tcp   # written by hand
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
            - name: metrics
              containerPort: 9090
"""
BASE = """\
resources:
  - service.yaml
  - deployment.yaml
"""
METRICS_PATCH = """\
# dev scrapes metrics through the Service
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - name: metrics
      port: "8080"
      targetPort: metrics
"""
DEV = """\
namePrefix: dev-
resources:
  - ../../base
patches:
  - path: service-metrics.yaml
"""
PROD = """\
namePrefix: prod-
resources:
  - ../../base
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def repository(root: Path, **extra: str) -> Path:
    return write(root, {"base/service.yaml": SERVICE, "base/deployment.yaml": DEPLOYMENT,
                        "base/kustomization.yaml": BASE, "overlays/dev/kustomization.yaml": DEV,
                        "overlays/dev/service-metrics.yaml": METRICS_PATCH,
                        "overlays/prod/kustomization.yaml": PROD, **extra})


def contents(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_base_value_both_overlays_render_is_fixed_once_in_the_base(tmp_path, cli) -> None:
    repository(tmp_path)
    before = svclint.lint([str(tmp_path)], {"cache-dir": None}).findings
    tcp = [f for f in before if f.rule == "value-not-supported"]
    # One finding per overlay (the port's index differs), both at the base's line, both exact.
    assert sorted(f.via for f in tcp) == [(str(tmp_path / "overlays/dev"),), (str(tmp_path / "overlays/prod"),)]
    assert all(f.file == str(tmp_path / "base/service.yaml") and f.line == 12 and f.exact_source for f in tcp)
    run = cli("--no-cache", "--fix", ".", cwd=tmp_path)
    assert (tmp_path / "base/service.yaml").read_text() == SERVICE.replace("protocol: tcp ", "protocol: TCP ")
    assert (tmp_path / "overlays/dev/service-metrics.yaml").read_text() == METRICS_PATCH.replace('"8080"', "8080")
    assert "fixed 3 problems in 2 files" in run.stderr, run.stderr
    assert "No problems (3 fixed)" in run.stdout, run.stdout
    after = svclint.lint([str(tmp_path)], {"cache-dir": None}).findings  # re-rendered from the fixed files
    assert not {"value-not-supported", "schema"} & {f.rule for f in after}


def test_a_patch_value_is_fixed_in_the_patch_and_not_in_the_base(tmp_path, cli) -> None:
    repository(tmp_path, **{"base/service.yaml": SERVICE.replace("tcp", "TCP")})
    base = (tmp_path / "base/service.yaml").read_text()
    run = cli("--no-cache", "--fix", ".", cwd=tmp_path)
    assert (tmp_path / "overlays/dev/service-metrics.yaml").read_text() == METRICS_PATCH.replace('"8080"', "8080")
    assert (tmp_path / "base/service.yaml").read_text() == base
    assert "fixed 1 problem in 1 file" in run.stderr, run.stderr


def test_a_second_fix_changes_nothing(tmp_path, cli) -> None:
    repository(tmp_path)
    cli("--no-cache", "--fix", ".", cwd=tmp_path)
    fixed = contents(tmp_path)
    again = cli("--no-cache", "--fix", ".", cwd=tmp_path)
    assert contents(tmp_path) == fixed
    assert "fixed 0 problems in 0 files" in again.stderr
    assert cli("--no-cache", "--diff", ".", cwd=tmp_path).returncode == 0


def test_diff_shows_the_edits_in_the_source_files_and_changes_nothing(tmp_path, cli) -> None:
    repository(tmp_path)
    before = contents(tmp_path)
    run = cli("--no-cache", "--diff", ".", cwd=tmp_path)
    assert run.returncode == 1
    assert contents(tmp_path) == before
    assert run.stdout == (
        "--- base/service.yaml\n+++ base/service.yaml\n@@ -9,5 +9,5 @@\n"
        "   ports:\n     - name: http\n       port: 80\n"
        "-      protocol: tcp   # written by hand\n+      protocol: TCP   # written by hand\n"
        "       targetPort: http\n"
        "--- overlays/dev/service-metrics.yaml\n+++ overlays/dev/service-metrics.yaml\n@@ -6,5 +6,5 @@\n"
        " spec:\n   ports:\n     - name: metrics\n"
        '-      port: "8080"\n+      port: 8080\n'
        "       targetPort: metrics\n"), run.stdout
    assert "would fix 3 problems in 2 files" in run.stderr


def test_a_base_outside_the_named_overlay_is_rendered_but_not_fixed(tmp_path, cli) -> None:
    # The copies --fix lints hold the base too, so the overlay renders as the user's run does;
    # only the files the run names are written.
    repository(tmp_path)
    run = cli("--no-cache", "--fix", "overlays/dev", cwd=tmp_path)
    assert (tmp_path / "overlays/dev/service-metrics.yaml").read_text() == METRICS_PATCH.replace('"8080"', "8080")
    assert (tmp_path / "base/service.yaml").read_text() == SERVICE
    assert "base/service.yaml:12:17: error[value-not-supported]" in run.stdout, run.stdout
    assert "(via overlays/dev)" in run.stdout and "svclint-fix-" not in run.stdout, run.stdout


ROLLOUT = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
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
        app.kubernetes.io/part-of: shop-web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - name: http
              containerPort: 8080
  strategy:
    canary: {}
"""


def test_a_value_a_kustomization_adds_is_not_fixed(tmp_path, cli) -> None:
    # commonLabels adds part-of: shop to the Service's selector, but not to the Rollout's pods
    # (kustomize does not know where a Rollout keeps them), which say shop-web: the selector
    # matches nothing. Its (unsafe) fix would set the selector's part-of to shop-web; that
    # value is written by the kustomization (commonLabels), not at the base's selector.
    write(tmp_path, {"base/service.yaml": SERVICE.replace("tcp", "TCP"), "base/rollout.yaml": ROLLOUT,
                     "base/kustomization.yaml": "resources:\n  - service.yaml\n  - rollout.yaml\n",
                     "prod/kustomization.yaml": "resources:\n  - ../base\ncommonLabels:\n  app.kubernetes.io/part-of: shop\n"})
    before = contents(tmp_path)
    [finding] = svclint.lint([str(tmp_path)], {"cache-dir": None}).findings
    assert finding.rule == "selector-no-match" and finding.via and finding.fix is None
    # The finding points at the base's selector (the mapping the base writes), the fix's edit
    # at a key of it that the kustomization adds: each edit's own mapping must be exact.
    assert (finding.line, finding.exact_source) == (8, True)
    # Linted as plain text, the rendered Service's finding has that fix: the rendering drops it.
    rendered = subprocess.run(["kubectl", "kustomize", str(tmp_path / "prod")], capture_output=True,
                              text=True, check=True).stdout
    (tmp_path / "rendered.yaml").write_text(rendered)
    [plain] = svclint.lint([str(tmp_path / "rendered.yaml")], {"cache-dir": None}).findings
    assert plain.rule == "selector-no-match" and plain.fix is not None
    (tmp_path / "rendered.yaml").unlink()
    run = cli("--no-cache", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert contents(tmp_path) == before
    assert "fixed 0 problems in 0 files" in run.stderr
    assert "base/service.yaml:8:5: warning[selector-no-match]" in run.stdout, run.stdout


CHART_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: {{ .Values.port | quote }}
      protocol: tcp
      targetPort: 8080
"""


def test_a_finding_in_a_helm_template_is_never_fixed(tmp_path, cli) -> None:
    write(tmp_path, {"web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
                     "web/values.yaml": 'port: "80"\n', "web/templates/service.yaml": CHART_SERVICE})
    before = contents(tmp_path)
    found = {f.rule: f for f in svclint.lint([str(tmp_path)], {"cache-dir": None}).findings}
    assert {"value-not-supported", "schema"} <= set(found)
    assert all(f.via and not f.exact_source and f.fix is None for f in found.values())
    run = cli("--no-cache", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert contents(tmp_path) == before
    assert "fixed 0 problems in 0 files" in run.stderr
    # The copies --fix lints hold the templates: the chart is rendered, its findings reported.
    assert "web/templates/service.yaml:11:" in run.stdout and "(via web)" in run.stdout, run.stdout


def test_a_patch_named_alone_is_fixed_as_its_overlay_renders_it(tmp_path, cli) -> None:
    # As the svclint-fix pre-commit hook names a changed patch: the overlay above it renders
    # it (in the copies too), and the patch is not linted as a Service of its own.
    repository(tmp_path, **{"base/service.yaml": SERVICE.replace("tcp", "TCP")})
    run = cli("--no-cache", "--fix", "overlays/dev/service-metrics.yaml", cwd=tmp_path)
    assert (tmp_path / "overlays/dev/service-metrics.yaml").read_text() == METRICS_PATCH.replace('"8080"', "8080")
    assert "fixed 1 problem in 1 file" in run.stderr, run.stderr
    assert run.stdout.startswith("No problems (1 fixed) in 1 file, 2 objects"), run.stdout


def test_a_label_value_kubectl_reads_as_a_number_is_quoted_in_the_base(tmp_path, cli) -> None:
    labelled = SERVICE.replace("protocol: tcp ", "protocol: TCP ").replace(
        "  name: web\n", "  name: web\n  labels:\n    version: 1.5   # the release\n", 1)
    repository(tmp_path, **{"base/service.yaml": labelled})
    cli("--no-cache", "--fix", ".", cwd=tmp_path)
    assert (tmp_path / "base/service.yaml").read_text() == labelled.replace("version: 1.5 ", 'version: "1.5" ')


OPS_PROD = """\
namePrefix: prod-
resources:
  - ../../base
patches:
  - path: ops.yaml
    target:
      kind: Service
      name: web
  - target:
      kind: Service
    patch: |-
      - op: replace
        path: /spec/ports/0/targetPort
        value: "8080"
"""


def test_a_json_6902_patch_file_is_fixed_and_an_inline_patch_is_left(tmp_path, cli) -> None:
    repository(tmp_path, **{"base/service.yaml": SERVICE.replace("tcp", "TCP"),
                            "overlays/prod/kustomization.yaml": OPS_PROD,
                            "overlays/prod/ops.yaml": "- op: replace\n  path: /spec/ports/0/protocol\n  value: udp\n"})
    run = cli("--no-cache", "--fix", "overlays/prod", cwd=tmp_path)
    assert (tmp_path / "overlays/prod/ops.yaml").read_text() == \
        "- op: replace\n  path: /spec/ports/0/protocol\n  value: UDP\n"
    # The inline patch is a block scalar of the kustomization: its text is not edited.
    assert (tmp_path / "overlays/prod/kustomization.yaml").read_text() == OPS_PROD
    assert "overlays/prod/kustomization.yaml:14:16: error[target-port-invalid]" in run.stdout, run.stdout
