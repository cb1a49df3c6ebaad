"""Generate a realistic synthetic project of Kubernetes manifests for the benchmarks.

Each application is a Deployment (labels, probes, resources, env, named container ports)
and a Service of one of the four types (plus headless ones) targeting the named ports, in
one of several namespaces. Files hold one to three applications, sometimes a Deployment
and its Service in separate files, as real repositories do. About one application in a
hundred carries a deliberate defect (a selector typo, a nodePort out of range, a
misspelled field, a port written as a string), so findings are printed as in real use.

    python benchmarks/generate.py --documents 10000 OUT_DIR
    python benchmarks/generate.py --single-file-mb 20 OUT_DIR
"""

from __future__ import annotations

import argparse
import os
import random
from dataclasses import dataclass

NAMESPACES = ("shop", "payments", "search", "platform", "monitoring", "identity", "media", "edge")
WORDS = ("cart", "catalog", "checkout", "billing", "ledger", "index", "query", "auth", "session",
         "thumb", "stream", "gateway", "router", "metrics", "alerts", "mailer", "profile", "review")
SERVICE_TYPES = ("ClusterIP",) * 10 + ("headless",) * 2 + ("NodePort",) * 2 + ("LoadBalancer", "ExternalName")
DEFECTS = ("selector-typo", "nodeport-range", "misspelled-field", "string-port")
DEFECT_RATE = 0.01


@dataclass
class App:
    name: str
    namespace: str
    service_type: str
    defect: str | None
    number: int


def deployment(app: App, rng: random.Random) -> str:
    replicas = rng.choice((1, 2, 3, 5))
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app.name}
  namespace: {app.namespace}
  labels:
    app.kubernetes.io/name: {app.name}
    app.kubernetes.io/part-of: {app.namespace}
    app.kubernetes.io/version: "1.{app.number % 40}.{app.number % 7}"
  annotations:
    deployment.kubernetes.io/revision: "{app.number % 13 + 1}"
spec:
  replicas: {replicas}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: {app.name}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {app.name}
        app.kubernetes.io/part-of: {app.namespace}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
    spec:
      serviceAccountName: {app.name}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        fsGroup: 10001
      containers:
        - name: {app.name}
          image: registry.example.com/{app.namespace}/{app.name}:1.{app.number % 40}.{app.number % 7}
          imagePullPolicy: IfNotPresent
          args: ["--listen=:8080", "--metrics=:9090", "--log-level=info"]
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
            - name: metrics
              containerPort: 9090
              protocol: TCP
          env:
            - name: APP_NAME
              value: {app.name}
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: {app.name}-db
                  key: url
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: "1"
              memory: 512Mi
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
            initialDelaySeconds: 5
            periodSeconds: 10
          livenessProbe:
            httpGet:
              path: /livez
              port: http
            failureThreshold: 3
          volumeMounts:
            - name: config
              mountPath: /etc/{app.name}
              readOnly: true
      volumes:
        - name: config
          configMap:
            name: {app.name}-config
"""


def service(app: App, rng: random.Random) -> str:
    selector_value = app.name + "x" if app.defect == "selector-typo" else app.name
    selector_key = "selecter" if app.defect == "misspelled-field" else "selector"
    port = '"80"' if app.defect == "string-port" else "80"
    head = f"""\
apiVersion: v1
kind: Service
metadata:
  name: {app.name}
  namespace: {app.namespace}
  labels:
    app.kubernetes.io/name: {app.name}
    app.kubernetes.io/part-of: {app.namespace}
  annotations:
    description: "{app.name} in {app.namespace}, owned by team {WORDS[app.number % len(WORDS)]}"
spec:
"""
    if app.service_type == "ExternalName":
        return head + f"  type: ExternalName\n  externalName: {app.name}.{app.namespace}.example.com\n"
    lines = []
    if app.service_type == "headless":
        lines.append("  clusterIP: None")
    elif app.service_type != "ClusterIP" or rng.random() < 0.5:
        lines.append(f"  type: {app.service_type}")
    if app.service_type == "LoadBalancer":
        lines.append("  externalTrafficPolicy: Local")
    lines += [f"  {selector_key}:", f"    app.kubernetes.io/name: {selector_value}", "  ports:",
              "    - name: http", f"      port: {port}", "      targetPort: http", "      protocol: TCP"]
    if app.service_type in ("NodePort", "LoadBalancer"):
        node_port = 40000 + app.number % 1000 if app.defect == "nodeport-range" else 30000 + app.number % 2700
        lines.append(f"      nodePort: {node_port}")
    lines += ["    - name: metrics", "      port: 9090", "      targetPort: metrics"]
    return head + "\n".join(lines) + "\n"


def apps(rng: random.Random, defect_rate: float = DEFECT_RATE):
    number = 0
    while True:
        name = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{number}"
        defect = rng.choice(DEFECTS) if rng.random() < defect_rate else None
        yield App(name, rng.choice(NAMESPACES), rng.choice(SERVICE_TYPES), defect, number)
        number += 1


def generate_tree(root: str, documents: int, seed: int = 6,
                  defect_rate: float = DEFECT_RATE) -> tuple[list[str], int]:
    """Writes about `documents` documents over many files under `root`; returns the files
    and the exact number of documents."""
    rng = random.Random(seed)
    written: list[str] = []
    produced = 0
    source = apps(rng, defect_rate)
    while produced < documents:
        app_count = rng.choice((1, 1, 2, 3))
        group = [next(source) for _ in range(app_count)]
        folder = os.path.join(root, group[0].namespace, f"team-{group[0].number % 25}")
        os.makedirs(folder, exist_ok=True)
        if app_count == 1 and rng.random() < 0.3:  # Deployment and Service in separate files
            written.append(_write(folder, f"{group[0].name}-deploy.yaml", [deployment(group[0], rng)]))
            written.append(_write(folder, f"{group[0].name}-svc.yaml", [service(group[0], rng)]))
        else:
            docs = [d for app in group for d in (deployment(app, rng), service(app, rng))]
            written.append(_write(folder, f"{group[0].name}.yaml", docs))
        produced += 2 * app_count
    return written, produced


def generate_single_file(path: str, megabytes: float, seed: int = 6) -> int:
    """Writes one multi-document file of about `megabytes` MB; returns its document count."""
    rng = random.Random(seed)
    limit = int(megabytes * 1024 * 1024)
    size = documents = 0
    source = apps(rng)
    with open(path, "w", encoding="utf-8") as handle:
        while size < limit:
            app = next(source)
            for text in (deployment(app, rng), service(app, rng)):
                chunk = "---\n" + text
                handle.write(chunk)
                size += len(chunk)
                documents += 1
    return documents


def _write(folder: str, name: str, documents: list[str]) -> str:
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("---\n".join(documents))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", help="directory to write into")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--documents", type=int, help="documents spread over many files")
    group.add_argument("--single-file-mb", type=float, help="one multi-document file of this size")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    if args.documents:
        files, documents = generate_tree(args.out, args.documents, args.seed)
        print(f"{len(files)} files, {documents} documents under {args.out}")
    else:
        os.makedirs(args.out, exist_ok=True)
        count = generate_single_file(os.path.join(args.out, "all.yaml"), args.single_file_mb, args.seed)
        print(f"1 file, {count} documents in {args.out}/all.yaml")


if __name__ == "__main__":
    main()
