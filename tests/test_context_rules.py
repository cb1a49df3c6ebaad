"""Services in context: snippets in real files -> exact (file, line, column, rule, severity)."""

from __future__ import annotations

from pathlib import Path

import pytest

from svclint.check.engine import lint_paths
from svclint.check.settings import Settings, SettingsError

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
          image: nginx
          ports:
            - name: http
              containerPort: 8080
"""


def service(name: str, selector: str = "app: web", extra: str = "", ports: str = "- port: 80\n      targetPort: http") -> str:
    return (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n{extra}"
            f"  selector:\n    {selector}\n  ports:\n    {ports}\n")


def lint(tmp_path: Path, files: dict[str, str], **settings) -> list[tuple[str, int, int, str, str]]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    values = {key.replace("_", "-"): value for key, value in settings.items()}
    report = lint_paths([str(tmp_path)], Settings().updated(values))
    return [(Path(f.file).name, f.line, f.column, f.rule, f.severity.label) for f in report.findings]


def rules_of(findings: list[tuple]) -> list[str]:
    return [f[3] for f in findings]


# --- selectors and controller-added labels --------------------------------------------

def test_pod_template_hash_is_present_on_deployment_pods_only(tmp_path) -> None:
    statefulset = DEPLOYMENT.replace("Deployment", "StatefulSet").replace("name: web\n", "name: db\n", 1) \
        .replace("app: web", "app: db")
    found = lint(tmp_path, {
        "web.yaml": DEPLOYMENT + "---\n" + service("web", "pod-template-hash: 5d8f9c7b6"),
        "db.yaml": statefulset + "---\n" + service("db", "pod-template-hash: 5d8f9c7b6\n    app: db",
                                                   extra="  clusterIP: None\n", ports="- port: 5432"),
    }, select=["selector-no-match"])
    assert found == [("db.yaml", 28, 5, "selector-no-match", "warning")]


def test_a_service_per_statefulset_pod(tmp_path) -> None:
    statefulset = DEPLOYMENT.replace("Deployment", "StatefulSet")
    found = lint(tmp_path, {"db.yaml": statefulset + "---\n" + service(
        "web-0", "statefulset.kubernetes.io/pod-name: web-0\n    app: web")}, select=["selector-no-match"])
    assert found == []


def test_deploymentconfig_label_carries_its_own_name(tmp_path) -> None:
    config = DEPLOYMENT.replace("apps/v1", "apps.openshift.io/v1").replace("Deployment", "DeploymentConfig") \
        .replace("    matchLabels:\n      app: web\n", "    app: web\n")
    found = lint(tmp_path, {"web.yaml": config + "---\n" + service("web", "deploymentconfig: web") + "---\n"
                            + service("api", "deploymentconfig: api")}, select=["selector-no-match"])
    assert found == [("web.yaml", 37, 5, "selector-no-match", "warning")]


def test_other_namespace_is_named(tmp_path) -> None:
    deployment = DEPLOYMENT.replace("  name: web\n", "  name: web\n  namespace: shop\n", 1)
    (tmp_path / "x.yaml").write_text(deployment + "---\n" + service("web"), encoding="utf-8")
    report = lint_paths([str(tmp_path / "x.yaml")], Settings().updated({"select": ["selector-no-match"]}))
    [finding] = report.findings
    assert "but matches pods in namespace shop" in finding.message


def test_custom_workload_kinds_come_from_the_workloads_setting(tmp_path) -> None:
    widget = ("apiVersion: acme.io/v1\nkind: Widget\nmetadata:\n  name: web\nspec:\n  podTemplate:\n"
              "    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n"
              "        - name: web\n          ports:\n            - name: http\n              containerPort: 80\n")
    files = {"web.yaml": widget + "---\n" + service("web") + "---\n" + service("api", "app: api")}
    # Unknown, the Widget is no workload: none in sight, so no selector is checked.
    assert lint(tmp_path, files, select=["selector-no-match", "target-port-unresolved"]) == []
    assert rules_of(lint(tmp_path, files, select=["selector-no-match", "target-port-unresolved"],
                         workloads={"acme.io/Widget": "spec.podTemplate"})) == ["selector-no-match"]


# --- no workload in sight ----------------------------------------------------------------

CHART_SERVICES = """\
# services/ of a repository whose Deployments live in another folder
apiVersion: v1
kind: Service
metadata:
  name: checkout
  namespace: shop
  labels:
    app.kubernetes.io/name: checkout
