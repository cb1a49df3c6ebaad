"""How much a pre-commit run pays for its context, with and without .svclint_cache/.

Builds a git repository of synthetic manifests (DOCS documents of context: Deployments,
Services, ConfigMaps and ServiceAccounts across namespaces), changes one file, and times the
real CLI as the pre-commit hook runs it (`svclint --context git CHANGED`), the median of
several runs each:

    python benchmarks/context_cache.py [--docs 10000] [--runs 5]

Run by hand; nothing here is a test.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {namespace}
  labels: {{app.kubernetes.io/name: {name}, app.kubernetes.io/part-of: shop}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app.kubernetes.io/name: {name}}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: {name}, app.kubernetes.io/part-of: shop}}
      annotations: {{prometheus.io/scrape: "true", prometheus.io/port: "9090"}}
    spec:
      serviceAccountName: {name}
      containers:
        - name: app
          image: registry.example.com/{name}:1.{number}.0
          args: [--port=8080, --metrics-port=9090, --log-level=info]
          ports:
            - {{name: http, containerPort: 8080}}
            - {{name: metrics, containerPort: 9090}}
          env:
            - {{name: LOG_FORMAT, value: json}}
            - {{name: CONFIG, value: /etc/{name}/config.yaml}}
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{memory: 256Mi}}
          readinessProbe:
            httpGet: {{path: /ready, port: http}}
          volumeMounts:
            - {{name: config, mountPath: /etc/{name}}}
      volumes:
        - name: config
          configMap: {{name: {name}}}
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {namespace}
spec:
  type: {service_type}
  selector:
    app.kubernetes.io/name: {name}
  ports:
    - {{name: http, port: 80, targetPort: http}}
    - {{name: metrics, port: 9090, targetPort: metrics}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
  namespace: {namespace}
data:
  config.yaml: |
    listen: ":8080"
    upstreams: [{name}-db:5432, {name}-cache:6379]
    features: {{search: true, recommendations: false}}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
  namespace: {namespace}
"""
DOCS_PER_FILE = APP.count("\n---\n") + 1
CHANGED = """\
apiVersion: v1
kind: Service
metadata:
  name: app-1-public
  namespace: team-1
spec:
  type: NodePort
  selector:
    app.kubernetes.io/name: app-1
  ports:
    - {name: http, port: 80, targetPort: http, nodePort: 30080}
"""


def build(root: Path, docs: int) -> list[Path]:
    files = []
    for number in range(docs // DOCS_PER_FILE):
        namespace = f"team-{number % 25}"
        path = root / "deploy" / namespace / f"app-{number}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        service_type = ("ClusterIP", "ClusterIP", "NodePort", "LoadBalancer")[number % 4]
        path.write_text(APP.format(name=f"app-{number}", namespace=namespace, number=number,
                                   service_type=service_type), encoding="utf-8")
        files.append(path)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "context"], cwd=root, check=True)
    (root / "deploy" / "team-1" / "public.yaml").write_text(CHANGED, encoding="utf-8")
    subprocess.run(["git", "add", "deploy/team-1/public.yaml"], cwd=root, check=True)
    return files


def timed(args: list[str], cwd: Path, before=None) -> tuple[float, subprocess.CompletedProcess]:
    if before:
        before()
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "svclint", *args], cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, result


def median_of(runs: int, args: list[str], cwd: Path, before=None) -> tuple[float, subprocess.CompletedProcess]:
    measured = [timed(args, cwd, before) for _ in range(runs)]
    return statistics.median(t for t, _ in measured), measured[-1][1]


def bare_parse(files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        list(yaml.load_all(path.read_bytes(), Loader=yaml.CSafeLoader))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="svclint-bench-") as directory:
        root = Path(directory)
        files = build(root, options.docs)
        changed = "deploy/team-1/public.yaml"
        cache = root / ".svclint_cache"
        clear = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
        rows = [
            ("changed file alone, no context", median_of(options.runs, [changed], root)),
            ("--context git --no-cache --jobs 1", median_of(options.runs, ["--context", "git", "--no-cache", "--jobs", "1",
                                                                          changed], root)),
            ("--context git --no-cache", median_of(options.runs, ["--context", "git", "--no-cache", changed], root)),
            ("--context git, cold cache", median_of(options.runs, ["--context", "git", changed], root, clear)),
            ("--context git, warm cache", median_of(options.runs, ["--context", "git", changed], root)),
        ]
        size = sum(path.stat().st_size for path in files)
        print(f"context: {len(files)} files, {len(files) * DOCS_PER_FILE} documents, {size / 1e6:.1f} MB; "
              f"1 changed file; median of {options.runs} runs")
        print(f"{'bare CSafeLoader parse of the context (in process)':52} {bare_parse(files):6.2f} s")
        for label, (seconds, result) in rows:
            summary = next(line for line in result.stdout.splitlines() if " in 1 file" in line)
            print(f"{label:52} {seconds:6.2f} s   exit {result.returncode}: {summary}")
        print(f"cache file: {sum(p.stat().st_size for p in cache.glob('*.pickle')) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
