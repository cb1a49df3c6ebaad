"""Pods that Argo Rollouts makes from more than `spec.template`: ephemeral canary/stable and
active/preview labels, experiment steps (their own labels and selectors) and Experiment
objects (a list of templates). Services that select those pods are not dangling; selectors
that miss their own templates are still errors."""

from __future__ import annotations

from pathlib import Path

from svclint.check.engine import lint_paths
from svclint.check.settings import Settings

# A canary Rollout as the Argo Rollouts docs show it: the controller gives canary pods the
# canaryMetadata labels and stable pods the stableMetadata labels, and an experiment step
# runs a baseline and a canary ReplicaSet from the stable and canary specs, with labels of
# their own.
CANARY_ROLLOUT = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: checkout
  namespace: shop
spec:
  replicas: 4
  selector:
    matchLabels:
      app: checkout
  template:
    metadata:
      labels:
        app: checkout
    spec:
      containers:
        - name: checkout
          image: ghcr.io/acme/checkout:1.4.2
          ports:
            - name: http
              containerPort: 8080
  strategy:
    canary:
      canaryService: checkout-canary
      stableService: checkout-stable
      canaryMetadata:
        labels:
          role: canary
      stableMetadata:
        labels:
          role: stable
      steps:
        - setWeight: 20
        - experiment:
            duration: 10m
            templates:
              - name: baseline
                specRef: stable
                metadata:
                  labels:
                    variant: baseline
              - name: candidate
                specRef: canary
                metadata:
                  labels:
                    variant: candidate
                selector:
                  matchLabels:
                    app: checkout
                    variant: candidate
        - setWeight: 50
"""


def service(name: str, selector: dict[str, str], target: str = "http") -> str:
    labels = "".join(f"    {key}: {value}\n" for key, value in selector.items())
    return (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n"
            f"  selector:\n{labels}  ports:\n    - port: 80\n      targetPort: {target}\n")


def lint(tmp_path: Path, files: dict[str, str], **settings) -> list[tuple[str, int, int, str]]:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    values = {key.replace("_", "-"): value for key, value in settings.items()}
    report = lint_paths([str(tmp_path / name) for name in files if not name.startswith("context/")],
                        Settings().updated(values))
    return [(Path(f.file).name, f.line, f.column, f.rule, f.message) for f in report.findings]


def test_canary_and_stable_services_select_the_ephemeral_labels(tmp_path) -> None:
    services = "---\n".join([service("checkout-canary", {"app": "checkout", "role": "canary"}),
                             service("checkout-stable", {"app": "checkout", "role": "stable"})])
    assert lint(tmp_path, {"rollout.yaml": CANARY_ROLLOUT, "services.yaml": services}) == []


def test_experiment_step_pods_are_selected_by_their_own_labels(tmp_path) -> None:
    services = "---\n".join([service("checkout-baseline", {"app": "checkout", "variant": "baseline"}),
                             service("checkout-candidate", {"app": "checkout", "variant": "candidate"})])
    assert lint(tmp_path, {"rollout.yaml": CANARY_ROLLOUT, "services.yaml": services}) == []


def test_labels_no_phase_gives_are_still_dangling(tmp_path) -> None:
    """`role: canary` exists only with canaryMetadata, and canary and experiment labels are
    never on one pod: a Service asking for both selects nothing."""
    found = lint(tmp_path, {"rollout.yaml": CANARY_ROLLOUT, "services.yaml": "---\n".join([
        service("checkout-preview", {"app": "checkout", "role": "preview"}),
        service("checkout-mixed", {"app": "checkout", "role": "canary", "variant": "baseline"})])})
    assert [(line, rule) for _, line, _, rule, _ in found] == [(8, "selector-no-match"), (21, "selector-no-match")]


def test_canary_pods_serve_the_template_ports_once(tmp_path) -> None:
    """A named targetPort resolves against the Rollout's containers, and a wrong one is one
    finding naming the Rollout once, not once per set of pods it makes."""
    found = lint(tmp_path, {"rollout.yaml": CANARY_ROLLOUT, "services.yaml": "---\n".join([
        service("checkout-canary", {"app": "checkout", "role": "canary"}),
        service("checkout", {"app": "checkout"}, target="web")])})
    assert [(line, rule) for _, line, _, rule, _ in found] == [(24, "target-port-unresolved")]
    assert "(Rollout shop/checkout, whose named ports are http/TCP)" in found[0][4]


def test_an_experiment_step_selector_must_match_its_labels(tmp_path) -> None:
    rollout = CANARY_ROLLOUT.replace("                    variant: candidate\n                selector:",
                                     "                    variant: canary\n                selector:")
    found = lint(tmp_path, {"rollout.yaml": rollout})
    assert [(line, column, rule) for _, line, column, rule, _ in found] == [(50, 30, "workload-selector-mismatch")]
    assert found[0][4].startswith("selector requires variant: candidate, but the pod template's labels are")
    assert found[0][4].endswith("the Argo Rollouts controller rejects the Rollout")


BLUE_GREEN_ROLLOUT = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: storefront
  namespace: shop
spec:
  selector:
    matchLabels:
      app: storefront
  template:
    metadata:
      labels:
        app: storefront
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/storefront:2.0.0
          ports:
            - name: http
              containerPort: 8080
  strategy:
    blueGreen:
      activeService: storefront-active
      previewService: storefront-preview
      activeMetadata:
        labels:
          role: active
      previewMetadata:
        labels:
          role: preview
"""