spec:
  selector:
    app.kubernetes.io/name: checkout
    app.kubernetes.io/component: api
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: v1
kind: Service
metadata:
  name: cart-redis
  namespace: shop
spec:
  clusterIP: None
  selector:
    app.kubernetes.io/name: cart-redis
  ports:
    - name: redis
      port: 6379
---
apiVersion: v1
kind: Service
metadata:
  name: payments-external
  namespace: shop
spec:
  type: ExternalName
  externalName: payments.example.com
"""

CHECKOUT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: checkout
      app.kubernetes.io/component: api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: checkout
        app.kubernetes.io/component: api
    spec:
      containers:
        - name: checkout
          image: ghcr.io/example/checkout:1.4.2
          ports:
            - name: http
              containerPort: 8080
"""

UNCHECKED_NOTE = ("selectors of 2 Services not checked (selector-no-match): the run holds no workload "
                  "(Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, ...) to match them against; "
                  "give the workloads with --context PATH, or --context git for the whole repository")


def test_selectors_are_not_checked_without_any_workload_and_a_note_says_so(tmp_path) -> None:
    (tmp_path / "services.yaml").write_text(CHART_SERVICES, encoding="utf-8")
    report = lint_paths([str(tmp_path / "services.yaml")], Settings())
    assert [f.rule for f in report.findings if f.rule == "selector-no-match"] == []
    assert report.notes == [UNCHECKED_NOTE]


def test_a_suppression_of_unchecked_selectors_is_not_called_unused(tmp_path) -> None:
    operator_service = CHART_SERVICES.replace(
        "  labels:\n    app.kubernetes.io/name: checkout\n",
        "  annotations:\n    svclint.io/ignore: \"selector-no-match # pods come from the operator\"\n")
    (tmp_path / "services.yaml").write_text(operator_service, encoding="utf-8")
    report = lint_paths([str(tmp_path)], Settings())
    assert [f.rule for f in report.findings if f.rule in ("selector-no-match", "unused-suppression")] == []
    (tmp_path / "worker.yaml").write_text(CHECKOUT.replace("checkout", "worker"), encoding="utf-8")
    report = lint_paths([str(tmp_path)], Settings())  # now checked: the suppression is used, cart-redis warned
    assert [(f.rule, f.obj.name) for f in report.findings
            if f.rule in ("selector-no-match", "unused-suppression")] == [("selector-no-match", "cart-redis")]


def test_no_note_when_selector_no_match_is_off_or_no_service_selects(tmp_path) -> None:
    (tmp_path / "services.yaml").write_text(CHART_SERVICES, encoding="utf-8")
    assert lint_paths([str(tmp_path)], Settings().updated({"ignore": ["selector-no-match"]})).notes == []
    external = CHART_SERVICES[CHART_SERVICES.index("apiVersion: v1\nkind: Service\nmetadata:\n  name: payments"):]
    (tmp_path / "services.yaml").write_text(external, encoding="utf-8")
    assert lint_paths([str(tmp_path)], Settings()).notes == []


def test_workloads_in_the_context_make_selectors_checked_again(tmp_path) -> None:
    (tmp_path / "services").mkdir()
    (tmp_path / "deploy").mkdir()
    (tmp_path / "services" / "shop.yaml").write_text(CHART_SERVICES, encoding="utf-8")
    (tmp_path / "deploy" / "checkout.yaml").write_text(CHECKOUT, encoding="utf-8")
    report = lint_paths([str(tmp_path / "services")],
                        Settings().updated({"context": [str(tmp_path / "deploy")], "select": ["selector-no-match"]}))
    assert [(f.line, f.rule, f.severity.label) for f in report.findings] == [(26, "selector-no-match", "warning")]
    assert "nearest: Deployment shop/checkout" in report.findings[0].message and report.notes == []


