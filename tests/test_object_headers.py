"""Misspelled object headers (`not-an-object`): a manifest whose `apiVersion` or `kind` is written
in another case or misspelled is refused by kubectl, and reported at the key to fix, whether or not
the file holds other objects; values files, CI configs and the like, which are not manifests, stay quiet.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from svclint.check.engine import Report
from tests.conftest import lint_text, problems
from tests.test_cli import BAD_NODEPORT
from tests.test_hostile_input import WITNESSES


def lint(tmp_path: Path, text: str, name: str = "manifest.yaml") -> Report:
    return lint_text(tmp_path, text, name=name, select=WITNESSES)


def messages(report: Report) -> list[tuple[int, int, str]]:
    return [(f.line, f.column, f.message) for f in report.findings if f.rule == "not-an-object"]


BODY = "metadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n"


@pytest.mark.parametrize(("api_version", "kind", "wrong"), [
    pytest.param("apiversion", "kind", "apiversion", id="apiversion"),
    pytest.param("APIVersion", "kind", "APIVersion", id="APIVersion"),
    pytest.param("ApiVersion", "kind", "ApiVersion", id="ApiVersion"),
    pytest.param("api_version", "kind", "api_version", id="api_version"),
    pytest.param("api-version", "kind", "api-version", id="api-version"),
    pytest.param("apiVersion", "Kind", "Kind", id="Kind"),
    pytest.param("apiVersion", "KIND", "KIND", id="KIND"),
])
def test_a_header_in_another_case_is_an_error_at_its_key(tmp_path, api_version: str, kind: str, wrong: str) -> None:
    report = lint(tmp_path, f"{api_version}: v1\n{kind}: Service\n{BODY}")
    line = 1 if wrong == api_version else 2
    header = "apiVersion" if line == 1 else "kind"
    assert messages(report) == [(line, 1, f"`{wrong}` should be `{header}`: kubectl rejects an object without "
                                          f"{header} " + ('("apiVersion not set")' if line == 1
                                                         else '("Object \'Kind\' is missing")'))]
    assert report.objects == 0


@pytest.mark.parametrize(("text", "position", "fix"), [
    pytest.param("apiVerison: v1\nkind: Service\n", (1, 1), "`apiVerison` should be `apiVersion`", id="swapped"),
    pytest.param("apiVersions: v1\nkind: Service\n", (1, 1), "`apiVersions` should be `apiVersion`", id="extra"),
    pytest.param("apiVersio: apps/v1\nkind: Deployment\n", (1, 1), "`apiVersio` should be `apiVersion`",
                 id="missing-letter"),
    pytest.param("apiVresoin: v1\nkind: Service\n", (1, 1), "`apiVresoin` should be `apiVersion`", id="two-swaps"),
    pytest.param("kind: Service\nApiVerison: v1\n", (2, 1),
                 "`ApiVerison` should be `apiVersion`", id="case-and-swap"),
    pytest.param("apiVersion: v1\nkidn: Service\n", (2, 1), "`kidn` should be `kind`", id="kidn"),
    pytest.param("apiVersion: v1\nknd: Service\n", (2, 1), "`knd` should be `kind`", id="knd"),
    pytest.param("apiVersion: v1\nkinds: Service\n", (2, 1), "`kinds` should be `kind`", id="kinds"),
    pytest.param("apiVersion: v1\n'kind ': Service\n", (2, 1), "`kind ` should be `kind`", id="trailing-space"),
])
def test_a_misspelled_header_is_an_error_at_its_key(tmp_path, text: str, position: tuple, fix: str) -> None:
    found = messages(lint(tmp_path, text + BODY))
    assert [(line, column) for line, column, _ in found] == [position], found
    assert found[0][2].startswith(fix + ": kubectl rejects an object without "), found


def test_both_headers_wrong_are_two_errors(tmp_path) -> None:
    report = lint(tmp_path, f"# a Service\napiversion: v1\nKind: Service\n{BODY}")
    assert problems(report) == [(2, 1, "not-an-object"), (3, 1, "not-an-object")]
    assert [m for _, _, m in messages(report)] == [
        "`apiversion` should be `apiVersion`: kubectl rejects an object without apiVersion (\"apiVersion not set\")",
        "`Kind` should be `kind`: kubectl rejects an object without kind (\"Object 'Kind' is missing\")"]
    report = lint(tmp_path, f"apiVerison: v1\nkidn: Service\n{BODY}")
    assert problems(report) == [(1, 1, "not-an-object"), (2, 1, "not-an-object")]


def test_a_misspelled_header_and_no_other_header_in_an_object_with_metadata(tmp_path) -> None:
    assert messages(lint(tmp_path, f"Kind: Service\n{BODY}")) == [
        (1, 1, "`Kind` should be `kind`: kubectl rejects an object without kind (\"Object 'Kind' is missing\")"),
        (1, 1, "this document has no `apiVersion`, so kubectl rejects it (\"apiVersion not set\")")]


def test_a_misspelled_header_among_objects_is_reported_once_at_its_key(tmp_path) -> None:
    report = lint(tmp_path, f"{BAD_NODEPORT}---\nkind: Service\napiversion: v1\n{BODY}")
    assert problems(report) == [(9, 17, "nodeport-out-of-range"), (12, 1, "not-an-object")]
    assert report.objects == 1


def test_the_closest_misspelling_is_the_one_pointed_at_and_the_last_on_a_tie(tmp_path) -> None:
    found = messages(lint(tmp_path, f"apiVersion: v1\nKind: Service\nkidn: Service\n{BODY}"))
    assert [(line, message.split(" ")[0]) for line, _, message in found] == [(2, "`Kind`")]
    found = messages(lint(tmp_path, f"apiVersion: v1\nKIND: Service\nKind: Service\n{BODY}"))
    assert [(line, message.split(" ")[0]) for line, _, message in found] == [(3, "`Kind`")]


def test_a_json_manifest_with_a_header_in_another_case(tmp_path) -> None:
    text = '{"apiVersion": "v1",\n "Kind": "Service",\n "metadata": {"name": "web"}}\n'
    assert problems(lint(tmp_path, text, name="service.json")) == [(2, 2, "not-an-object")]


def test_a_wrong_type_beside_a_misspelled_header(tmp_path) -> None:
    assert problems(lint(tmp_path, f"apiVersion: 1\nKind: Service\n{BODY}")) == [
        (1, 13, "not-an-object"), (2, 1, "not-an-object")]


# Files that are not manifests, with keys like the headers: none of them is reported.
HELM_VALUES = """\
replicaCount: 2
kind: Deployment
image:
  repository: nginx
  tag: "1.25"
  pullPolicy: IfNotPresent
