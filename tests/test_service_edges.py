"""Each Service rule at its edges: a snippet and the exact (line, column, rule) of every finding.

Snippets have no selector, and only the Service validation rules (SVC1xx) run.
"""

from __future__ import annotations

import pytest

from svclint.check.finding import Severity
from tests.conftest import lint_text, problems
from tests.service_validation import validation_problems, validation_report

HEAD = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"


def lint(tmp_path, text: str, **settings) -> list[tuple[int, int, str]]:
    return validation_problems(tmp_path, text, **settings)


@pytest.mark.parametrize(("port", "expected"), [
    (0, [(7, 13, "port-invalid")]),
    (1, []),
    (65535, []),
    (65536, [(7, 13, "port-invalid")]),
    (-80, [(7, 13, "port-invalid")]),
])
def test_port_number_edges(tmp_path, port: int, expected) -> None:
    assert lint(tmp_path, HEAD + f"spec:\n  ports:\n    - port: {port}\n") == expected


@pytest.mark.parametrize(("node_port", "expected"), [
    (29999, [(9, 17, "nodeport-out-of-range")]),
    (30000, []),
    (32767, []),
    (32768, [(9, 17, "nodeport-out-of-range")]),
])
def test_node_port_edges(tmp_path, node_port: int, expected) -> None:
    text = HEAD + f"spec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: {node_port}\n"
    assert lint(tmp_path, text) == expected


@pytest.mark.parametrize(("length", "expected"), [(63, []), (64, [(4, 9, "name-invalid")])])
def test_service_name_length_edges(tmp_path, length: int, expected) -> None:
    text = HEAD.replace("name: web", "name: " + "a" * length) + "spec:\n  ports:\n    - port: 80\n"
    assert lint(tmp_path, text) == expected


@pytest.mark.parametrize(("length", "expected"), [(63, []), (64, [(7, 13, "port-name-invalid")])])
def test_port_name_length_edges(tmp_path, length: int, expected) -> None:
    text = HEAD + f"spec:\n  ports:\n    - name: {'p' * length}\n      port: 80\n"
    assert lint(tmp_path, text) == expected


@pytest.mark.parametrize(("length", "expected"), [(63, []), (64, [(6, 10, "label-invalid")])])
def test_label_value_length_edges(tmp_path, length: int, expected) -> None:
    text = HEAD + f"  labels:\n    app: {'v' * length}\nspec:\n  ports:\n    - port: 80\n"
    assert lint(tmp_path, text) == expected


@pytest.mark.parametrize(("timeout", "expected"), [
    (0, [(11, 23, "session-affinity-invalid")]),
    (1, []),
    (86400, []),
    (86401, [(11, 23, "session-affinity-invalid")]),
])
def test_session_affinity_timeout_edges(tmp_path, timeout: int, expected) -> None:
    text = HEAD + ("spec:\n  ports:\n    - port: 80\n  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n"
                   f"    clientIP:\n      timeoutSeconds: {timeout}\n")
    assert lint(tmp_path, text) == expected


@pytest.mark.parametrize(("target", "expected"), [
    ("0", []),
    ("1", []),
    ("65535", []),
    ("65536", [(8, 19, "target-port-invalid")]),
    ("-1", [(8, 19, "target-port-invalid")]),
    ('"8080"', [(8, 19, "target-port-invalid")]),
    ("http", []),
    ("abcdefghijklmno", []),  # 15 characters
    ("abcdefghijklmnop", [(8, 19, "target-port-invalid")]),  # 16
    ("a--b", [(8, 19, "target-port-invalid")]),
    ("http-", [(8, 19, "target-port-invalid")]),
    ("HTTP", [(8, 19, "target-port-invalid")]),
    ('""', []),
])
def test_target_port_edges(tmp_path, target: str, expected) -> None:
    text = HEAD + f"spec:\n  ports:\n    - port: 80\n      targetPort: {target}\n"
    assert lint(tmp_path, text) == expected