def test_blue_green_active_and_preview_labels(tmp_path) -> None:
    services = "---\n".join([service("storefront-active", {"app": "storefront", "role": "active"}),
                             service("storefront-preview", {"app": "storefront", "role": "preview"})])
    assert lint(tmp_path, {"rollout.yaml": BLUE_GREEN_ROLLOUT, "services.yaml": services}) == []


EXPERIMENT = """\
apiVersion: argoproj.io/v1alpha1
kind: Experiment
metadata:
  name: checkout-colors
  namespace: shop
spec:
  duration: 20m
  templates:
    - name: purple
      replicas: 1
      selector:
        matchLabels:
          app: checkout
          color: purple
      template:
        metadata:
          labels:
            app: checkout
            color: purple
        spec:
          containers:
            - name: checkout
              image: ghcr.io/acme/checkout:purple
              ports:
                - name: http
                  containerPort: 8080
    - name: orange
      replicas: 1
      selector:
        matchLabels:
          app: checkout
          color: orange
      template:
        metadata:
          labels:
            app: checkout
            color: orange
        spec:
          containers:
            - name: checkout
              image: ghcr.io/acme/checkout:orange
              ports:
                - name: metrics
                  containerPort: 9090
"""


def test_each_experiment_template_makes_pods(tmp_path) -> None:
    services = "---\n".join([service("purple", {"app": "checkout", "color": "purple"}),
                             service("orange", {"app": "checkout", "color": "orange"}, target="metrics")])
    assert lint(tmp_path, {"experiment.yaml": EXPERIMENT, "services.yaml": services}) == []


def test_the_ports_of_one_experiment_template_are_not_those_of_another(tmp_path) -> None:
    found = lint(tmp_path, {"experiment.yaml": EXPERIMENT,
                            "services.yaml": service("purple", {"app": "checkout", "color": "purple"}, "metrics")})
    assert [(line, rule) for _, line, _, rule, _ in found] == [(12, "target-port-unresolved")]


def test_every_experiment_template_needs_a_matching_selector(tmp_path) -> None:
    experiment = EXPERIMENT.replace("          color: orange\n      template:", "          color: blue\n      template:")
    experiment = experiment.replace("    - name: purple\n      replicas: 1\n      selector:\n        matchLabels:\n"
                                    "          app: checkout\n          color: purple\n",
                                    "    - name: purple\n      replicas: 1\n")
    found = lint(tmp_path, {"experiment.yaml": experiment})
    assert [(line, column, rule) for _, line, column, rule, _ in found] == [
        (9, 7, "workload-selector-mismatch"), (28, 18, "workload-selector-mismatch")]
    assert "Experiment has no (or an empty) selector" in found[0][4]
    assert "selector requires color: blue" in found[1][4]


def test_nested_template_labels_are_kept_in_the_facts_of_context_files(tmp_path) -> None:
    """Context files keep only facts (and are cached so): the ephemeral and experiment labels
    must be among them, or the Services would dangle again on the second, cached run."""
    services = "---\n".join([service("checkout-canary", {"app": "checkout", "role": "canary"}),
                             service("checkout-candidate", {"app": "checkout", "variant": "candidate"})])
    files = {"context/rollout.yaml": CANARY_ROLLOUT, "services.yaml": services}
    for _ in range(2):
        assert lint(tmp_path, files, context=[str(tmp_path / "context")], cache_dir=str(tmp_path / "cache")) == []


def test_custom_kinds_name_several_templates_and_lists(tmp_path) -> None:
    widget = """\
apiVersion: acme.io/v1
kind: Widget
metadata:
  name: search
  namespace: shop
spec:
  primary:
    template:
      metadata:
        labels: {app: search, track: primary}
  shadows:
    - template:
        metadata:
          labels: {app: search, track: shadow-a}
    - template:
        metadata:
          labels: {app: search, track: shadow-b}
"""
    services = "---\n".join(service(f"search-{track}", {"app": "search", "track": track}, target="8080")
                            for track in ("primary", "shadow-b"))
    workloads = {"acme.io/Widget": ["spec.primary.template", "spec.shadows[].template"]}
    assert lint(tmp_path, {"widget.yaml": widget, "services.yaml": services}, workloads=workloads) == []
    only_primary = {"acme.io/Widget": "spec.primary.template"}
    found = lint(tmp_path, {"widget.yaml": widget, "services.yaml": services}, workloads=only_primary)
    assert [(line, rule) for _, line, _, rule, _ in found] == [(21, "selector-no-match")]