service:
  type: ClusterIP
  port: 80
podAnnotations: {}
"""
HELM_VALUES_WITH_METADATA = """\
kind: DaemonSet
appVersion: v1
version: "2.1"
metadata:
  labels:
    team: web
controller:
  kind: Deployment
  apiVersion: apps/v1
"""
HELM_CHART = """\
apiVersion: v2
name: web
description: A Helm chart for the web front end
type: application
version: 0.1.0
appVersion: "1.16.0"
kubeVersion: ">=1.25.0"
"""
GITHUB_WORKFLOW = """\
name: ci
on:
  push:
    branches: [main]
jobs:
  kind:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: helm/kind-action@v1
        with:
          version: v0.22.0
"""
GITLAB_CI = """\
image: alpine:3.19
stages: [test, deploy]
variables:
  KIND_VERSION: v0.22.0
kind:
  stage: test
  script: [kind create cluster]
"""
DOCKER_COMPOSE = """\
version: "3.8"
services:
  web:
    image: nginx
    ports: ["80:80"]
"""
KUSTOMIZATION = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
resources: [service.yaml]
images:
  - name: web
    newTag: v2
"""
KUSTOMIZATION_WITHOUT_HEADERS = """\
namespace: shop
resources: [service.yaml]
namePrefix: prod-
"""
ARGO_APP_OF_APPS_VALUES = """\
spec:
  destination:
    server: https://kubernetes.default.svc
  source:
    repoURL: https://example.com/apps.git
    targetRevision: HEAD
applications:
  - name: web
    kind: Application
"""


@pytest.mark.parametrize(("name", "text"), [
    pytest.param("values.yaml", HELM_VALUES, id="helm-values"),
    pytest.param("values.yaml", HELM_VALUES_WITH_METADATA, id="helm-values-metadata-Kind-not-a-kind"),
    pytest.param("values.yaml", "kind: foo\n", id="kind-alone"),
    pytest.param("values.yaml", "Kind: Deployment\nreplicas: 2\n", id="Kind-without-manifest-shape"),
    pytest.param("values.yaml", "apiversion: v1\nimage: nginx\n", id="apiversion-without-manifest-shape"),
    pytest.param("values.yaml", "Kind: {name: web}\napiVersion: v1\n", id="Kind-of-a-mapping"),
    pytest.param("values.yaml", "kind: Deployment\nVersion: v1\nmetadata: {}\n", id="version-is-not-apiVersion"),
    pytest.param("values.yaml", "apiVersion: v1\nbind: 0.0.0.0\nking: arthur\n", id="words-near-kind"),
    pytest.param("values.yaml", "apiVersion: v1\nKind: ''\n", id="Kind-empty"),
    pytest.param("Chart.yaml", HELM_CHART, id="helm-chart"),
    pytest.param("ci.yaml", GITHUB_WORKFLOW, id="github-workflow"),
    pytest.param(".gitlab-ci.yml", GITLAB_CI, id="gitlab-ci"),
    pytest.param("docker-compose.yaml", DOCKER_COMPOSE, id="docker-compose"),
    pytest.param("kustomization.yaml", KUSTOMIZATION, id="kustomization"),
    pytest.param("kustomization.yaml", KUSTOMIZATION_WITHOUT_HEADERS, id="kustomization-without-headers"),
    pytest.param("values.yaml", ARGO_APP_OF_APPS_VALUES, id="argo-app-of-apps-values"),
])
def test_files_that_are_not_manifests_stay_quiet(tmp_path, name: str, text: str) -> None:
    assert lint(tmp_path, text, name=name).findings == []
