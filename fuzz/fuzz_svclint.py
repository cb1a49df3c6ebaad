#!/usr/bin/env python3
"""Coverage-guided fuzzing of svclint with atheris (https://github.com/google/atheris).

Each input is fed, as bytes on standard input, to the command line's own entry point,
`svclint --format json --target kind --no-cache --config EMPTY -`, exactly as
`kubectl kustomize . | svclint -` does, with an empty configuration file (so that no
configuration found around the working directory applies).
Anything but exit status 0 or 1 with a well-formed JSON report is a failure: an exception
is reported by libFuzzer as a crash, a slow input as a timeout (-timeout=SECONDS).

    pip install -e '.[fuzz]'
    python fuzz/fuzz_svclint.py -dict=fuzz/yaml.dict -timeout=5 -max_total_time=600 fuzz/corpus examples

libFuzzer writes new interesting inputs into the first directory (fuzz/corpus, not
committed) and only reads the others; a failing input is saved as ./crash-* or ./timeout-*
and replays with `python fuzz/fuzz_svclint.py crash-...`.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile

import atheris

with atheris.instrument_imports(include=["svclint", "yaml", "jsonschema"]):
    from svclint.cli.main import main

EMPTY_CONFIG = tempfile.NamedTemporaryFile(prefix="svclint-fuzz-", suffix=".yaml")
ARGS = ["--format", "json", "--target", "kind", "--no-cache", "--config", EMPTY_CONFIG.name, "-"]
REPORT_KEYS = {"findings", "summary"}


def lint_bytes(data: bytes) -> tuple[int, str]:
    """Runs the CLI on `data` as standard input; returns its exit status and standard output."""
    saved = sys.stdin, sys.stdout
    sys.stdin, sys.stdout = io.TextIOWrapper(io.BytesIO(data)), io.StringIO()
    try:
        status = main(ARGS)
        return status, sys.stdout.getvalue()
    finally:
        sys.stdin, sys.stdout = saved


def test_one_input(data: bytes) -> None:
    status, output = lint_bytes(data)
    if status not in (0, 1):
        raise AssertionError(f"exit status {status}")
    report = json.loads(output)
    if set(report) != REPORT_KEYS:
        raise AssertionError(f"report keys {sorted(report)}")
    if (status == 1) != any(f["severity"] in ("error", "warning") for f in report["findings"]):
        raise AssertionError(f"exit status {status} does not match the findings")
    for finding in report["findings"]:
        if finding["line"] < 1 or finding["column"] < 1:
            raise AssertionError(f"position {finding['line']}:{finding['column']}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