def test_a_workload_in_another_namespace_still_gives_the_namespace_warning(tmp_path) -> None:
    (tmp_path / "services.yaml").write_text(CHART_SERVICES, encoding="utf-8")
    (tmp_path / "checkout.yaml").write_text(CHECKOUT.replace("  namespace: shop\n", ""), encoding="utf-8")
    found = lint(tmp_path, {}, select=["selector-no-match"])
    assert found == [("services.yaml", 11, 5, "selector-no-match", "warning"),
                     ("services.yaml", 26, 5, "selector-no-match", "warning")]
    report = lint_paths([str(tmp_path)], Settings().updated({"select": ["selector-no-match"]}))
    assert "but matches pods in namespace default: is metadata.namespace missing or wrong?" in report.findings[0].message


@pytest.mark.parametrize(("value", "named"), [
    ("spec.template", "workloads"),
    ({"acme.io/Widget": 3}, "workloads.acme.io/Widget"),
    ({"acme.io/Widget": "spec..template"}, "workloads.acme.io/Widget"),
    ({"not a kind": "spec.template"}, "workloads"),
])
def test_bad_workloads_settings_name_the_key(value, named) -> None:
    with pytest.raises(SettingsError) as error:
        Settings().updated({"workloads": value})
    assert str(error.value).startswith(f"{named}:")


def test_workloads_setting_adds_to_the_built_in_table() -> None:
    kinds = Settings().updated({"workloads": {"Widget": "spec.pod.template"}}).workload_kinds
    assert kinds["Widget"].template == ("spec", "pod", "template")
    assert kinds["argoproj.io/Rollout"].template == ("spec", "template")


def test_rollout_pods_are_selected(tmp_path) -> None:
    rollout = DEPLOYMENT.replace("apps/v1", "argoproj.io/v1alpha1").replace("Deployment", "Rollout")
    found = lint(tmp_path, {"web.yaml": rollout + "---\n" + service("web", "rollouts-pod-template-hash: abc\n"
                                                                    "    app: web")})
    assert found == []


# --- target ports ------------------------------------------------------------------------

def test_numeric_protocol_mismatch_is_a_warning_and_an_undeclared_port_info(tmp_path) -> None:
    deployment = DEPLOYMENT.replace("containerPort: 8080", "containerPort: 8080\n              protocol: UDP")
    found = lint(tmp_path, {"web.yaml": deployment + "---\n" + service(
        "web", ports="- name: a\n      port: 80\n      targetPort: 8080\n    - name: b\n      port: 9090")})
    assert found == [("web.yaml", 32, 19, "target-port-not-exposed", "warning"),
                     ("web.yaml", 34, 13, "target-port-not-exposed", "info")]


REDIS_AND_EXPORTER = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
spec:
  serviceName: redis
  selector:
    matchLabels:
      app.kubernetes.io/name: redis
  template:
    metadata:
      labels:
        app.kubernetes.io/name: redis
    spec:
      containers:
        - name: redis
          image: redis:7.2
          args: ["--port", "6379"]
        - name: exporter
          image: oliver006/redis_exporter:v1.58.0
---
apiVersion: v1
kind: Service
metadata:
  name: redis
spec:
  clusterIP: None
  selector:
    app.kubernetes.io/name: redis
  ports:
    - name: redis
      port: 6379
    - name: metrics
      port: 9121
