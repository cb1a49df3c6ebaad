"""How long svclint takes on broken and hostile input, and how much memory (run by hand).

    python benchmarks/hostile_inputs.py
    python benchmarks/hostile_inputs.py --shapes [NAME=DIR ...]

`--shapes` runs the `svclint` command in a subprocess on inputs whose size is in what they
repeat (aliases of a big value, thousands of findings about one thing, a million tiny
documents, a 5 MB List) and prints the wall time, the peak RSS (VmHWM) and the size of
the JSON report of each: all should grow linearly and stay small. `before=DIR` runs (also)
the svclint found in DIR (e.g. `git archive COMMIT | tar -x -C DIR`) instead of the
installed one, to compare two versions.

Each input is written to a file and linted in-process with every rule (`lint_paths`, as the
CLI does, without interpreter start-up); the time is the best of three runs, the memory the
peak of Python allocations (tracemalloc) in a fourth. Unguarded, several of these hang
(alias bombs, long sexagesimal integers), raise (5,000-digit integers) or crash the process
(deep nesting overflows libyaml's C stack). Each should take milliseconds and print its
finding.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Callable

from svclint.check.engine import lint_paths
from svclint.check.settings import Settings

SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: {port}\n"


def billion_laughs(indent: str = "") -> str:
    lines = [f"{indent}a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{indent}{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def merge_bomb() -> str:
    lines = ["a: &a {k: v}"] + [f"{name}: &{name} {{<<: [" + ", ".join([f"*{prev}"] * 9) + "]}"
                                for prev, name in zip("abcdefgh", "bcdefghi")]
    return "\n".join(lines) + "\n"


INPUTS: dict[str, Callable[[], bytes | str]] = {
    "billion laughs (9 levels of 9 aliases)": billion_laughs,
    "billion laughs in a Service's annotations": lambda: SERVICE.format(port=80).replace(
        "  name: web\n", "  name: web\n  annotations:\n" + billion_laughs("    ")),
    "merge-key bomb": merge_bomb,
    "recursive alias": lambda: "data: &d\n  self: [*d]\n",
    "flow nesting 200,000 deep": lambda: "x: " + "[" * 200_000 + "]" * 200_000 + "\n",
    "flow mappings 100,000 deep": lambda: "x: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n",
    "block mappings 3,000 deep": lambda: "".join("  " * i + "k:\n" for i in range(3000)),
    "a 2 MB line": lambda: SERVICE.format(port=80) + "  clusterIP: " + "x" * 2_000_000 + "\n",
    "a 5,000-digit port": lambda: SERVICE.format(port="9" * 5000),
    "a 200,000-part sexagesimal port": lambda: SERVICE.format(port=":".join(["1"] * 200_000)),
    "a 100,000-digit hex port": lambda: SERVICE.format(port="0x" + "f" * 100_000),
    "1 MB of random bytes": lambda: random.Random(6).randbytes(1_000_000),
    "Latin-1 text": lambda: SERVICE.format(port=80).replace("web", "caf\xe9").encode("latin-1"),
    "UTF-16 text, 1,000 Services": lambda: ("\n---\n".join(
        SERVICE.format(port=80).replace("web", f"web{i}") for i in range(1000))).encode("utf-16"),
    "10,000 duplicate keys": lambda: "".join(f"k: {i}\n" for i in range(10_000)),
    "a flow sequence of 100,000 items (linear)": lambda: "x: [" + "a, " * 100_000 + "a]\n",
    "10,000 empty documents": lambda: "---\n" * 10_000,
    "10,000 scalars among objects": lambda: SERVICE.format(port=80) + "---\nx\n" * 10_000,
}


def aliased_value(aliases: int, size: int) -> str:
    """An anchored 64 KB value repeated by aliases in externalIPs (79 KB of YAML)."""
    items = ", ".join(["&a " + "x" * size] + ["*a"] * aliases)
    return SERVICE.format(port=80) + f"  externalIPs: [{items}]\n"


def aliased_items(aliases: int) -> str:
    """20,000 aliases of one bad item in a list field (81 KB)."""
    return SERVICE.format(port=80) + "  externalIPs: [&a 1.2.3, " + "*a, " * aliases + "*a]\n"


def shared_node_port(services: int) -> str:
    """Services that all request nodePort 30080."""
    return "---\n".join(
        SERVICE.format(port=80).replace("name: web", f"name: web{i}").replace("  ports:", "  type: NodePort\n  ports:")
        + "      nodePort: 30080\n" for i in range(services))


def labelled_service(number: int, labels: int, ports: int) -> dict:
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": f"web{number}", "labels": {f"l{i}": f"v{i}" for i in range(labels)}},
            "spec": {"selector": {"app": f"web{number}"},
                     "ports": [{"name": f"p{i}", "port": 1000 + i, "targetPort": 2000 + i} for i in range(ports)]}}


def service_list(services: int) -> str:
    """A 5 MB `kind: List` of Services, as `kubectl get -o json` writes it (each selects no pod)."""
    items = [labelled_service(i, 40, 25) for i in range(services)]
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": items}, indent=2) + "\n"


def separate_services(services: int) -> str:
    """The same Services as separate YAML documents."""
    return "---\n".join(json.dumps(labelled_service(i, 40, 25), indent=2) + "\n" for i in range(services))


SHAPES: dict[str, tuple[str, Callable[[], str]]] = {
    "64 KB value x 300 aliases in externalIPs": ("yaml", lambda: aliased_value(300, 65_536)),
    "20,000 aliases in externalIPs": ("yaml", lambda: aliased_items(20_000)),
    "2,000 Services sharing one nodePort": ("yaml", lambda: shared_node_port(2000)),
    "1,000,000 documents `- a`": ("yaml", lambda: "---\n- a\n" * 1_000_000),
    "List of 2,000 Services (JSON)": ("json", lambda: service_list(2000)),
    "2,000 Services as documents (YAML)": ("yaml", lambda: separate_services(2000)),
}


def run_shapes(variants: list[tuple[str, str | None]]) -> int:
    print(f"{'shape':45} {'input':>8} {'variant':>8} {'time':>7} {'peak RSS':>9} {'report':>9} findings")
    with tempfile.TemporaryDirectory() as folder:
        for name, (suffix, make) in SHAPES.items():
            path = Path(folder) / f"input.{suffix}"
            # Written by another process: a child's peak RSS (ru_maxrss) counts the memory of
            # the parent it was spawned from, so the parent must not hold the inputs.
            subprocess.run([sys.executable, __file__, "--generate", name, str(path)], check=True)
            size = path.stat().st_size / 2**20
            for label, pythonpath in variants:
                seconds, peak_kb, report = measure(path, Path(folder) / "report.json", pythonpath)
                print(f"{name:45} {size:6.2f}MB {label:>8} {seconds:6.1f}s {peak_kb / 1024:7.0f}MB "
                      f"{report[0] / 2**20:7.2f}MB {report[1]}", flush=True)
    return 0


# Runs svclint and writes its peak RSS (VmHWM, of this process image only) to a file on exit.
# ru_maxrss from wait4 is no use here: it can report the memory of the process it was spawned from.
PEAK_WRAPPER = """
import atexit, sys
out = sys.argv.pop(1)
def peak():
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM"))
    with open(out, "w") as handle:
        handle.write(kb)
