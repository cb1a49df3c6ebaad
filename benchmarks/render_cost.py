"""What rendering Kustomize overlays costs, as a ratio to linting the same objects already rendered.

    python benchmarks/render_cost.py [OVERLAYS] [SERVICES_PER_BASE]

Writes a repository to a temporary directory: one base of SERVICES_PER_BASE Services and
Deployments, OVERLAYS overlays on it (namePrefix, namespace, labels, a patch each). Then times,
in-process (svclint.lint, best of 3):
  rendered   `kubectl kustomize` of each overlay written to a file first, and those files linted
             (each as its own run, as svclint lints overlays apart): the cost without rendering
  render     svclint on the repository, rendering every overlay (no cache), --jobs 1 and 2
  cached     svclint on the repository again with the render cache warm
and prints each as a ratio to `rendered`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import svclint

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web-{n}
spec:
  selector:
    app: web-{n}
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{n}
spec:
  selector:
    matchLabels:
      app: web-{n}
  template:
    metadata:
      labels:
        app: web-{n}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - name: http
              containerPort: 8080
"""
OVERLAY = """\
namePrefix: env{n}-
namespace: env{n}
labels:
  - pairs: {{env: env{n}}}
    includeSelectors: true
resources: [../../base]
patches:
  - path: patch.yaml
"""
PATCH = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-0\nspec:\n  type: NodePort\n"


def write_repository(root: Path, overlays: int, services: int) -> None:
    (root / "base").mkdir(parents=True)
    names = []
    for n in range(services):
        (root / "base" / f"web-{n}.yaml").write_text(SERVICE.format(n=n))
        names.append(f"web-{n}.yaml")
    (root / "base" / "kustomization.yaml").write_text(f"resources: {names}\n")
    for n in range(overlays):
        directory = root / "overlays" / f"env{n}"
        directory.mkdir(parents=True)
        (directory / "kustomization.yaml").write_text(OVERLAY.format(n=n))
        (directory / "patch.yaml").write_text(PATCH)


def best_of(runs: int, action) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main(overlays: int = 8, services: int = 20) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch, "repo")
        write_repository(root, overlays, services)
        rendered = Path(scratch, "rendered")
        rendered.mkdir()
        for n in range(overlays):
            output = subprocess.run(["kubectl", "kustomize", str(root / "overlays" / f"env{n}")],
                                    capture_output=True, check=True, text=True).stdout
            (rendered / f"env{n}.yaml").write_text(output)
        os.chdir(root)
        plain = best_of(3, lambda: [svclint.lint([str(rendered / f"env{n}.yaml")], {"cache-dir": None})
                                    for n in range(overlays)])
        one = best_of(3, lambda: svclint.lint(["."], {"cache-dir": None}, jobs=1))
        two = best_of(3, lambda: svclint.lint(["."], {"cache-dir": None}, jobs=2))
        cache = {"cache-dir": str(Path(scratch, "cache"))}
        svclint.lint(["."], cache)
        cached = best_of(3, lambda: svclint.lint(["."], cache))
    objects = overlays * services * 2
    print(f"{overlays} overlays x {services * 2} objects ({objects} objects rendered)")
    print(f"rendered already:       {plain * 1000:8.0f} ms  1.0x")
    for name, seconds in (("render, --jobs 1", one), ("render, --jobs 2", two), ("render cache warm", cached)):
        print(f"{name + ':':23} {seconds * 1000:8.0f} ms  {seconds / plain:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