"""


def test_containers_that_declare_no_ports_are_not_checked(tmp_path) -> None:
    assert lint(tmp_path, {"redis.yaml": REDIS_AND_EXPORTER}, select=["target-port-not-exposed"]) == []


def test_declared_ports_of_any_selected_container_make_the_others_checked(tmp_path) -> None:
    declared = REDIS_AND_EXPORTER.replace('          args: ["--port", "6379"]\n',
                                          '          args: ["--port", "6379"]\n          ports:\n'
                                          '            - {name: redis, containerPort: 6379}\n')
    (tmp_path / "redis.yaml").write_text(declared, encoding="utf-8")
    report = lint_paths([str(tmp_path)], Settings().updated({"select": ["target-port-not-exposed"]}))
    assert [(f.line, f.rule, f.severity.label) for f in report.findings] == [(36, "target-port-not-exposed", "info")]
    assert "(they declare 6379/TCP)" in report.findings[0].message


def test_a_named_port_of_a_plain_init_container_does_not_count(tmp_path) -> None:
    deployment = DEPLOYMENT.replace("      containers:", "      initContainers:")
    found = lint(tmp_path, {"web.yaml": deployment + "---\n" + service("web")}, select=["target-port-unresolved"])
    assert found == [("web.yaml", 30, 19, "target-port-unresolved", "error")]


# --- conflicts ---------------------------------------------------------------------------

NODE_PORT = "- port: 80\n      targetPort: http\n      nodePort: 30080"


def test_nodeport_conflict_across_files_is_reported_on_both(tmp_path) -> None:
    found = lint(tmp_path, {
        "a.yaml": DEPLOYMENT + "---\n" + service("web", extra="  type: NodePort\n", ports=NODE_PORT),
        "b.yaml": service("web-admin", extra="  type: LoadBalancer\n", ports=NODE_PORT),
    }, select=["nodeport-conflict"])
    assert found == [("a.yaml", 32, 17, "nodeport-conflict", "error"), ("b.yaml", 12, 17, "nodeport-conflict", "error")]


def test_two_definitions_of_one_service_do_not_conflict(tmp_path) -> None:
    web = service("web", extra="  type: NodePort\n", ports=NODE_PORT)
    found = lint(tmp_path, {"dev.yaml": web, "prod.yaml": web}, select=["nodeport-conflict", "duplicate-object"])
    assert found == [("prod.yaml", 4, 9, "duplicate-object", "info")]


def test_duplicates_across_files_are_one_info_per_pair_of_files(tmp_path) -> None:
    both = DEPLOYMENT + "---\n" + service("web")
    found = lint(tmp_path, {"a.yaml": both, "b.yaml": both + "---\n" + service("web")},
                 select=["duplicate-object"])
    assert found == [("b.yaml", 4, 9, "duplicate-object", "info"), ("b.yaml", 35, 9, "duplicate-object", "error")]


def test_cluster_scoped_objects_have_no_namespace(tmp_path) -> None:
    namespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"
    (tmp_path / "ns.yaml").write_text(namespace + "---\n" + namespace, encoding="utf-8")
    [finding] = lint_paths([str(tmp_path)], Settings().updated({"namespace": "other"})).findings
    assert finding.obj.describe() == "Namespace shop"
    assert finding.message.startswith("Namespace shop (v1) is already defined")


# --- StatefulSets, backends, selectorless Services --------------------------------------

STATEFULSET = DEPLOYMENT.replace("Deployment", "StatefulSet").replace("spec:\n  selector", "spec:\n  serviceName: web\n  selector")


def test_statefulset_without_any_governing_service_is_info(tmp_path) -> None:
    found = lint(tmp_path, {"db.yaml": STATEFULSET + "---\n" + service("web-metrics", extra="  type: ClusterIP\n")},
                 select=["statefulset-service-missing"])
    assert found == [("db.yaml", 6, 16, "statefulset-service-missing", "info")]


def test_statefulset_in_a_namespace_without_loaded_services_is_quiet(tmp_path) -> None:
    assert lint(tmp_path, {"db.yaml": STATEFULSET}, select=["statefulset-service-missing"]) == []


def test_selectorless_service_with_endpoints_of_its_name(tmp_path) -> None:
    selectorless = "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  ports:\n    - port: 5432\n"
    endpoints = "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: db\nsubsets: []\n"
    assert rules_of(lint(tmp_path, {"db.yaml": selectorless})) == ["selectorless-without-endpoints"]
    assert lint(tmp_path, {"db.yaml": selectorless + "---\n" + endpoints}) == []


def test_route_backends_default_to_the_route_namespace_and_skip_other_kinds(tmp_path) -> None:
    route = ("apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata:\n  name: r\n  namespace: shop\n"
             "spec:\n  rules:\n    - backendRefs:\n        - name: web\n          port: 80\n"
             "        - name: bucket\n          group: storage.acme.io\n          kind: Bucket\n")
    web = service("web").replace("  name: web\n", "  name: web\n  namespace: shop\n")
    assert lint(tmp_path, {"r.yaml": route + "---\n" + web}, select=["backend-service-missing"]) == []
    found = lint(tmp_path, {"r.yaml": route + "---\n" + web.replace("namespace: shop", "namespace: www")
                            + "---\n" + web.replace("name: web", "name: api")},
                 select=["backend-service-missing"])
    assert found == [("r.yaml", 9, 17, "backend-service-missing", "warning")]



# An Ingress of an old Helm chart: v1beta1 shape, named and numbered ports, the default backend.
OLD_INGRESS = """apiVersion: {api}
kind: Ingress
metadata:
  name: shop
  namespace: shop
