"""`svclint --fix`, `--diff`, `--fix-only`, `--unsafe-fixes`: the files they change, and how.

Each test writes a real manifest, runs the command in-process and compares the whole file
afterwards with the text expected: every byte outside the fixed lines must stay.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections import Counter
from pathlib import Path

import svclint
from svclint.check.finding import Finding, Severity
from svclint.fix.run import _failure
from svclint.model.resources import ObjectRef
from tests.conftest import REPO
from tests.test_streams import fifo_with

MANIFEST = """\
# Shop front end: a Deployment and its Service.
# Reviewed by the platform team.
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: front
  labels: &front-labels
    app: front
    tier: web
spec:
  selector:
    matchLabels: *front-labels
  template:
    metadata:
      labels: *front-labels
    spec:
      containers:
        - name: front
          image: example/front:1.4   # pinned
          ports:
            - {name: http, containerPort: 8080}
            - {name: metrics, containerPort: 9090}
---

apiVersion: v1
kind: Service
metadata:
  name: front
  labels:
    app: front
    canary: yes        # kubectl reads this as a boolean
    build: 0123
  annotations:
    owner: 'team-shop'
    service.alpha.kubernetes.io/tolerate-unready-endpoints: "true"
spec:
  type: nodeport       # the dev cluster maps 30080
  selector: {app: front, tier: web}
  ports:
    - port: "80"       # quoted by a template long ago
      targetPort: http
      protocol: tcp
      nodePort: 30080

    - port: 9090
      targetPort: "9090"
  externalTrafficPolicy: local
...
"""
FIXED = MANIFEST.replace("""\
    canary: yes        # kubectl reads this as a boolean
    build: 0123
  annotations:
    owner: 'team-shop'
    service.alpha.kubernetes.io/tolerate-unready-endpoints: "true"
spec:
  type: nodeport       # the dev cluster maps 30080
  selector: {app: front, tier: web}
  ports:
    - port: "80"       # quoted by a template long ago
      targetPort: http
      protocol: tcp
      nodePort: 30080

    - port: 9090
      targetPort: "9090"
  externalTrafficPolicy: local
""", """\
    canary: "yes"        # kubectl reads this as a boolean
    build: "0123"
  annotations:
    owner: 'team-shop'
spec:
  type: NodePort       # the dev cluster maps 30080
  selector: {app: front, tier: web}
  ports:
    - port: 80       # quoted by a template long ago
      targetPort: http
      protocol: TCP
      nodePort: 30080
      name: http

    - port: 9090
      targetPort: 9090
      name: tcp-9090
  externalTrafficPolicy: Local
  publishNotReadyAddresses: true
""")
FIXED_RULES = {"label-invalid", "deprecated-field", "value-not-supported", "port-name-invalid", "schema",
               "target-port-invalid"}

JSON_SERVICE = """\
{
  "apiVersion": "v1",
  "kind": "Service",
  "metadata": {
    "name": "api",
    "labels": {"app": "api", "enabled": true}
  },
  "spec": {
    "type": "ClusterIP",
    "ports": [
      {"port": "8080", "protocol": "tcp"},
      {
        "port": 8443,
        "targetPort": "https"
      }
    ]
  }
}
"""
JSON_FIXED = """\
{
  "apiVersion": "v1",
  "kind": "Service",
  "metadata": {
    "name": "api",
    "labels": {"app": "api", "enabled": "true"}
  },
  "spec": {
    "type": "ClusterIP",
    "ports": [
      {"port": 8080, "protocol": "TCP", "name": "tcp-8080"},
      {
        "port": 8443,
        "targetPort": "https",
        "name": "https"
      }
    ]
  }
}
"""

OUT_OF_RANGE = """\
apiVersion: v1
kind: Service
metadata:
  name: admin
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 40080   # the old cluster's range
"""


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def rules_left(path: Path) -> set[str]:
    return {finding.rule for finding in svclint.lint([str(path)]).findings}


def test_fix_changes_only_the_lines_of_the_findings_and_says_how_many(tmp_path, cli) -> None:
    manifest = write(tmp_path / "app.yaml", MANIFEST)
    assert FIXED_RULES <= rules_left(manifest)
    run = cli("--fix", str(manifest))
    assert manifest.read_text(encoding="utf-8") == FIXED
    assert "(10 fixed)" in run.stdout
    assert "fixed 10 problems in 1 file" in run.stderr
    assert not FIXED_RULES & rules_left(manifest)  # the fixed file re-lints without them
    assert run.returncode == 0  # what remains is an info (exposed-nodeport, now that the type is NodePort)


def test_a_second_fix_changes_nothing(tmp_path, cli) -> None:
    manifest = write(tmp_path / "app.yaml", MANIFEST)
    cli("--fix", str(manifest))
    before = manifest.stat()
    again = cli("--fix", str(manifest))
    assert manifest.read_text(encoding="utf-8") == FIXED
    assert manifest.stat().st_mtime_ns == before.st_mtime_ns and manifest.stat().st_ino == before.st_ino
    assert "fixed 0 problems in 0 files" in again.stderr
    assert cli("--diff", str(manifest)).returncode == 0


def test_diff_shows_the_fixes_and_changes_nothing(tmp_path, cli) -> None:
    manifest = write(tmp_path / "app.yaml", MANIFEST)
    run = cli("--diff", str(manifest))
    assert run.returncode == 1
    assert manifest.read_text(encoding="utf-8") == MANIFEST
    assert run.stdout.startswith(f"--- {manifest}\n+++ {manifest}\n@@ ")
    removed = [line[1:] for line in run.stdout.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in run.stdout.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == [line for line in MANIFEST.splitlines() if line not in FIXED.splitlines()]
    assert added == [line for line in FIXED.splitlines() if line not in MANIFEST.splitlines()]
    assert "would fix 10 problems in 1 file" in run.stderr


def test_crlf_line_endings_are_kept_and_given_to_added_lines(tmp_path, cli) -> None:
    manifest = write(tmp_path / "app.yaml", MANIFEST.replace("\n", "\r\n"))
    cli("--fix", str(manifest))
    assert manifest.read_bytes() == FIXED.replace("\n", "\r\n").encode("utf-8")


def test_json_files_stay_json_in_their_own_layout(tmp_path, cli) -> None:
    manifest = write(tmp_path / "api.json", JSON_SERVICE)
    run = cli("--fix", str(manifest))
    assert manifest.read_text(encoding="utf-8") == JSON_FIXED
    assert json.loads(JSON_FIXED)["spec"]["ports"][0] == {"port": 8080, "protocol": "TCP", "name": "tcp-8080"}
    assert "fixed 5 problems in 1 file" in run.stderr


def test_fixes_on_one_line_are_made_one_round_at_a_time(tmp_path, cli) -> None:
    """Four fixes in one flow-style line overlap: each round makes one, on the re-parsed text
    (the first port is named only once its number is a number)."""
    manifest = write(tmp_path / "svc.yaml", """\
