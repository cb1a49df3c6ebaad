"""Time `svclint DIR` against bare parsing of the same files, alternating, in one run.

    python benchmarks/bench.py                              # this checkout's svclint
    python benchmarks/bench.py --svclint before=/tmp/main/.venv/bin/python \\
                               --svclint after=.venv/bin/python --rounds 7

Each case generates its input (benchmarks/generate.py), then runs every command once per
round, in alternating order (A B C, C B A, ...), each as a fresh subprocess, and prints
per command: the median wall time and its ratio to the bare parse (`bare_parse.py`, a
subprocess doing only yaml.load_all with CSafeLoader), the median CPU time (user + system,
from wait4; steadier than wall time on a busy machine) and its ratio, files per second,
and peak memory (the largest ru_maxrss over the rounds; for --jobs runs that is the
largest single process, not the sum), also as (peak - c) / input where c is the peak of
the same svclint on a small project (20 documents, each app with a defect: the same code runs).
Run it by hand: it asserts nothing.

Targets (issue 6): `svclint --jobs 1 DIR` at most 1.3x the bare parse; peak memory at
most 3x the input plus a constant (the memory of a one-file run); on 2 cores, the default
--jobs at least 1.6x faster than --jobs 1 on 10,000 documents.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from generate import generate_single_file, generate_tree  # noqa: E402

CASES = ("startup", "1k", "10k", "20mb")
DOCUMENT_COUNT = ".documents"  # in each case's folder: how many documents the generator wrote
# Installed packages have their bytecode compiled; a PYTHONDONTWRITEBYTECODE=1 environment
# would make every run compile svclint's modules again and time that instead.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"} | {"NO_COLOR": "1"}


@dataclass
class Variant:
    """One svclint installation: a label and the Python that runs it."""

    label: str
    python: str
    has_jobs: bool
    constant_kb: int = 0  # peak memory of a run on a small project


@dataclass
class Command:
    label: str
    argv: list[str]
    variant: Variant | None = None  # None for the baselines
    times: list[float] = field(default_factory=list)
    cpu_times: list[float] = field(default_factory=list)  # user + system, of the process and its children
    peak_kb: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_times)


def run_once(command: Command, cwd: str) -> None:
    start = time.perf_counter()
    process = subprocess.Popen(command.argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{command.label} exited {process.returncode}: {stderr.decode(errors='replace')}")
    command.times.append(elapsed)
    command.cpu_times.append(usage.ru_utime + usage.ru_stime)
    command.peak_kb = max(command.peak_kb, usage.ru_maxrss)


def run_alternating(commands: list[Command], rounds: int, cwd: str) -> None:
    for number in range(rounds):
        for command in commands if number % 2 == 0 else reversed(commands):
            run_once(command, cwd)


def svclint_commands(variants: list[Variant], target: str, with_default_jobs: bool) -> list[Command]:
    commands = []
    for variant in variants:
        base = [variant.python, "-m", "svclint"]
        if variant.has_jobs:
            commands.append(Command(f"{variant.label} --jobs 1", base + ["--jobs", "1", target], variant))
            if with_default_jobs:
                commands.append(Command(f"{variant.label} (default jobs)", base + [target], variant))
        else:
            commands.append(Command(variant.label, base + [target], variant))
    return commands


def print_table(title: str, commands: list[Command], baseline: Command, files: int, documents: int,
                input_bytes: int) -> None:
    print(f"\n## {title}: {files} files, {documents} documents, {input_bytes / 2**20:.1f} MB")
    print(f"{'command':<30} {'wall s':>7} {'x bare':>6} {'cpu s':>7} {'x bare':>6} {'files/s':>8} {'docs/s':>7} "
          f"{'peak MB':>8} {'(peak-c)/input':>14}")
    for command in commands:
        extra = ""
        if command.variant is not None:
            extra = f"{(command.peak_kb - command.variant.constant_kb) * 1024 / input_bytes:.2f}"
        print(f"{command.label:<30} {command.median:>7.3f} {command.median / baseline.median:>6.2f} "
              f"{command.cpu:>7.3f} {command.cpu / baseline.cpu:>6.2f} {files / command.median:>8.1f} "
              f"{documents / command.median:>7.0f} {command.peak_kb / 1024:>8.1f} {extra:>14}")


def bench_tree(title: str, root: str, variants: list[Variant], rounds: int) -> list[Command]:
    files = [os.path.join(d, n) for d, _, names in os.walk(root) for n in names if n.endswith(".yaml")]
    size = sum(os.path.getsize(f) for f in files)
    bare = Command("bare parse (CSafeLoader)", [sys.executable, os.path.join(HERE, "bare_parse.py"), root])
    commands = [bare] + svclint_commands(variants, root, with_default_jobs=True)
    run_alternating(commands, rounds, root)
    print_table(title, commands, bare, len(files), document_count(root), size)
    return commands


def document_count(root: str) -> int:
    with open(os.path.join(root, DOCUMENT_COUNT), encoding="utf-8") as handle:
        return int(handle.read())


def prepare(root: str, generate: Callable[[], int]) -> None:
    """Generates the input of a case once (kept in --workdir), with its number of documents."""
    if os.path.exists(os.path.join(root, DOCUMENT_COUNT)):
        return
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    documents = generate()
    with open(os.path.join(root, DOCUMENT_COUNT), "w", encoding="utf-8") as handle:
        handle.write(str(documents))


def small_project(workdir: str) -> str:
    folder = os.path.join(workdir, "small")
    prepare(folder, lambda: generate_tree(folder, 20, defect_rate=1.0)[1])
    return folder


def one_file(workdir: str) -> str:
    return min(os.path.join(d, n) for d, _, names in os.walk(small_project(workdir)) for n in names
               if n.endswith(".yaml"))


def warm_up(variants: list[Variant], workdir: str) -> None:
    """Untimed runs of each variant on a small project, so that its bytecode is compiled and
    cached; the peak memory is the variant's constant."""
    for variant in variants:
        command = Command("warm-up", [variant.python, "-m", "svclint", "--jobs", "1", small_project(workdir)]
                          if variant.has_jobs else [variant.python, "-m", "svclint", small_project(workdir)])
        for _ in range(2):
            run_once(command, workdir)
        variant.constant_kb = command.peak_kb


