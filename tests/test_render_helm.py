"""Helm charts are linted as rendered by the real Helm SDK (helm-python-sdk, the helm extra),
findings at the template that wrote the object."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import svclint

CHART = "apiVersion: v2\nname: web\nversion: 0.1.0\n"
HELPERS = """\
{{- define "web.fullname" -}}
{{ .Release.Name }}-web
{{- end }}
{{- define "web.labels" -}}
app.kubernetes.io/name: web
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {{ include "web.fullname" . }}
  labels:
    {{- include "web.labels" . | nindent 4 }}
spec:
  type: {{ .Values.service.type }}
  selector:
    {{- include "web.labels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      {{- with .Values.service.nodePort }}
      nodePort: {{ . }}
      {{- end }}
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
spec:
  selector:
    matchLabels:
      {{- include "web.labels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "web.labels" . | nindent 8 }}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - name: http
              containerPort: 8080
"""
VALUES = "service:\n  type: ClusterIP\n  port: 80\n  nodePort: null\n"


def chart(root: Path, **extra: str) -> Path:
    files = {"web/Chart.yaml": CHART, "web/values.yaml": VALUES, "web/templates/_helpers.tpl": HELPERS,
             "web/templates/service.yaml": SERVICE, "web/templates/deployment.yaml": DEPLOYMENT,
             "web/templates/NOTES.txt": "Installed {{ .Release.Name }}.\n",
             "web/values-prod.yaml": "service:\n  type: NodePort\n  nodePort: 40000\n",
             "web/values-eu.yaml": "service:\n  port: 8443\n", **extra}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def lint(root: Path, monkeypatch, *paths: str, **settings) -> list[tuple]:
    monkeypatch.chdir(root)
    report = svclint.lint(list(paths) or ["."], {"cache-dir": None, **settings})
    return [(f.file, f.line, f.rule, f.via, f.obj.name) for f in report.findings if f.rule != "exposed-nodeport"]


def test_the_default_values_render_clean_and_templates_are_never_linted_raw(tmp_path, monkeypatch) -> None:
    chart(tmp_path)
    monkeypatch.chdir(tmp_path)
    report = svclint.lint(["."], {"cache-dir": None})
    assert report.findings == []
    assert report.objects == 2 and report.notes == []  # the Service and the Deployment, rendered


def test_each_values_set_is_its_own_run_named_after_its_files(tmp_path, monkeypatch) -> None:
    chart(tmp_path)
    found = lint(tmp_path, monkeypatch, helm_values={"web": [["values-prod.yaml"], ["values-prod.yaml", "values-eu.yaml"]]},
                 helm_release="shop")
    # The nodePort the prod values set is out of range, at the template line that writes it.
    assert found == [("web/templates/service.yaml", 16, "nodeport-out-of-range",
                      ("web (values-prod.yaml)", "web (values-prod.yaml, values-eu.yaml)"), "shop-web")]


def test_a_template_error_is_a_render_failed_finding_at_chart_yaml(tmp_path, monkeypatch) -> None:
    chart(tmp_path, **{"web/templates/broken.yaml": "kind: ConfigMap\nmetadata:\n  name: {{ .Values.missing.key }}\n"})
    found = lint(tmp_path, monkeypatch)
    assert [(f[0], f[1], f[2]) for f in found] == [("web/Chart.yaml", 1, "render-failed")]
    monkeypatch.chdir(tmp_path)
    [failed] = svclint.lint(["."], {"cache-dir": None}).findings
    assert "broken.yaml" in failed.message and "nil pointer" in failed.message


def test_vendored_dependencies_are_rendered_and_missing_ones_are_a_finding(tmp_path, monkeypatch) -> None:
    with_dependency = CHART + "dependencies:\n  - name: cache\n    version: 0.1.0\n    repository: https://example.com\n"
    chart(tmp_path, **{"web/Chart.yaml": with_dependency})
    [(file, line, rule, via, _)] = lint(tmp_path, monkeypatch)
    assert (file, line, rule, via) == ("web/Chart.yaml", 1, "render-failed", ("web",))
    monkeypatch.chdir(tmp_path)
    assert "helm dependency build" in svclint.lint(["."], {"cache-dir": None}).findings[0].message
    chart(tmp_path, **{"web/charts/cache/Chart.yaml": "apiVersion: v2\nname: cache\nversion: 0.1.0\n",
                       "web/charts/cache/templates/service.yaml":
                           "apiVersion: v1\nkind: Service\nmetadata:\n  name: cache\nspec:\n"
                           "  clusterIP: None\n  selector: {app: cache}\n  ports:\n    - port: 99999\n",
                       "web/charts/cache/templates/pod.yaml":
                           "apiVersion: v1\nkind: Pod\nmetadata:\n  name: cache\n  labels: {app: cache}\nspec:\n"
                           "  containers: [{name: cache, image: redis:7}]\n"})
    assert lint(tmp_path, monkeypatch) == [("web/charts/cache/templates/service.yaml", 9, "port-invalid", ("web",),
                                            "cache")]
    assert svclint.lint(["."], {"cache-dir": None}).notes == []  # no "skipped templates" of the subchart


def test_without_the_sdk_or_helm_one_info_says_how_to_enable_it(tmp_path, monkeypatch) -> None:
    chart(tmp_path)
    monkeypatch.setitem(sys.modules, "helm_python", None)  # as if the extra were not installed
    monkeypatch.setenv("PATH", str(tmp_path / "no-helm-here"))
    found = lint(tmp_path, monkeypatch)
    assert [(f[0], f[1], f[2]) for f in found] == [("web/Chart.yaml", 1, "render-skipped")]
    monkeypatch.chdir(tmp_path)
    assert "pip install 'svclint[helm]'" in svclint.lint(["."], {"cache-dir": None}).findings[0].message


def test_release_name_and_namespace_settings(tmp_path, monkeypatch) -> None:
    chart(tmp_path, **{"web/templates/service.yaml": SERVICE.replace("  name: {{", "  namespace: {{ .Release.Namespace }}\n  name: {{")})
    monkeypatch.chdir(tmp_path)
    report = svclint.lint(["."], {"cache-dir": None, "helm-namespace": "shop", "helm-release": "blue",
                                  "helm-values": {"web": ["values-prod.yaml"]}, "select": ["nodeport-out-of-range"]})
    [finding] = report.findings
    assert (finding.obj.namespace, finding.obj.name, finding.line) == ("shop", "blue-web", 17)
    assert finding.via and not finding.exact_source  # a template line writes an expression, not the value