atexit.register(peak)
from svclint.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def measure(path: Path, report: Path, pythonpath: str | None) -> tuple[float, int, tuple[int, int]]:
    """Wall time and peak RSS (KB) of one `svclint --format json` run, and its report's size and findings."""
    env = dict(os.environ, **({"PYTHONPATH": pythonpath} if pythonpath else {}))
    peak = path.parent / "peak"
    command = [sys.executable, "-c", PEAK_WRAPPER, str(peak), "--format", "json", "--jobs", "1", "--no-cache",
               "--output", str(report), str(path)]
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=path.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    size = report.stat().st_size if report.exists() else 0
    count = len(json.loads(report.read_text())["findings"]) if size else -1
    report.unlink(missing_ok=True)
    return seconds, int(peak.read_text()), (size, count)


def lint_once(path: Path) -> tuple[float, list]:
    start = time.perf_counter()
    report = lint_paths([str(path)], Settings())
    return time.perf_counter() - start, report.findings


def main(arguments: list[str]) -> int:
    if arguments[:1] == ["--generate"]:
        Path(arguments[2]).write_text(SHAPES[arguments[1]][1](), encoding="utf-8")
        return 0
    if "--shapes" in arguments:
        variants = [tuple(a.split("=", 1)) for a in arguments[arguments.index("--shapes") + 1:] if "=" in a]
        return run_shapes(variants or [("current", None)])
    print(f"{'input':45} {'best of 3':>10} {'peak MB':>8}  first finding")
    with tempfile.TemporaryDirectory() as folder:
        for name, make in INPUTS.items():
            content = make()
            path = Path(folder) / "input.yaml"
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
            seconds = min(lint_once(path)[0] for _ in range(3))
            tracemalloc.start()
            _, findings = lint_once(path)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            first = f"{findings[0].line}:{findings[0].column} {findings[0].rule} ({len(findings)} in all)" if findings else "none"
            print(f"{name:45} {seconds * 1000:8.1f}ms {peak:8.1f}  {first}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