spec:
  backend:
    serviceName: {default}
    servicePort: 80
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            backend:
              serviceName: web
              servicePort: http
          - path: /api
            backend:
              serviceName: web
              servicePort: {port}
"""
NAMED_PORT_WEB = service("web", ports="- name: http\n      port: 80\n      targetPort: 8080").replace(
    "  name: web\n", "  name: web\n  namespace: shop\n")


@pytest.mark.parametrize("api", ["extensions/v1beta1", "networking.k8s.io/v1beta1"])
def test_old_ingress_backends_are_resolved_like_v1(tmp_path, api) -> None:
    files = {"ing.yaml": OLD_INGRESS.format(api=api, default="web", port=80), "web.yaml": NAMED_PORT_WEB}
    assert lint(tmp_path, files) == [("ing.yaml", 1, 13, "api-version-removed", "error")]
    files["ing.yaml"] = OLD_INGRESS.format(api=api, default="web-frontend", port=8080)
    assert lint(tmp_path, files, select=["backend-service-missing"]) == [
        ("ing.yaml", 8, 18, "backend-service-missing", "warning"),
        ("ing.yaml", 21, 28, "backend-service-missing", "warning")]


@pytest.mark.parametrize(("api", "kind", "expected"), [
    ("networking.k8s.io/v1", "Ingress", []),
    ("networking.k8s.io/v1beta1", "IngressClass", [("x.yaml", 1, 13, "api-version-removed", "error")]),
    ("networking.k8s.io/v1", "IngressClass", []),
    ("discovery.k8s.io/v1beta1", "EndpointSlice", [("x.yaml", 1, 13, "api-version-removed", "error")]),
    ("discovery.k8s.io/v1", "EndpointSlice", []),
])
def test_api_version_removed_only_for_unserved_versions(tmp_path, api, kind, expected) -> None:
    text = f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: x\n"
    for version in ("1.25", None):
        settings = {"kubernetes_version": version} if version else {}
        assert lint(tmp_path, {"x.yaml": text}, select=["api-version-removed"], **settings) == expected


ALB_INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
  annotations:
    alb.ingress.kubernetes.io/actions.ssl-redirect: >-
      {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
spec:
  ingressClassName: alb
  defaultBackend:
    service:
      name: ssl-redirect
      port:
        name: use-annotation
"""


SHOP_WEB = service("web").replace("  name: web\n", "  name: web\n  namespace: shop\n")


@pytest.mark.parametrize("services", [pytest.param("", id="no Service loaded"),
                                      pytest.param("---\n" + SHOP_WEB, id="a Service of its namespace loaded")])
def test_an_alb_action_is_no_service_but_must_be_defined(tmp_path, services: str) -> None:
    assert lint(tmp_path, {"i.yaml": ALB_INGRESS + services}, select=["backend-service-missing"]) == []
    undefined = ALB_INGRESS.replace("actions.ssl-redirect", "actions.redirect-to-https")
    assert lint(tmp_path, {"i.yaml": undefined + services}, select=["backend-service-missing"]) == [
        ("i.yaml", 13, 13, "backend-service-missing", "warning")]


# --- cluster profiles --------------------------------------------------------------------

NODEPORT_SERVICE = service("web", extra="  type: NodePort\n", ports=NODE_PORT)
KIND_CONFIG = ("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n"
               "    extraPortMappings:\n      - containerPort: 30080\n        hostPort: 8080\n        protocol: UDP\n")


@pytest.mark.parametrize(("target", "expected"), [
    (None, [("web.yaml", 6, 9, "exposed-nodeport", "info")]),
    ("generic", [("web.yaml", 6, 9, "exposed-nodeport", "info")]),
    ("cloud", [("web.yaml", 6, 9, "exposed-nodeport", "warning")]),
    ("minikube", []),
    ("kind", []),
])
def test_exposed_nodeport_by_target(tmp_path, target, expected) -> None:
    settings = {"target": target} if target else {}
    assert lint(tmp_path, {"web.yaml": NODEPORT_SERVICE}, select=["exposed-nodeport"], **settings) == expected


