"""What the Service rules report beyond their edges: one finding per problem, and messages
that say what the API server says and how to fix it."""

from __future__ import annotations

from textwrap import dedent

from tests.conftest import lint_text
from tests.service_validation import validation_problems, validation_report


def findings(tmp_path, text: str, **settings) -> list[tuple[int, int, str, str]]:
    report = validation_report(tmp_path, dedent(text), **settings)
    return [(f.line, f.column, f.rule, f.message) for f in report.findings]


def located(tmp_path, text: str, **settings) -> list[tuple[int, int, str]]:
    return validation_problems(tmp_path, dedent(text), **settings)


# -- one finding per problem ------------------------------------------------------------------

def test_a_misspelled_type_is_the_only_finding(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: Loadbalancer
          externalTrafficPolicy: Local
          healthCheckNodePort: 30100
          loadBalancerSourceRanges: [10.0.0.0/8]
          loadBalancerClass: example.com/lb
          allocateLoadBalancerNodePorts: false
          ports:
            - port: 80
              nodePort: 30080
        """
    [(line, column, rule, message)] = findings(tmp_path, text)
    assert (line, column, rule) == (6, 9, "value-not-supported")
    assert message == ('spec.type: Unsupported value: "Loadbalancer": supported values: "ClusterIP", "ExternalName", '
                       '"LoadBalancer", "NodePort". Did you mean "LoadBalancer"? Values are case-sensitive.')


def test_a_misspelled_nodeport_type_does_not_make_nodeport_forbidden(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: nodeport
          ports:
            - port: 80
              nodePort: 40000
        """
    [(line, column, rule, message)] = findings(tmp_path, text)
    assert (line, column, rule) == (6, 9, "value-not-supported")
    assert 'Did you mean "NodePort"?' in message


def test_a_port_of_the_wrong_type_is_reported_once_by_the_schema(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          ports:
            - name: a
              port: "80"
            - name: b
              port: "80"
        """
    assert located(tmp_path, text) == [(8, 13, "schema"), (10, 13, "schema")]


def test_port_0_without_target_port_is_one_finding_not_two(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          ports:
            - name: a
              port: 0
            - name: b
              port: 0
        """
    assert located(tmp_path, text) == [(8, 13, "port-invalid"), (10, 13, "port-invalid")]


def test_a_yaml_boolean_label_is_reported_once_with_its_quoted_form(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          labels:
            canary: yes
            version: 1.10
        spec:
          selector:
            tier: on
          ports:
            - port: 80
        """
    found = findings(tmp_path, text)
    assert [f[:3] for f in found] == [(6, 13, "label-invalid"), (7, 14, "label-invalid"), (10, 11, "label-invalid")]
    assert found[0][3] == (
        "metadata.labels[canary]: json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of "
        'type string. kubectl reads yes as a boolean, and these values must be strings: quote it, canary: "yes"')
    assert found[1][3].endswith('kubectl reads 1.10 as a number, and these values must be strings: quote it, '
                                'version: "1.10"')
    assert "ServiceSpec.spec.selector" in found[2][3] and found[2][3].endswith('tier: "on"')


def test_the_schema_reports_label_types_when_label_invalid_is_off(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          labels:
            canary: yes
        spec:
          ports:
            - port: 80
        """
    assert located(tmp_path, text, ignore=["label-invalid"]) == [(6, 13, "schema")]


def test_annotation_values_read_as_booleans_are_reported_once(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          annotations:
            prometheus.io/scrape: true
            prometheus.io/port: 9090
        spec:
          ports:
            - port: 80
        """
    found = findings(tmp_path, text)
    assert [f[:3] for f in found] == [(6, 27, "annotation-invalid"), (7, 25, "annotation-invalid")]
    assert 'quote it, prometheus.io/scrape: "true"' in found[0][3]
    assert "kubectl apply may instead drop the whole annotations map" in found[0][3]
    assert 'prometheus.io/port: "9090"' in found[1][3]


def test_external_traffic_policy_with_a_wrong_case_on_clusterip_is_one_finding(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          externalTrafficPolicy: local
          ports:
            - port: 80
        """
    assert located(tmp_path, text) == [(6, 26, "traffic-policy-invalid")]


def test_a_misspelled_session_affinity_does_not_check_its_timeout(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          sessionAffinity: clientIP
          sessionAffinityConfig:
            clientIP:
              timeoutSeconds: 0
          ports:
            - port: 80
        """
    [(line, column, rule, message)] = findings(tmp_path, text)
    assert (line, column, rule) == (6, 20, "value-not-supported")
    assert 'Did you mean "ClientIP"?' in message


def test_fields_forbidden_on_the_type_are_not_also_value_checked(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          type: ExternalName
          externalName: db.example.com
          clusterIP: none
          ipFamilyPolicy: single
          ipFamilies: [ipv4]
          loadBalancerClass: not valid
          loadBalancerSourceRanges: [nonsense]
        """
    assert located(tmp_path, text) == [
        (8, 3, "field-not-allowed-for-type"), (9, 3, "field-not-allowed-for-type"),
        (10, 3, "field-not-allowed-for-type"), (11, 3, "field-not-allowed-for-type"),
        (12, 3, "field-not-allowed-for-type"),
    ]


def test_an_unknown_field_is_the_schemas_alone(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          ports:
            - port: 80
              targetport: 8080
        """
    assert located(tmp_path, text) == [(8, 7, "schema")]


# -- messages that must read well ---------------------------------------------------------------

def test_quoted_target_port_says_to_drop_the_quotes(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          ports:
            - port: 80
              targetPort: "8080"
        """
    [(_, _, _, message)] = findings(tmp_path, text)
    assert message == ('spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z). '
                       "The quotes make it a port name, not a number: write targetPort: 8080 without quotes")


def test_external_traffic_policy_cluster_on_plain_clusterip(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: ClusterIP
          externalTrafficPolicy: Cluster
          ports:
            - port: 80
        """
    [(line, column, rule, message)] = findings(tmp_path, text)
    assert (line, column, rule) == (7, 26, "traffic-policy-invalid")
    assert message.startswith('spec.externalTrafficPolicy: Invalid value: "Cluster": may only be set for '
                              "externally-accessible services. It is a ClusterIP Service;")
    assert "any value is rejected, even Cluster" in message


def test_node_port_on_a_service_without_type(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          ports:
            - port: 80
              nodePort: 30080
        """
    [(line, column, rule, message)] = findings(tmp_path, text)
    assert (line, column, rule) == (8, 17, "field-not-allowed-for-type")
    assert message == ("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'. The Service "
                       "has no type, so it is ClusterIP: set type: NodePort (or LoadBalancer) to expose this port "
                       "on every node, or remove nodePort")


def test_wrong_case_values_name_the_value_meant(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: NodePort
          externalTrafficPolicy: OnlyLocal
          ports:
            - port: 80
              protocol: tcp
        """
    found = findings(tmp_path, text)
    assert [f[:3] for f in found] == [(7, 26, "value-not-supported"), (10, 17, "value-not-supported")]
    assert found[0][3].endswith('Did you mean "Local"?')
    assert found[1][3] == ('spec.ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", '
                           '"UDP". Did you mean "TCP"? Values are case-sensitive.')


def test_pre_136_names_explain_the_leading_digit(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: 2fa-api
        spec:
          ports:
            - port: 80
        """
    [(_, _, _, message)] = findings(tmp_path, text, kubernetes_version="1.33")
    assert message.startswith('metadata.name: Invalid value: "2fa-api": a DNS-1035 label must consist of')
    assert message.endswith("Service names may start with a digit only from Kubernetes 1.36 on (linted for 1.33): "
                            "start it with a letter")


def test_upper_case_port_name_suggests_a_valid_one(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          ports:
            - name: HTTP_Port
              port: 80
        """
    [(_, _, _, message)] = findings(tmp_path, text)
    assert message.endswith('e.g. "http-port"')


# -- the rules' other rows -----------------------------------------------------------------------

def test_missing_name_and_port_names_when_several_ports(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          labels:
            app: web
        spec:
          ports:
            - port: 80
            - port: 443
        """
    assert located(tmp_path, text) == [(3, 1, "name-invalid"), (8, 7, "port-name-invalid"),
                                       (9, 7, "port-name-invalid")]


def test_namespace_and_generate_name(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          generateName: Web-
          namespace: Shop
        spec:
          ports:
            - port: 80
        """
    assert located(tmp_path, text) == [(4, 17, "name-invalid"), (5, 14, "name-invalid")]


def test_duplicates_within_one_service(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: LoadBalancer
          externalTrafficPolicy: Local
          healthCheckNodePort: 30443
          ports:
            - name: http
              port: 80
              nodePort: 30080
            - name: http
              port: 80
              protocol: TCP
            - name: https
              port: 443
              nodePort: 30443
            - name: https-udp
              port: 443
              protocol: UDP
              nodePort: 30080
        """
    found = findings(tmp_path, text)
    assert [f[:3] for f in found] == [(8, 24, "duplicate-port"), (13, 13, "duplicate-port"),
                                      (14, 13, "duplicate-port"), (22, 17, "duplicate-port")]
    assert found[0][3].startswith("Internal error occurred: failed to allocate requested HealthCheck NodePort 30443: "
                                  "provided port is already allocated")
    assert found[1][3].startswith('spec.ports[1].name: Duplicate value: "http"')
    assert found[2][3].startswith('spec.ports[1]: Duplicate value: core.ServicePort{Protocol:"TCP", Port:80}')
    assert found[3][3].startswith("spec.ports[3].nodePort: Invalid value: 30080: provided port is already allocated")


def test_a_group_gets_the_first_node_port_requested_in_it(tmp_path) -> None:
    # Port 443 first appears without a nodePort; its group still takes 30080 from its UDP twin,
    # so port 80 asking for 30080 afterwards collides.
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: NodePort
          ports:
            - name: https
              port: 443
            - name: http
              port: 80
              nodePort: 30080
            - name: https-udp
              port: 443
              protocol: UDP
              nodePort: 30080
        """
    assert located(tmp_path, text) == [(12, 17, "duplicate-port")]


def test_cluster_ips(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          clusterIP: 10.96.0.10
          clusterIPs: [10.96.0.10, 10.96.0.11]
          ports:
            - port: 80
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: lb
        spec:
          type: LoadBalancer
          clusterIP: None
          ports:
            - port: 80
        """
    found = findings(tmp_path, text)
    assert [f[:3] for f in found] == [(7, 3, "cluster-ip-invalid"), (17, 14, "field-not-allowed-for-type")]
    assert "may specify no more than one IP for each IP family" in found[0][3]
    assert found[1][3].startswith("spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for "
                                  "LoadBalancer services")


def test_source_range_annotation_on_a_load_balancer(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          annotations:
            service.beta.kubernetes.io/load-balancer-source-ranges: "10.0.0.0/8, 192.168.1.10"
        spec:
          type: LoadBalancer
          ports:
            - port: 80
        """
    [(line, column, rule, message)] = findings(tmp_path, text)
    assert (line, column, rule) == (6, 61, "source-range-invalid")
    assert 'Invalid value: "192.168.1.10": must be a valid CIDR value' in message
    assert '"192.168.1.10/32" for this address alone' in message


def test_warnings_are_warnings(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          clusterIP: 010.96.0.10
          externalName: db.example.com
          ports:
            - port: 80
        """
    report = validation_report(tmp_path, dedent(text))
    assert [(f.line, f.rule, f.severity.label) for f in report.findings] == [
        (6, "ip-not-canonical", "warning"), (7, "field-ignored", "warning")]


def test_rejected_target_ports_are_not_also_looked_up_in_the_pods(tmp_path) -> None:
    # target-port-unresolved and target-port-not-exposed read the same ports: a value the API
    # server rejects is reported once, by its validation rule, whatever the pods declare.
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector:
            app: web
          ports:
            - name: a
              port: 80
              targetPort: HTTP
            - name: b
              port: 81
              targetPort: prometheus-metrics
            - name: c
              port: 82
              targetPort: 70000
            - name: d
              port: 0
            - name: e
              port: 83
              targetPort: 8080
              protocol: tcp
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          labels:
            app: web
        spec:
          containers:
            - name: web
              image: nginx
              ports:
                - name: http
                  containerPort: 8080
        """
    report = lint_text(tmp_path, dedent(text))
    assert [(f.line, f.rule) for f in report.findings] == [
        (11, "target-port-invalid"), (14, "target-port-invalid"), (17, "target-port-invalid"), (19, "port-invalid"),
        (23, "value-not-supported")]


def test_a_selector_value_yaml_reads_as_bool_is_not_also_a_selector_mismatch(tmp_path) -> None:
    text = dedent("""\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector:
            app: web
            canary: yes
          ports:
            - port: 80
        """)
    report = lint_text(tmp_path, text)
    assert [(f.line, f.column, f.rule) for f in report.findings] == [(8, 13, "label-invalid")]
