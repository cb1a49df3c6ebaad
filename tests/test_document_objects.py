"""The loader's findings about a document (duplicate keys, values kubectl cannot send, misspelled
headers) name the object of that document, as rules' findings do: the object built, or, when
kubectl cannot decode the document, the kind, namespace and name written at its root."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_main
from tests.test_context import SERVICE

# test_context's Service with a port written twice, and with a port kubectl cannot send.
DUPLICATE_KEY = SERVICE + "      port: 8080\n"
INFINITY = SERVICE.replace("port: 80", "port: .inf")

MISSPELLED_HEADER = """\
apiversion: v1
kind: Service
metadata:
  namespace: shop
  name: web
spec:
  ports:
    - port: 80
"""

NAMELESS = """\
apiVersion: v1
kind: Service
metadata:
  namespace: shop
spec:
  ports:
    - port: .inf
"""


def json_findings(tmp_path: Path, text: str, rule: str) -> list[dict]:
    (tmp_path / "manifest.yaml").write_text(text, encoding="utf-8")
    result = run_main("--format", "json", "manifest.yaml", cwd=tmp_path)
    return [f for f in json.loads(result.stdout)["findings"] if f["rule"] == rule]


@pytest.mark.parametrize(("text", "rule", "line"), [
    pytest.param(DUPLICATE_KEY, "duplicate-key", 11, id="duplicate-key"),
    pytest.param(INFINITY, "invalid-yaml", 10, id="inf"),
    pytest.param(MISSPELLED_HEADER, "not-an-object", 1, id="misspelled-header"),
])
def test_a_finding_about_a_document_names_its_object(tmp_path, text: str, rule: str, line: int) -> None:
    [finding] = json_findings(tmp_path, text, rule)
    assert (finding["line"], finding["kind"], finding["namespace"], finding["name"]) == (line, "Service", "shop", "web")


def test_a_document_without_a_namespace_is_in_the_run_s_namespace(tmp_path) -> None:
    [finding] = json_findings(tmp_path, INFINITY.replace("  namespace: shop\n", ""), "invalid-yaml")
    assert (finding["kind"], finding["namespace"], finding["name"]) == ("Service", "default", "web")


def test_a_document_without_a_name_names_no_object(tmp_path) -> None:
    [finding] = json_findings(tmp_path, NAMELESS, "invalid-yaml")
    assert (finding["kind"], finding["name"]) == (None, None)
