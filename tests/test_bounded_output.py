"""Output and memory stay bounded whatever a file repeats: aliases of a big value, one bad
item aliased 20,000 times, thousands of Services sharing a nodePort, a million non-object
documents, a big JSON List (read with the json module, located without composing nodes)."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from svclint.source import complexity, documents
from tests.conftest import lint_text

SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n"


def test_a_message_quotes_only_an_excerpt_of_an_aliased_value(tmp_path) -> None:
    items = ", ".join(["&a " + "x" * 65_536] + ["*a"] * 50)
    report = lint_text(tmp_path, SERVICE + f"  externalIPs: [{items}]\n")
    assert report.findings
    assert max(len(f.message) for f in report.findings) < 2_000
    assert sum(len(f.message) for f in report.findings) < 20_000


def test_findings_about_one_aliased_item_are_one_finding(tmp_path) -> None:
    report = lint_text(tmp_path, SERVICE + "  externalIPs: [&a 1.2.3, " + "*a, " * 2_000 + "*a]\n")
    invalid = [f for f in report.findings if f.rule == "external-ip-invalid"]
    assert [(f.line, f.column) for f in invalid] == [(8, 17)]
    assert "the same at 2,001 more places: spec.externalIPs[1], spec.externalIPs[2], spec.externalIPs[3], ..." \
        in invalid[0].message


def test_a_few_alike_findings_stay_apart(tmp_path) -> None:
    report = lint_text(tmp_path, SERVICE + "  externalIPs: [1.2.3, 1.2.3, 1.2.3]\n", select=["external-ip-invalid"])
    assert len(report.findings) == 3


def test_services_sharing_a_node_port_name_a_few_of_the_others(tmp_path) -> None:
    service = SERVICE.replace("spec:\n", "spec:\n  type: NodePort\n") + "      nodePort: 30080\n"
    text = "---\n".join(service.replace("name: web", f"name: web{i:02}") for i in range(40))
    report = lint_text(tmp_path, text, select=["nodeport-conflict"])
    assert len(report.findings) == 40
    first = report.findings[0].message
    assert first.startswith("nodePort 30080 is also requested by Service default/web01 (")
    assert "web03 (" in first and "web04" not in first and "and 36 other Services:" in first
    assert max(len(f.message) for f in report.findings) < 600


def test_two_services_sharing_a_node_port_name_each_other(tmp_path) -> None:
    service = SERVICE.replace("spec:\n", "spec:\n  type: NodePort\n") + "      nodePort: 30080\n"
    text = service + "---\n" + service.replace("name: web", "name: api")
    report = lint_text(tmp_path, text, select=["nodeport-conflict"])
    assert [f.message.split(":")[0] for f in report.findings] == [
        f"nodePort 30080 is also requested by Service default/api ({tmp_path / 'manifest.yaml'})",
        f"nodePort 30080 is also requested by Service default/web ({tmp_path / 'manifest.yaml'})"]


def test_non_object_documents_are_listed_up_to_a_limit_then_counted(tmp_path) -> None:
    report = lint_text(tmp_path, SERVICE + "---\n- a\n" * 1_200, select=["not-an-object"])
    assert len(report.findings) == documents.MAX_COMPLAINTS + 1
    last = report.findings[-1]
    assert (last.line, last.column) == (9 + 2 * documents.MAX_COMPLAINTS, 1)
    assert last.message.startswith("and 200 more documents or items from here on are not Kubernetes objects")


@pytest.mark.slow
def test_memory_does_not_grow_with_non_object_documents() -> None:
    def peak(count: int) -> int:
        source = documents.decode_source("x.yaml", b"---\n- a\n" * count)
        tracemalloc.start()
        for _ in documents.iter_documents(source):
            pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    assert peak(16_000) < peak(4_000) + 500_000  # was ~300 bytes more a document


LIST = {"apiVersion": "v1", "kind": "List", "items": [
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"web{i}", "labels": {"a": "b"}},
     "spec": {"type": "NodePort", "selector": {"app": "x"},
              "ports": [{"name": "http", "port": 80, "targetPort": "8080", "nodePort": 40000 + i}]}}
    for i in range(30)] + [  # a workload none of them selects, so that selectors are checked
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "worker", "labels": {"app": "worker"}},
     "spec": {"containers": [{"name": "worker", "image": "busybox"}]}}]}


def _findings(report) -> list[tuple]:
    return [(f.line, f.column, f.rule, f.message) for f in report.findings]


def test_a_json_list_is_read_and_located_without_composing_nodes(tmp_path, monkeypatch) -> None:
    text = json.dumps(LIST, indent=2) + "\n"
    as_yaml = _findings(lint_text(tmp_path, text, name="list.json"))
    assert {rule for _, _, rule, _ in as_yaml} >= {"nodeport-out-of-range", "target-port-invalid", "selector-no-match"}

    def no_nodes(*args, **kwargs):
        raise AssertionError("composed as YAML")

    monkeypatch.setattr(documents, "compose_unchecked", no_nodes)
    monkeypatch.setattr(complexity, "compose_documents", no_nodes)
    monkeypatch.setattr("svclint.source.positions.compose_documents", no_nodes)
    assert _findings(lint_text(tmp_path, text, name="list.json")) == as_yaml


@pytest.mark.parametrize("text", [
    '{"apiVersion": "v1", "kind": "Service", "kind": "Service", "metadata": {"name": "a"}}',
    '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}, "spec": {"ports": [{"port": 1e999}]}}',
    '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}, "spec": {"ports": [{"port": NaN}]}}',
    '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a\\ud800"}}',
    '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}, "spec": {"clusterIP": 99999999999999999999}}',
    '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}}\n{"apiVersion": "v1", "kind": "Service"}',
    '{"apiVersion": "v1", "kind": "List", "items": [1, {"apiVersion": "v1"}]}',
    '{apiVersion: v1, kind: Service, metadata: {name: "a"}, spec: {ports: [{port: 0}]}}',
    '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}, "spec": {"ports": [{"port": 8.0e1, "x": 1.5}]}}',
    '\t{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}}',
    '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a", "<<": {"x": 1}}}',
    '{"apiVersion": "v1", "kind": "Service",\r\n "metadata": {"name": "a_b"}, "spec": {"ports": [{"port": "80"}]}}',
])
def test_json_read_with_the_json_module_gives_what_the_yaml_path_gives(tmp_path, monkeypatch, text) -> None:
    fast = _findings(lint_text(tmp_path, text, name="a.json"))
    monkeypatch.setattr(documents, "load_json", lambda text: None)
    assert fast == _findings(lint_text(tmp_path, text, name="a.json"))
