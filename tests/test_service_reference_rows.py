"""One case per row of the API server reference (apiserver-service-validation.md), by its id.

Each case is a Service and the findings it must give, located by the token they point at.
"""

from __future__ import annotations

import pytest

from tests.service_validation import validation_problems

PORTS = "  ports:\n    - port: 80\n"


def service(spec: str, meta: str = "", name: str = "  name: web\n") -> str:
    return f"apiVersion: v1\nkind: Service\nmetadata:\n{name}{meta}spec:\n{spec}"


# row id -> (manifest, [(line, token the finding points at, rule)])
ROWS = {
    "M1 no name": (service(PORTS, name="  labels: {app: web}\n"), [(3, "metadata", "name-invalid")]),
    "M3 generateName": (service(PORTS, "  generateName: -web\n"), [(5, "-web", "name-invalid")]),
    "M4 namespace": (service(PORTS, "  namespace: my_ns\n"), [(5, "my_ns", "name-invalid")]),
    "M6 annotation key": (service(PORTS, "  annotations:\n    a/b/c: x\n"), [(6, "a/b/c", "annotation-invalid")]),
    "M7 annotations over 256 KiB": (service(PORTS, "  annotations:\n    big: " + "x" * 262142 + "\n"),
                                    [(5, "annotations", "annotation-invalid")]),
    "M7 annotations at 256 KiB": (service(PORTS, "  annotations:\n    big: " + "x" * 262141 + "\n"), []),
    "M8 owner apiVersion without version": (
        service(PORTS, "  ownerReferences:\n    - apiVersion: apps/\n      kind: Deployment\n      name: web\n"
                       "      uid: d9607e19\n"), [(6, "apps/", "metadata-invalid")]),
    "M9 two controllers": (
        service(PORTS, "  ownerReferences:\n"
                       "    - {apiVersion: v1, kind: A, name: a, uid: '1', controller: true}\n"
                       "    - {apiVersion: v1, kind: B, name: b, uid: '2', controller: true}\n"),
        [(7, "true", "metadata-invalid")]),
    "M10 finalizer without prefix": (service(PORTS, "  finalizers: [cleanup]\n"), [(5, "cleanup", "metadata-invalid")]),
    "M11 orphan and foregroundDeletion": (service(PORTS, "  finalizers: [orphan, foregroundDeletion]\n"),
                                          [(5, "finalizers", "metadata-invalid")]),
    "M12 topology-mode differs from topology-aware-hints": (
        service(PORTS, "  annotations:\n    service.kubernetes.io/topology-mode: Auto\n"
                       "    service.kubernetes.io/topology-aware-hints: auto\n"),
        [(6, "Auto", "annotation-invalid")]),
    "P1 no ports": (service("  selector: {}\n"), [(5, "spec", "port-invalid")]),
    "P2 headless LoadBalancer": (service("  type: LoadBalancer\n  clusterIPs: [None]\n  clusterIP: None\n" + PORTS),
                                 [(7, "None", "field-not-allowed-for-type")]),
    "P3 headless NodePort": (service("  type: NodePort\n  clusterIP: None\n" + PORTS),
                             [(7, "None", "field-not-allowed-for-type")]),
    "E1 clusterIP on ExternalName": (service("  type: ExternalName\n  externalName: a.example\n  clusterIP: 10.0.0.1\n"),
                                     [(8, "clusterIP", "field-not-allowed-for-type")]),
    "E4 externalName only a dot": (service('  type: ExternalName\n  externalName: "."\n'),
                                   [(7, '"."', "external-name-invalid")]),
    "E5 externalName with upper case": (service("  type: ExternalName\n  externalName: DB.example.com\n"),
                                        [(7, "DB", "external-name-invalid")]),
    "SP8 appProtocol": (service("  ports:\n    - port: 80\n      appProtocol: grpc+web\n"),
                        [(8, "grpc+web", "port-invalid")]),
    "SP9 headless with another targetPort is tolerated": (
        service("  clusterIP: None\n  ports:\n    - port: 80\n      targetPort: http\n"), []),
    "S2 sessionAffinity": (service("  sessionAffinity: Sticky\n" + PORTS), [(6, "Sticky", "value-not-supported")]),
    "C3 clusterIPs without clusterIP": (service("  clusterIPs: [10.0.0.1]\n" + PORTS),
                                        [(6, "clusterIPs", "cluster-ip-invalid")]),
    "C5 family twice": (service("  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv6, IPv6]\n" + PORTS),
                        [(7, "IPv6]", "ip-family-invalid")]),
    "C6 ipFamilyPolicy": (service("  ipFamilyPolicy: DualStack\n" + PORTS), [(6, "DualStack", "value-not-supported")]),
    "C7 None not alone": (service("  clusterIP: None\n  clusterIPs: [None, 10.0.0.1]\n" + PORTS),
                          [(7, "clusterIPs", "cluster-ip-invalid")]),
    "C9 three cluster IPs": (
        service("  clusterIP: 10.0.0.1\n  clusterIPs: [10.0.0.1, 'fd00::1', 10.0.0.2]\n"
                "  ipFamilyPolicy: RequireDualStack\n" + PORTS), [(7, "clusterIPs", "cluster-ip-invalid")]),
    "C11 family of the IP": (service("  clusterIP: 10.0.0.1\n  ipFamilies: [IPv6]\n" + PORTS),
                             [(6, "10.0.0.1", "cluster-ip-invalid")]),
    "A1 SingleStack with two cluster IPs": (
        service("  clusterIP: 10.0.0.1\n  clusterIPs: [10.0.0.1, 'fd00::1']\n  ipFamilyPolicy: SingleStack\n" + PORTS),
        [(8, "SingleStack", "ip-family-invalid")]),
    "X2 unspecified external IP": (service("  externalIPs: [0.0.0.0]\n" + PORTS),
                                   [(6, "0.0.0.0", "external-ip-invalid")]),
    "N2 same nodePort twice on ExternalName": (
        service("  type: ExternalName\n  externalName: a.example\n  ports:\n    - {name: a, port: 80, nodePort: 30080}\n"
                "    - {name: b, port: 81, nodePort: 30080}\n"), [(10, "30080", "duplicate-port")]),
    "L3 source-range annotation on NodePort": (
        service("  type: NodePort\n" + PORTS,
                "  annotations:\n    service.beta.kubernetes.io/load-balancer-source-ranges: 10.0.0.0/8\n"),
        [(6, "service.beta", "field-not-allowed-for-type")]),
    "L5 allocateLoadBalancerNodePorts on NodePort": (
        service("  type: NodePort\n  allocateLoadBalancerNodePorts: true\n" + PORTS),
        [(7, "allocateLoadBalancerNodePorts", "field-not-allowed-for-type")]),
    "L7 loadBalancerClass on ClusterIP": (service("  loadBalancerClass: example.com/lb\n" + PORTS),
                                          [(6, "loadBalancerClass", "field-not-allowed-for-type")]),
    "TP3 old annotation value": (service("  type: LoadBalancer\n  externalTrafficPolicy: Global\n" + PORTS),
                                 [(7, "Global", "value-not-supported")]),
    "TP4 healthCheckNodePort on NodePort": (
        service("  type: NodePort\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 30100\n" + PORTS),
        [(8, "30100", "traffic-policy-invalid")]),
    "TP7 empty internalTrafficPolicy": (service('  internalTrafficPolicy: ""\n' + PORTS),
                                        [(6, '""', "value-not-supported")]),
    "A4 healthCheckNodePort outside the range": (
        service("  type: LoadBalancer\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 40000\n" + PORTS),
        [(8, "40000", "nodeport-out-of-range")]),
    "W externalIPs on ExternalName": (
        service("  type: ExternalName\n  externalName: a.example\n  externalIPs: [203.0.113.10]\n"),
        [(8, "externalIPs", "field-ignored")]),
    "W loadBalancerIP on a headless Service": (service("  clusterIP: None\n  loadBalancerIP: 203.0.113.10\n" + PORTS),
                                              [(7, "loadBalancerIP", "field-ignored")]),
    "W IPv6 not canonical": (service("  externalIPs: ['2001:DB8::1']\n" + PORTS),
                             [(6, "'2001", "ip-not-canonical")]),
}


@pytest.mark.parametrize(("text", "expected"), ROWS.values(), ids=ROWS.keys())
def test_reference_row(tmp_path, text: str, expected) -> None:
    lines = text.splitlines()
    located = [(line, lines[line - 1].index(token) + 1, rule) for line, token, rule in expected]
    assert validation_problems(tmp_path, text) == located