@pytest.mark.parametrize(("target", "expected"), [
    ("generic", []), ("cloud", []),
    ("minikube", [("web.yaml", 6, 9, "lb-without-provider", "warning")]),
    ("kind", [("web.yaml", 6, 9, "lb-without-provider", "warning")]),
])
def test_lb_without_provider_by_target(tmp_path, target, expected) -> None:
    lb = service("web", extra="  type: LoadBalancer\n")
    assert lint(tmp_path, {"web.yaml": lb}, select=["lb-without-provider"], target=target) == expected


def test_kind_mapping_checks_the_protocol(tmp_path) -> None:
    found = lint(tmp_path, {"kind.yaml": KIND_CONFIG, "web.yaml": NODEPORT_SERVICE},
                 select=["nodeport-not-mapped-on-kind"])
    assert found == [("web.yaml", 12, 17, "nodeport-not-mapped-on-kind", "warning")]
    udp = NODEPORT_SERVICE.replace("nodePort: 30080", "nodePort: 30080\n      protocol: UDP")
    assert lint(tmp_path, {"kind.yaml": KIND_CONFIG, "web.yaml": udp}, select=["nodeport-not-mapped-on-kind"]) == []


def test_unchecked_kind_mapping_is_said_once(tmp_path) -> None:
    files = {f"{name}.yaml": NODEPORT_SERVICE.replace("name: web", f"name: {name}").replace("30080", port)
             for name, port in (("a", "30080"), ("b", "30081"), ("c", "30082"))}
    found = lint(tmp_path, files, select=["nodeport-not-mapped-on-kind"], target="kind")
    assert found == [("a.yaml", 6, 9, "nodeport-not-mapped-on-kind", "info")]


@pytest.mark.parametrize(("platform", "severity"), [
    (None, "info"), ("linux", "info"), ("macos", "warning"), ("windows", "warning")])
def test_unset_nodeport_on_kind_is_reported_even_without_a_config(tmp_path, platform, severity) -> None:
    settings = {"host_platform": platform} if platform else {}
    found = lint(tmp_path, {"web.yaml": service("web", extra="  type: NodePort\n")},
                 select=["nodeport-not-mapped-on-kind"], target="kind", **settings)
    assert found == [("web.yaml", 6, 9, "nodeport-not-mapped-on-kind", "info"),
                     ("web.yaml", 10, 7, "nodeport-not-mapped-on-kind", severity)]


# A kind config as the ingress-nginx quick start has it: ports 80 and 443 of the host go to
# the ingress controller; no NodePort is mapped.
KIND_WITH_INGRESS = """\
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    labels:
      ingress-ready: "true"
    extraPortMappings:
      - containerPort: 80
        hostPort: 80
        protocol: TCP
      - containerPort: 443
        hostPort: 443
        protocol: TCP
  - role: worker
"""
GRAFANA_NODEPORT = """\
apiVersion: v1
kind: Service
metadata:
  name: grafana
  namespace: monitoring
spec:
  type: NodePort
  selector:
    app.kubernetes.io/name: grafana
  ports:
    - name: http
      port: 3000
      targetPort: 3000
      nodePort: 31300
"""


@pytest.mark.parametrize(("platform", "severity"), [
    (None, "info"), ("linux", "info"), ("macos", "warning"), ("windows", "warning")])
def test_unmapped_nodeport_is_info_unless_only_mapped_ports_work(tmp_path, platform, severity) -> None:
    settings = {"host-platform": platform} if platform else {}
    (tmp_path / "kind.yaml").write_text(KIND_WITH_INGRESS, encoding="utf-8")
    (tmp_path / "grafana.yaml").write_text(GRAFANA_NODEPORT, encoding="utf-8")
    report = lint_paths([str(tmp_path)], Settings().updated({"select": ["nodeport-not-mapped-on-kind"], **settings}))
    [finding] = report.findings
    assert (Path(finding.file).name, finding.line, finding.column, finding.severity.label) == \
        ("grafana.yaml", 14, 17, severity)
    if severity == "info":
        assert "reachable at a node IP on a Linux host only, not from localhost or Docker Desktop" in finding.message
    else:
        assert f"on {'macOS' if platform == 'macos' else 'Windows'} only mapped ports reach kind's nodes" \
            in finding.message