apiVersion: v1
kind: Service
metadata: {name: dns}
spec:
  type: ClusterIP
  ports: [{port: "53", protocol: udp}, {port: 53, protocol: TCP}]  # DNS on both
""")
    run = cli("--fix", str(manifest))
    assert manifest.read_text(encoding="utf-8") == """\
apiVersion: v1
kind: Service
metadata: {name: dns}
spec:
  type: ClusterIP
  ports: [{port: 53, protocol: UDP, name: udp-53}, {port: 53, protocol: TCP, name: tcp-53}]  # DNS on both
"""
    assert "fixed 4 problems in 1 file" in run.stderr


def test_several_documents_and_files_keep_everything_else(tmp_path, cli) -> None:
    other = write(tmp_path / "z-clean.yaml", "# nothing to fix here\napiVersion: v1\nkind: Namespace\n"
                                             "metadata: {name: shop}\n")
    manifest = write(tmp_path / "app.yaml", f"{MANIFEST}---\n# the same again\n{MANIFEST.split('---', 2)[2]}")
    cli("--fix", str(tmp_path))
    text = manifest.read_text(encoding="utf-8")
    assert text == f"{FIXED}---\n# the same again\n{FIXED.split('---', 2)[2]}"
    assert other.read_text(encoding="utf-8").startswith("# nothing to fix here\n")


def test_values_behind_anchors_are_left_alone(tmp_path, cli) -> None:
    """Changing an anchored value would change every alias of it: not a local edit."""
    text = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  labels: &labels
    app: web
    canary: yes
spec:
  selector: *labels
  ports: [{port: 80}]
"""
    manifest = write(tmp_path / "svc.yaml", text)
    run = cli("--fix", str(manifest))
    assert manifest.read_text(encoding="utf-8") == text
    assert "label-invalid" in run.stdout and "fixed 0 problems" in run.stderr


def test_unsafe_fixes_need_their_flag(tmp_path, cli) -> None:
    manifest = write(tmp_path / "admin.yaml", OUT_OF_RANGE)
    assert cli("--fix", str(manifest)).returncode == 1
    assert manifest.read_text(encoding="utf-8") == OUT_OF_RANGE
    cli("--fix", "--unsafe-fixes", str(manifest))
    assert manifest.read_text(encoding="utf-8") == OUT_OF_RANGE.replace("      nodePort: 40080   # the old cluster's range\n", "")
    assert "nodeport-out-of-range" not in rules_left(manifest)


def test_fix_only_reports_nothing_else(tmp_path, cli) -> None:
    manifest = write(tmp_path / "app.yaml", MANIFEST.replace("  externalTrafficPolicy: local\n", "")
                     .replace("      nodePort: 30080\n", "      nodePort: 40080\n"))
    run = cli("--fix-only", str(manifest))
    assert run.returncode == 0 and run.stdout == ""
    assert "nodeport-out-of-range" in rules_left(manifest)  # unsafe: left, and not reported
    assert "fixed 9 problems in 1 file" in run.stderr


