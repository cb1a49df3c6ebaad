"""How long svclint takes on broken and hostile input, and how much memory (run by hand).

    python benchmarks/hostile_inputs.py

Each input is written to a file and linted in-process with every rule (`lint_paths`, as the
CLI does, without interpreter start-up); the time is the best of three runs, the memory the
peak of Python allocations (tracemalloc) in a fourth. Unguarded, several of these hang
(alias bombs, long sexagesimal integers), raise (5,000-digit integers) or crash the process
(deep nesting overflows libyaml's C stack). Each should take milliseconds and print its
finding.
"""

from __future__ import annotations

import random
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


def lint_once(path: Path) -> tuple[float, list]:
    start = time.perf_counter()
    report = lint_paths([str(path)], Settings())
    return time.perf_counter() - start, report.findings


def main() -> int:
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
    sys.exit(main())