@pytest.mark.parametrize("mapping", [
    "      - containerPort: 31000\n        hostPort: 3000\n",  # a containerPort in the node port range
    "      - containerPort: 3000\n        hostPort: 31300\n",  # a hostPort in the range
])
def test_unmapped_nodeport_is_a_warning_where_the_config_maps_node_ports(tmp_path, mapping) -> None:
    config = KIND_WITH_INGRESS.replace("  - role: worker\n", "") + mapping
    (tmp_path / "kind.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "grafana.yaml").write_text(GRAFANA_NODEPORT, encoding="utf-8")
    report = lint_paths([str(tmp_path)], Settings().updated({"select": ["nodeport-not-mapped-on-kind"]}))
    [finding] = report.findings
    assert finding.severity.label == "warning"
    assert "the kind config maps NodePorts (containerPort" in finding.message


def test_a_mapping_equal_to_a_nodeport_outside_the_default_range_counts(tmp_path) -> None:
    config = KIND_WITH_INGRESS + "    extraPortMappings:\n      - containerPort: 8443\n        hostPort: 8443\n"
    files = {"kind.yaml": config, "grafana.yaml": GRAFANA_NODEPORT,
             "api.yaml": GRAFANA_NODEPORT.replace("grafana", "api").replace("31300", "8443")}
    found = lint(tmp_path, files, select=["nodeport-not-mapped-on-kind"], node_port_range="1-32767")
    assert found == [("grafana.yaml", 14, 17, "nodeport-not-mapped-on-kind", "warning")]


STOREFRONT_LB = """\
apiVersion: v1
kind: Service
metadata:
  name: storefront
  namespace: shop
spec:
  type: LoadBalancer
  selector:
    app.kubernetes.io/name: storefront
  ports:
    - name: http
      port: 80
      targetPort: 8080
"""
# The older form of kind's ingress guide: the label comes from a kubeadm patch.
KIND_WITH_INGRESS_PATCH = """\
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    kubeadmConfigPatches:
      - |
        kind: InitConfiguration
        nodeRegistration:
          kubeletExtraArgs:
            node-labels: "ingress-ready=true"
    extraPortMappings:
      - containerPort: 80
        hostPort: 8080
"""


@pytest.mark.parametrize(("config", "ports"), [(KIND_WITH_INGRESS, "80 and 443"), (KIND_WITH_INGRESS_PATCH, "80")],
                         ids=["labels", "kubeadm-patch"])
def test_lb_on_kind_with_an_ingress_controller_on_host_ports_is_info(tmp_path, config, ports) -> None:
    (tmp_path / "kind.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "storefront.yaml").write_text(STOREFRONT_LB, encoding="utf-8")
    report = lint_paths([str(tmp_path)], Settings().updated({"select": ["lb-without-provider"]}))
    [finding] = report.findings
    assert (finding.line, finding.column, finding.severity.label) == (7, 9, "info")
    assert finding.message == (f"type LoadBalancer stays <pending> on kind, but the config maps {ports} to an "
                               "ingress-ready node: through an Ingress, ClusterIP will do")


@pytest.mark.parametrize("config", [
    KIND_WITH_INGRESS.replace('    labels:\n      ingress-ready: "true"\n', ""),  # no label: no ingress node
    KIND_WITH_INGRESS.replace("containerPort: 80\n", "containerPort: 30080\n")
    .replace("containerPort: 443\n", "containerPort: 30443\n"),  # NodePorts mapped, not an ingress
], ids=["no-label", "no-80-443"])
def test_lb_on_kind_without_an_ingress_controller_stays_a_warning(tmp_path, config) -> None:
    found = lint(tmp_path, {"kind.yaml": config, "storefront.yaml": STOREFRONT_LB}, select=["lb-without-provider"])
    assert found == [("storefront.yaml", 7, 9, "lb-without-provider", "warning")]