ACCEPTED_LOOK_ALIKES = {
    "a 16 to 63 character port name": "spec:\n  ports:\n    - name: prometheus-metrics-endpoint\n      port: 80\n",
    "an all-digit port name": 'spec:\n  ports:\n    - name: "8443"\n      port: 8443\n',
    "sessionAffinityConfig with sessionAffinity None": (
        "spec:\n  sessionAffinity: None\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 0\n"
        "  ports:\n    - port: 80\n"),
    "sessionAffinityConfig without sessionAffinity": (
        "spec:\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 999999\n  ports:\n    - port: 80\n"),
    "an empty selector": "spec:\n  selector: {}\n  ports:\n    - port: 80\n",
    "53/TCP and 53/UDP sharing one nodePort": (
        "spec:\n  type: NodePort\n  ports:\n    - name: dns-tcp\n      port: 53\n      nodePort: 30053\n"
        "    - name: dns-udp\n      port: 53\n      protocol: UDP\n      nodePort: 30053\n"),
    "targetPort 0": "spec:\n  ports:\n    - port: 80\n      targetPort: 0\n",
    "loadBalancerIP on ClusterIP": "spec:\n  loadBalancerIP: 203.0.113.10\n  ports:\n    - port: 80\n",
    "loadBalancerIP on NodePort": "spec:\n  type: NodePort\n  loadBalancerIP: 203.0.113.10\n  ports:\n    - port: 80\n",
    "loadBalancerIP on ExternalName": (
        "spec:\n  type: ExternalName\n  externalName: db.example.com\n  loadBalancerIP: 203.0.113.10\n"),
    "a headless Service without ports": "spec:\n  clusterIP: None\n",
    "an ExternalName Service without ports, named by an IPv4 literal": (
        "spec:\n  type: ExternalName\n  externalName: 10.0.0.1\n"),
    "an externalName with a trailing dot": "spec:\n  type: ExternalName\n  externalName: db.example.com.\n",
    "externalTrafficPolicy Cluster on ClusterIP with externalIPs": (
        "spec:\n  externalTrafficPolicy: Cluster\n  externalIPs: [203.0.113.10]\n  ports:\n    - port: 80\n"),
    "internalTrafficPolicy on ExternalName": (
        "spec:\n  type: ExternalName\n  externalName: db.example.com\n  internalTrafficPolicy: Local\n"),
    "an explicit nodePort null on ClusterIP": "spec:\n  ports:\n    - port: 80\n      nodePort: null\n",
    "nodePort 0 on ClusterIP": "spec:\n  ports:\n    - port: 80\n      nodePort: 0\n",
    "an upper-case appProtocol": "spec:\n  ports:\n    - port: 80\n      appProtocol: TCP\n",
    "an explicitly requested nodePort with allocateLoadBalancerNodePorts false": (
        "spec:\n  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n  ports:\n    - port: 80\n"
        "      nodePort: 30080\n"),
    "a healthCheckNodePort on LoadBalancer with Local": (
        "spec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 30100\n"
        "  ports:\n    - port: 80\n"),
    "SingleStack with one family": (
        "spec:\n  ipFamilyPolicy: SingleStack\n  ipFamilies: [IPv4]\n  ports:\n    - port: 80\n"),
    "a port written as 80.0 (kubectl sends 80)": "spec:\n  ports:\n    - port: 80.0\n",
    "an empty protocol, type and sessionAffinity (defaulted)": (
        'spec:\n  type: ""\n  sessionAffinity: ""\n  ports:\n    - port: 80\n      protocol: ""\n'),
    "the same port number for TCP and UDP": (
        "spec:\n  ports:\n    - name: a\n      port: 53\n    - name: b\n      port: 53\n      protocol: UDP\n"),
    "a source-range annotation left blank on LoadBalancer": (
        '  annotations:\n    service.beta.kubernetes.io/load-balancer-source-ranges: " "\n'
        "spec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n"),
    "source ranges padded with spaces": (
        'spec:\n  type: LoadBalancer\n  loadBalancerSourceRanges: [" 10.0.0.0/8 "]\n  ports:\n    - port: 80\n'),
}


