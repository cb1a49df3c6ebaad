"""How the cross-object phase grows with the number of objects (run by hand).

    python benchmarks/cross_object_scaling.py [SIZES...]

Generates, for each size N, N Deployments and N Services (one per app, all sharing a
`part-of` label, a tenth of them NodePort with pinned nodePorts, every Service with a named
targetPort) spread over 20 namespaces and 100 objects per file, plus one Ingress per 10
Services and a kind config; then times the per-file phase, the whole cross-object phase
(index, index rules, and locating their findings by parsing the files concerned again),
and the index rules alone. Linear growth shows as a constant time per object in the last
column.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from svclint.check.checkfile import check_file
from svclint.check.engine import combine, selected_rules
from svclint.check.registry import RulesByKind
from svclint.check.rule_inputs import RuleInputs
from svclint.check.settings import Settings
from svclint.model.resources import ResourceIndex

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app{i}, namespace: ns{ns}}}
spec:
  selector: {{matchLabels: {{app: app{i}}}}}
  template:
    metadata: {{labels: {{app: app{i}, app.kubernetes.io/part-of: shop}}}}
    spec:
      containers:
        - name: app
          image: app
          ports: [{{name: http, containerPort: 8080}}]
---
apiVersion: v1
kind: Service
metadata: {{name: app{i}, namespace: ns{ns}}}
spec:
  type: {type}
  selector: {{app: app{i}, app.kubernetes.io/part-of: shop}}
  ports: [{{port: 80, targetPort: http{node_port}}}]
"""
INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: ing{i}, namespace: ns{ns}}}
spec:
  rules:
    - http:
        paths:
{paths}"""
PATH = """\
          - path: /app{i}
            pathType: Prefix
            backend: {{service: {{name: app{i}, port: {{number: 80}}}}}}
"""
KIND = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes: [{role: control-plane}]\n"


def write_project(root: Path, size: int) -> list[str]:
    documents = []
    for i in range(size):
        node_port = i % 10 == 0
        documents.append(APP.format(i=i, ns=i % 20, type="NodePort" if node_port else "ClusterIP",
                                    node_port=f", nodePort: {30000 + i // 10}" if node_port else ""))
        if i % 10 == 9:
            paths = "".join(PATH.format(i=j) for j in range(i - 9, i + 1) if j % 20 == i % 20)
            if paths:
                documents.append(INGRESS.format(i=i, ns=i % 20, paths=paths))
    files = []
    for start in range(0, len(documents), 50):  # 50 documents of two objects: 100 objects a file
        path = root / f"part{start // 50:05d}.yaml"
        path.write_text("---\n".join(documents[start:start + 50]), encoding="utf-8")
        files.append(str(path))
    (root / "kind.yaml").write_text(KIND, encoding="utf-8")
    return files + [str(root / "kind.yaml")]


def measure(size: int) -> tuple[int, float, float, float, int]:
    settings = Settings()
    rules = selected_rules(settings)
    with tempfile.TemporaryDirectory() as folder:
        files = write_project(Path(folder), size)
        start = time.perf_counter()
        results = [check_file(path, settings, rules) for path in files]
        per_file = time.perf_counter() - start
        start = time.perf_counter()
        report = combine(results, settings, rules)
        cross = time.perf_counter() - start
    return report.objects, per_file, cross, index_rules_alone(results, settings, rules), len(report.findings)


def index_rules_alone(results, settings, rules) -> float:
    """Seconds to build the index and run every index rule, without locating findings."""
    start = time.perf_counter()
    index = ResourceIndex.build((r for result in results for r in result.objects), settings.workload_kinds)
    enabled = frozenset(rules)
    index_rules = RulesByKind([(rule, RuleInputs(index, settings, rule.options_for({}), enabled))
                               for rule in rules.values() if rule.check and rule.scope == "index"])
    for resource in index.objects:
        for rule, inputs in index_rules.of_kind(resource.qualified_kind):
            for _ in rule.check(resource, inputs):
                pass
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [1000, 2000, 4000, 8000]
    print(f"{'services':>9} {'objects':>8} {'per-file s':>11} {'cross s':>8} {'rules s':>8} {'findings':>9} "
          f"{'rules us/object':>16}")
    for size in sizes:
        objects, per_file, cross, alone, findings = measure(size)
        print(f"{size:>9} {objects:>8} {per_file:>11.2f} {cross:>8.2f} {alone:>8.2f} {findings:>9} "
              f"{alone / objects * 1e6:>16.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
