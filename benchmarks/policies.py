"""What ValidatingAdmissionPolicies cost a run: 100 policies (and their bindings) against
10,000 Services, as a ratio to the same run without policies.

    python benchmarks/policies.py [--services 10000] [--policies 100] [--runs 3] [--jobs N] [--compliant]

The Services (in files of 100) vary in type, ports, labels and annotations so that the
policies find some violations; the policies are shaped like those of policies/ (externalIPs,
types, ports, labels, annotations, messageExpression, variables, matchConditions), each with
its own literals, so that no two compile alike. With --compliant every Service is a
ClusterIP on port 80, which every policy admits: the cost of evaluating alone, without
findings to place and report. Times the real CLI, the median of `--runs`.
Run by hand; nothing here is a test.

Measured on the 2-core machine (2026-12-03, runs back to back): before the memo by groups
and expressions, the trimmed object and the one-write JSON report, 16.83 s against 3.73 s
(4.52x); after, 11.95 s against 3.94 s (3.04x). Then objects were judged while their file
is parsed (no second parse), the CEL activation made smaller, the reporters rewritten and
the findings sent back from workers as tuples: see the closing note of issue 16 for the
figures. What remains is mostly the volume of findings: 7.4 a Service, each evaluated
(its messageExpression reads the Service's name), located, made a Finding and reported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TYPES = ["ClusterIP", "ClusterIP", "ClusterIP", "NodePort", "LoadBalancer"]

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: svc-{n}
  namespace: team-{ns}
  labels:
    app.kubernetes.io/name: svc-{n}
    team: team-{ns}
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-scheme: {scheme}
spec:
  type: {type}
  selector:
    app.kubernetes.io/name: svc-{n}
  ports:
    - name: http
      port: {port}
      targetPort: 8080
    - name: metrics
      port: 9090
      targetPort: metrics
"""

SHAPES = [
    ("!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0", "no externalIPs {i}", []),
    ("object.spec.type != 'NodePort' || object.metadata.namespace == 'team-{i}'", "", []),
    ("object.spec.ports.all(p, p.port in variables.allowed)", "",
     [("allowed", "[80, 443, 8080, 9090, {port}]")]),
    ("has(object.metadata.labels) && 'team' in object.metadata.labels && "
     "object.metadata.labels.team.startsWith('team-')", "team label {i}", []),
    ("object.spec.type != 'LoadBalancer' || variables.scheme == 'internal'", "",
     [("scheme", "has(object.metadata.annotations) && 'service.beta.kubernetes.io/aws-load-balancer-scheme' in "
                 "object.metadata.annotations ? object.metadata.annotations['service.beta.kubernetes.io/"
                 "aws-load-balancer-scheme'] : ''")]),
    ("object.metadata.name.matches('^svc-[0-9]+$') && size(object.metadata.name) < {len}", "", []),
    ("object.spec.ports.exists(p, p.name == 'http')", "", []),
]


def policy(i: int) -> list[dict]:
    expression, message, variables = SHAPES[i % len(SHAPES)]
    fill = {"i": i, "port": 10000 + i, "len": 20 + i}
    validation: dict = {"expression": expression.format(**fill)}
    if message:
        validation["message"] = message.format(**fill)
    else:
        validation["messageExpression"] = f"'policy {i} refuses ' + object.metadata.name"
    spec: dict = {
        "failurePolicy": "Fail",
        "matchConstraints": {"resourceRules": [{"apiGroups": [""], "apiVersions": ["v1"],
                                                "operations": ["CREATE", "UPDATE"], "resources": ["services"]}]},
        "matchConditions": [{"name": "not-system", "expression": f"object.metadata.namespace != 'kube-system-{i}'"}],
        "validations": [validation],
    }
    if variables:
        spec["variables"] = [{"name": name, "expression": text.format(**fill)} for name, text in variables]
    name = f"policy-{i}"
    return [
        {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
         "metadata": {"name": name}, "spec": spec},
        {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
         "metadata": {"name": name}, "spec": {"policyName": name, "validationActions": ["Warn" if i % 2 else "Deny"]}},
    ]


def write_inputs(root: Path, services: int, policies: int, compliant: bool = False) -> tuple[Path, Path]:
    manifests, policy_dir = root / "manifests", root / "policies"
    manifests.mkdir()
    policy_dir.mkdir()
    per_file = 100
    for start in range(0, services, per_file):
        docs = [SERVICE.format(n=n, ns=n % 20, type="ClusterIP" if compliant else TYPES[n % len(TYPES)],
                               port=80 if compliant else [80, 443, 8080, 22][n % 4],
                               scheme="internal" if n % 3 else "internet-facing")
                for n in range(start, min(start + per_file, services))]
        (manifests / f"services-{start // per_file:03}.yaml").write_text("---\n".join(docs), encoding="utf-8")
    for i in range(policies):
        text = "\n---\n".join(json.dumps(doc) for doc in policy(i))
        (policy_dir / f"policy-{i:03}.yaml").write_text(text, encoding="utf-8")
    return manifests, policy_dir


def timed(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"svclint failed ({done.returncode}): {done.stderr[-2000:]}")
    return took, done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--policies", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for svclint (default: its own choice)")
    parser.add_argument("--compliant", action="store_true", help="Services every policy admits")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        manifests, policy_dir = write_inputs(Path(tmp), args.services, args.policies, args.compliant)
        base = [sys.executable, "-m", "svclint", str(manifests), "--no-cache", "--format", "json", "--exit-zero"]
        if args.jobs:
            base += ["--jobs", str(args.jobs)]
        without, with_policies, findings = [], [], 0
        for _ in range(args.runs):  # interleaved: the machine's load changes both alike
            without.append(timed(base)[0])
            took, out = timed([*base, "--policy", str(policy_dir)])
            with_policies.append(took)
            findings = sum(1 for f in json.loads(out)["findings"] if f["rule"].startswith("policy:"))
    plain, policed = statistics.median(without), statistics.median(with_policies)
    print(f"{args.services:,} Services, {args.policies} policies, median of {args.runs} runs:")
    print(f"  without policies  {plain:6.2f} s")
    print(f"  with policies     {policed:6.2f} s   ({findings:,} policy findings)")
    print(f"  ratio             {policed / plain:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