@pytest.mark.parametrize("body", ACCEPTED_LOOK_ALIKES.values(), ids=ACCEPTED_LOOK_ALIKES.keys())
def test_accepted_look_alikes_have_no_finding(tmp_path, body: str) -> None:
    assert lint(tmp_path, HEAD + body) == []
    errors = [f for f in lint_text(tmp_path, HEAD + body).findings if f.severity == Severity.ERROR]
    assert errors == []  # nor from any other rule


def test_headless_with_external_ips_is_accepted_with_a_warning_only(tmp_path) -> None:
    text = HEAD + ("spec:\n  clusterIP: None\n  externalIPs: [203.0.113.10]\n  externalTrafficPolicy: Local\n"
                   "  ports:\n    - port: 80\n")
    assert lint(tmp_path, text) == [(7, 3, "field-ignored")]


def test_leading_digit_names_follow_the_kubernetes_version(tmp_path) -> None:
    text = HEAD.replace("name: web", "name: 2fa-api") + "spec:\n  ports:\n    - port: 80\n"
    assert lint(tmp_path, text, kubernetes_version="1.35") == [(4, 9, "name-invalid")]
    assert lint(tmp_path, text, kubernetes_version="1.36") == []
    assert lint(tmp_path, text) == []  # the newest bundled version
    dotted = text.replace("2fa-api", "2fa.api")
    assert lint(tmp_path, dotted, kubernetes_version="1.36") == [(4, 9, "name-invalid")]


@pytest.mark.parametrize(("version", "value", "expected"), [
    ("1.29", "PreferClose", [(6, 3, "schema")]),  # no such field yet
    ("1.30", "Anything", []),  # alpha, off by default: the field is dropped
    ("1.31", "PreferClose", []),
    ("1.31", "Nearest", [(6, 24, "value-not-supported")]),
    ("1.33", "PreferSameZone", [(6, 24, "value-not-supported")]),
    ("1.33", "PreferSameNode", [(6, 24, "value-not-supported")]),
    ("1.34", "PreferSameZone", []),
    ("1.34", "PreferSameNode", []),
    ("1.34", "PreferClose", [(6, 24, "deprecated-field")]),
])
def test_traffic_distribution_follows_the_kubernetes_version(tmp_path, version, value, expected) -> None:
    text = HEAD + f"spec:\n  trafficDistribution: {value}\n  ports:\n    - port: 80\n"
    assert validation_problems(tmp_path, text, "deprecated-field", kubernetes_version=version) == expected


TOLERATE = "    service.alpha.kubernetes.io/tolerate-unready-endpoints: \"{value}\"\n"


@pytest.mark.parametrize(("value", "field", "advice"), [
    ("true", "", "set spec.publishNotReadyAddresses: true"),
    ("true", "  publishNotReadyAddresses: true\n", "remove it"),
    ("false", "", "remove it"),
])
def test_tolerate_unready_endpoints_names_its_replacement(tmp_path, value, field, advice) -> None:
    text = (HEAD + "  annotations:\n" + TOLERATE.format(value=value)
            + "spec:\n  clusterIP: None\n" + field + "  selector:\n    app: etcd\n  ports:\n    - port: 2380\n")
    report = validation_report(tmp_path, text, "deprecated-field")
    assert problems(report) == [(6, 5, "deprecated-field")]
    message = report.findings[0].message
    assert advice in message and len(message) <= 160


def test_removed_topology_keys_names_its_replacement(tmp_path) -> None:
    text = HEAD + "spec:\n  topologyKeys: [kubernetes.io/hostname, '*']\n  ports:\n    - port: 80\n"
    report = validation_report(tmp_path, text, "deprecated-field", kubernetes_version="1.25")
    assert problems(report) == [(6, 3, "schema")]
    assert "removed in Kubernetes 1.22: use spec.trafficDistribution" in report.findings[0].message