def test_stdin_is_fixed_onto_stdout_and_reported_on_stderr(cli) -> None:
    run = cli("--fix", "-", stdin=MANIFEST)
    assert run.stdout == FIXED
    assert "(10 fixed)" in run.stderr


def test_a_link_is_fixed_in_its_target_which_keeps_its_mode(tmp_path, cli) -> None:
    target = write(tmp_path / "real.yaml", MANIFEST)
    target.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(target.name)
    cli("--fix", str(link))
    assert link.is_symlink() and os.readlink(link) == "real.yaml"
    assert target.read_text(encoding="utf-8") == FIXED
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_read_only_files_are_never_written(tmp_path, cli) -> None:
    manifest = write(tmp_path / "app.yaml", MANIFEST)
    manifest.chmod(0o444)
    run = cli("--fix", str(manifest))
    assert manifest.read_text(encoding="utf-8") == MANIFEST
    assert "app.yaml: read-only; not fixed" in run.stderr
    assert "schema" in run.stdout and "fixed 0 problems" in run.stderr


def test_a_fix_that_leaves_its_finding_is_undone() -> None:
    service = ObjectRef("Service", "default", "web")
    port = Finding("app.yaml", 9, 13, "schema", Severity.ERROR, 'spec.ports[0].port must be an integer', service)
    fixed = Counter({(port.rule, port.obj, port.message): 1})
    assert _failure(fixed, Counter(), []) is None
    assert "still shows schema" in (_failure(fixed, Counter(), [port]) or "")
    broken = Finding("app.yaml", 3, 1, "invalid-yaml", Severity.ERROR, "mapping values are not allowed here")
    assert "would not read as before" in (_failure(fixed, Counter(), [broken]) or "")


def test_examples_are_repaired_by_their_fixes(tmp_path, cli) -> None:
    """The safe fixes mend shop/orders.yaml's three slips, exactly as --diff showed them; with
    --unsafe-fixes the selector typo, the renamed targetPort and the out-of-range nodePort are
    repaired too, and a second run changes nothing."""
    examples = tmp_path / "examples"
    shutil.copytree(REPO / "examples", examples)
    before = {path: path.read_bytes() for path in examples.rglob("*.yaml")}
    orders = examples / "shop" / "orders.yaml"
    diff = cli("--diff", str(examples))
    assert diff.returncode == 1 and {path: path.read_bytes() for path in before} == before
    removed = [line[1:] for line in diff.stdout.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert removed == ["    canary: no  # kubectl sends the boolean false: a label value must be a string",
                       '      port: "9090"  # a string where the API server wants an integer',
                       "      protocol: tcp  # the API server knows TCP, not tcp"]
    safe_only = cli("--fix", str(examples))
    assert "fixed 3 problems in 1 file" in safe_only.stderr
    assert "3 more fixes available with --unsafe-fixes" in safe_only.stderr
    assert [p for p in before if p.read_bytes() != before[p]] == [orders]
    assert orders.read_text(encoding="utf-8") == before[orders].decode().replace("canary: no ", 'canary: "no" ') \
        .replace('port: "9090"', "port: 9090").replace("protocol: tcp ", "protocol: TCP ")
    assert cli("--diff", str(examples)).stdout == ""
    run = cli("--fix", "--unsafe-fixes", str(examples))
    assert "fixed 3 problems in 3 files" in run.stderr
    changed = sorted(path.name for path in before if path.read_bytes() != before[path])
    assert changed == ["catalog.yaml", "orders.yaml", "reviews.yaml", "web.yaml"]
    left = {finding.rule for finding in svclint.lint([str(examples)]).findings}
    assert not left & {"selector-no-match", "target-port-unresolved", "nodeport-out-of-range", "schema",
                       "label-invalid", "value-not-supported"}
    assert cli("--diff", "--unsafe-fixes", str(examples)).returncode == 0


def test_the_owner_is_kept(tmp_path, cli) -> None:
    manifest = write(tmp_path / "app.yaml", MANIFEST)
    owner = (4321, 4321) if os.geteuid() == 0 else (os.getuid(), os.getgid())  # root can give files away
    os.chown(manifest, *owner)
    cli("--fix", str(manifest))
    assert manifest.read_text(encoding="utf-8") == FIXED
    assert (manifest.stat().st_uid, manifest.stat().st_gid) == owner


def test_a_named_pipe_is_read_once_and_never_written(tmp_path, cli) -> None:
    pipe = tmp_path / "pipe.yaml"
    writer = fifo_with(pipe, MANIFEST)
    run = cli("--fix", str(pipe))
    writer.join(timeout=10)
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert "pipe.yaml: not a regular file; not fixed" in run.stderr
    assert "schema" in run.stdout  # its findings are still reported
