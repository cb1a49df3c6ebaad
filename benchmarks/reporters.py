"""What each report format costs for many findings: the reporter alone, in-process.

    python benchmarks/reporters.py DIR [--policy PATH] [--runs 5] [--save REPORT.pickle | --load REPORT.pickle]
                                   [--only FORMAT]... [--write-outputs DIR]

Lints DIR once (as `svclint DIR --no-cache --policy PATH` would; `--save` pickles the Report
for the next runs, `--load` reads it instead of linting), then times each reporter of
`--format` (and the text report as GitHub Actions gets it; SARIF gets the report with fix
regions, as from the CLI) writing to an io.StringIO, to a file and to a pipe read by `cat`,
and prints the median of `--runs` in ms. `--write-outputs` writes each format's report to
DIR/report.FORMAT, to compare two checkouts' outputs byte for byte. A policy-heavy input:
benchmarks/policies.py's write_inputs(Path(DIR), 10000, 100). Run it by hand: it asserts nothing.

Measured on the 2-core machine (2026-12-03), 75,838 findings (10,000 Services, 100 policies),
one saved Report, main (114ca57, through PYTHONPATH) then this branch, back to back, median of
3, ms, StringIO / file / pipe:

    format                  before                  after
    json                    1294 / 1316 / 1266       489 /  596 /  521    2.4x
    text                    1152 / 1112 / 1094       414 /  515 /  560    2.3x
    text (GitHub Actions)   3212 / 2859 / 3755       891 /  843 / 1062    3.5x
    github                  3628 / 3408 / 4260       739 /  826 /  786    4.8x
    gitlab                  7247 / 7272 / 7016      1111 / 1188 / 1046    6.4x
    sarif                  11161 / 12317 / 11368    4221 / 4331 / 4145    2.7x
    junit                   3142 / 3481 / 3462      2182 / 2440 / 2374    1.4x

(ratios of the StringIO-file-pipe sums). Every report byte-identical, in-process and through the CLI.
"""

from __future__ import annotations

import argparse
import io
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable, TextIO

from svclint.check.engine import Report, lint_paths
from svclint.cli.config import load_config
from svclint.cli.main import build_parser, settings_from_args
from svclint.fix.regions import with_fix_regions
from svclint.report import MODULES, github, reporter

OUTPUT = os.path.join(tempfile.gettempdir(), "svclint-reporter-bench.out")


def build_report(directory: str, policy: str | None) -> Report:
    arguments = [directory, "--no-cache", *(["--policy", policy] if policy else [])]
    args = build_parser().parse_args(arguments)
    return lint_paths(args.paths, settings_from_args(args, load_config(args.config)), args.jobs)


def reporters() -> dict[str, Callable[[Report, TextIO, bool], None]]:
    chosen = {name: reporter(name) for name in sorted(MODULES)}
    chosen["text (GitHub Actions)"] = github.actions_text_report
    return chosen


def to_string(write: Callable[[TextIO], None]) -> float:
    stream = io.StringIO()
    start = time.perf_counter()
    write(stream)
    return time.perf_counter() - start


def to_file(write: Callable[[TextIO], None]) -> float:
    with open(OUTPUT, "w", encoding="utf-8") as stream:
        start = time.perf_counter()
        write(stream)
        stream.flush()
        return time.perf_counter() - start


def to_pipe(write: Callable[[TextIO], None]) -> float:
    reader = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    assert reader.stdin is not None
    stream = io.TextIOWrapper(reader.stdin, encoding="utf-8")
    start = time.perf_counter()
    write(stream)
    stream.flush()
    elapsed = time.perf_counter() - start
    stream.close()
    reader.wait()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", nargs="?")
    parser.add_argument("--policy")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--save")
    parser.add_argument("--load")
    parser.add_argument("--write-outputs")
    parser.add_argument("--only", action="append", help="time only these formats")
    options = parser.parse_args()
    if options.load:
        with open(options.load, "rb") as saved:
            report = pickle.load(saved)
    else:
        report = build_report(options.directory, options.policy)
        if options.save:
            with open(options.save, "wb") as kept:
                pickle.dump(report, kept)
    sarif_report = with_fix_regions(report)  # as the CLI hands it to the SARIF reporter
    print(f"{len(report.findings):,} findings; median of {options.runs} runs, ms", file=sys.stderr)
    print(f"{'format':24} {'StringIO':>9} {'file':>9} {'pipe':>9}")
    for name, write_report in reporters().items():
        if options.only and name not in options.only:
            continue
        given = sarif_report if name == "sarif" else report

        def write(stream: TextIO) -> None:
            write_report(given, stream, False)

        if options.write_outputs:
            with open(os.path.join(options.write_outputs, f"report.{name.replace(' ', '_')}"), "w",
                      encoding="utf-8") as output:
                write(output)
        times = [statistics.median(how(write) for _ in range(options.runs)) * 1000
                 for how in (to_string, to_file, to_pipe)]
        print(f"{name:24} " + " ".join(f"{ms:9.0f}" for ms in times), flush=True)


if __name__ == "__main__":
    main()