def bench_startup(variants: list[Variant], workdir: str, rounds: int) -> None:
    target = one_file(workdir)
    bare = Command("python -c 'import yaml'", [sys.executable, "-c", "import yaml"])
    commands = [bare]
    for variant in variants:
        commands.append(Command(f"{variant.label} --version", [variant.python, "-m", "svclint", "--version"]))
        commands.append(Command(f"{variant.label} one file", [variant.python, "-m", "svclint", target]))
    run_alternating(commands, rounds, workdir)
    print("\n## startup")
    print(f"{'command':<30} {'wall ms':>8} {'cpu ms':>8} {'peak MB':>8}")
    for command in commands:
        print(f"{command.label:<30} {command.median * 1000:>8.0f} {command.cpu * 1000:>8.0f} "
              f"{command.peak_kb / 1024:>8.1f}")


def jobs_ratio(commands: list[Command]) -> None:
    by_label = {c.label: c for c in commands}
    for label in by_label:
        if label.endswith(" --jobs 1"):
            variant = label[: -len(" --jobs 1")]
            default = by_label.get(f"{variant} (default jobs)")
            if default:
                print(f"{variant}: --jobs 1 / default jobs ({os.cpu_count()} cores) = "
                      f"{by_label[label].median / default.median:.2f}x")


def parse_variant(text: str) -> Variant:
    label, _, python = text.partition("=")
    if not python:
        label, python = "svclint", text
    python = os.path.abspath(python) if os.sep in python else python  # runs from the input's folder
    # From / : `python -m` puts the working directory first on sys.path, and a checkout there would win.
    usage = subprocess.run([python, "-m", "svclint", "--help"], capture_output=True, text=True, cwd="/").stdout
    return Variant(label, python, "--jobs" in usage)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--svclint", action="append", metavar="LABEL=PYTHON", type=parse_variant,
                        help="a Python whose `-m svclint` to time (repeatable; default: this Python)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--workdir", help="where generated inputs are kept (default: a temporary directory)")
    args = parser.parse_args()
    variants = args.svclint or [parse_variant(f"svclint={sys.executable}")]
    workdir = args.workdir or tempfile.mkdtemp(prefix="svclint-bench-")
    print(f"inputs in {workdir}; {args.rounds} rounds, alternating; {os.cpu_count()} cores")
    warm_up(variants, workdir)
    if "startup" in args.cases:
        bench_startup(variants, workdir, args.rounds)
    for case, documents in (("1k", 1000), ("10k", 10000)):
        if case in args.cases:
            root = os.path.join(workdir, case)
            prepare(root, lambda: generate_tree(root, documents)[1])
            commands = bench_tree(f"{documents:,} documents over many files", root, variants, args.rounds)
            if case == "10k":
                jobs_ratio(commands)
    if "20mb" in args.cases:
        root = os.path.join(workdir, "20mb")
        prepare(root, lambda: generate_single_file(os.path.join(root, "all.yaml"), 20))
        bench_tree("one 20 MB multi-document file", root, variants, args.rounds)


if __name__ == "__main__":
    main()
