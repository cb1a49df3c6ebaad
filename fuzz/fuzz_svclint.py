#!/usr/bin/env python3
"""Coverage-guided fuzzing of svclint with atheris (https://github.com/google/atheris).

A first byte from 0 to 5 picks what the rest of an input becomes (any other input is a
manifest as it is, so that the seed manifests stay manifests), so that one run reaches
every file svclint reads and writes, not only the manifest reader:

- 0: a manifest on standard input, `svclint --format json -` as in `kubectl kustomize . | svclint -`
- 1: the configuration file (`--config FILE`) of a run on a small manifest
- 2: a baseline file (`--baseline FILE`)
- 3: the facts cache of a context file: either the raw bytes of the cache file, or the bytes
  read as JSON stored as the cached facts of that file (a well-formed pickle holding
  ill-formed facts, which raw bytes almost never reach)
- 4: suppression comments: each line becomes a `# svclint: ...` comment in a manifest, at
  the end of a line of YAML or alone on its line
- 5: a manifest written with `--output FILE` in the format the next byte picks

Every run uses an empty configuration file (mode 1 aside) so that no configuration found
around the working directory applies, and runs in a temporary working directory.
Anything but exit status 0 or 1 with a well-formed report (or 2 with an `svclint: error:`
line, for a bad configuration or baseline) is a failure: an exception is reported by
libFuzzer as a crash, a slow input as a timeout (-timeout=SECONDS).

    pip install -e '.[fuzz]'
    python fuzz/fuzz_svclint.py -dict=fuzz/yaml.dict -timeout=5 -max_total_time=600 fuzz/corpus examples

libFuzzer writes new interesting inputs into the first directory (fuzz/corpus, not
committed) and only reads the others; a failing input is saved as ./crash-* or ./timeout-*
and replays with `python fuzz/fuzz_svclint.py crash-...`.
"""

from __future__ import annotations

import contextlib
import glob
import io
import json
import os
import pickle
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from typing import Callable, Iterator

import atheris

with atheris.instrument_imports(include=["svclint", "yaml", "jsonschema"]):
    from svclint.check.cache import content_digest
    from svclint.cli.main import main

WORK = tempfile.mkdtemp(prefix="svclint-fuzz-")
EMPTY_CONFIG = os.path.join(WORK, "empty.yaml")
FUZZ_FILE = os.path.join(WORK, "fuzzed")  # the configuration, baseline or report of a run
MANIFEST = os.path.join(WORK, "web.yaml")
CONTEXT = os.path.join(WORK, "context", "pods.yaml")
CACHE_DIR = os.path.join(WORK, "cache")
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    svclint.io/ignore: "exposed-nodeport"
spec:
  type: NodePort
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
      nodePort: 40080
"""
POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
    - name: web
      image: web
      ports:
        - name: http
          containerPort: 8080
"""
BASE = ["--target", "kind", "--no-cache"]
FORMATS = ("json", "sarif", "junit", "gitlab", "github", "text")


def setup() -> None:
    os.makedirs(os.path.dirname(CONTEXT), exist_ok=True)
    for path, text in ((EMPTY_CONFIG, ""), (MANIFEST, SERVICE), (CONTEXT, POD)):
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    os.chdir(WORK)


@contextlib.contextmanager
def captured(stdin: bytes) -> Iterator[tuple[io.StringIO, io.StringIO]]:
    saved = sys.stdin, sys.stdout, sys.stderr
    out, err = io.StringIO(), io.StringIO()
    sys.stdin, sys.stdout, sys.stderr = io.TextIOWrapper(io.BytesIO(stdin)), out, err
    try:
        yield out, err
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


def run(args: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    """Runs the CLI's own entry point; returns its exit status, standard output and error."""
    with captured(stdin) as (out, err):
        status = main(args)
    return status, out.getvalue(), err.getvalue()


def write(path: str, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)


def lint_bytes(data: bytes) -> tuple[int, str]:
    """Mode 0, kept for the regression tests: `data` as a manifest on standard input."""
    status, output, _ = run(["--format", "json", *BASE, "--config", EMPTY_CONFIG, "-"], data)
    return status, output


def fuzz_manifest(data: bytes) -> None:
    status, output = lint_bytes(data)
    check_json_report(status, output)


def fuzz_config(data: bytes) -> None:
    # `context:` naming / or `git` would read the whole machine: not svclint's problem.
    if b"context" in data:
        return
    write(FUZZ_FILE, data)
    status, output, err = run(["--format", "json", *BASE, "--config", FUZZ_FILE, MANIFEST])
    check_usage_error(status, err) if status == 2 else check_json_report(status, output)


def fuzz_baseline(data: bytes) -> None:
    write(FUZZ_FILE, data)
    status, output, err = run(["--format", "json", *BASE, "--config", EMPTY_CONFIG,
                               "--baseline", FUZZ_FILE, MANIFEST])
    check_usage_error(status, err) if status == 2 else check_json_report(status, output)


def fuzz_cache(data: bytes) -> None:
    args = ["--format", "json", "--target", "kind", "--config", EMPTY_CONFIG,
            "--context", CONTEXT, MANIFEST]
    config = os.path.join(WORK, "cache.yaml")
    write(config, f"cache-dir: {CACHE_DIR}\n".encode())
    args[args.index(EMPTY_CONFIG)] = config
    cache_files = glob.glob(os.path.join(CACHE_DIR, "facts-*.pickle"))
    if not cache_files:  # the first run creates the cache file whose name the settings decide
        run(args)
        cache_files = glob.glob(os.path.join(CACHE_DIR, "facts-*.pickle"))
    write(cache_files[0], cache_entry(data[1:]) if data[:1] == b"{" else data[1:])
    status, output, _ = run(args)
    check_json_report(status, output)


def cache_entry(data: bytes) -> bytes:
    """A cache file holding the JSON in `data` as the facts of the context file."""
    try:
        facts = json.loads(data)
    except ValueError:
        facts = data.decode("utf-8", "replace")
    if isinstance(facts, list):  # JSON has no tuples: make entries of the shape svclint writes
        facts = [tuple(tuple(part) if isinstance(part, list) else part for part in entry)
                 if isinstance(entry, list) else entry for entry in facts]
    with open(CONTEXT, "rb") as handle:
        digest = content_digest(handle.read())
    return pickle.dumps({digest: facts})


def fuzz_suppressions(data: bytes) -> None:
    lines = SERVICE.splitlines()
    for number, text in enumerate(data.decode("utf-8", "replace").splitlines()[:len(lines)]):
        comment = "# svclint: " + text.replace("\r", " ")
        at = 2 * number % len(lines)
        lines[at] = (lines[at] + "  " + comment) if number % 2 else (" " * 4 + comment + "\n" + lines[at])
    manifest = "\n".join(lines) + "\n"
    status, output, _ = run(["--format", "json", *BASE, "--config", EMPTY_CONFIG, "-"], manifest.encode())
    check_json_report(status, output)


def fuzz_output(data: bytes) -> None:
    name = FORMATS[data[0] % len(FORMATS)] if data else "json"
    status, output, err = run(["--format", name, *BASE, "--config", EMPTY_CONFIG,
                               "--output", FUZZ_FILE, "-"], data[1:])
    if status not in (0, 1) or output:
        raise AssertionError(f"exit status {status}, standard output {output[:200]!r}")
    with open(FUZZ_FILE, encoding="utf-8") as handle:
        report = handle.read()
    if name in ("json", "sarif", "gitlab"):
        json.loads(report)
    elif name == "junit":
        ElementTree.fromstring(report)


def check_usage_error(status: int, err: str) -> None:
    if "svclint: error:" not in err or "Traceback" in err:
        raise AssertionError(f"exit status {status} without an error line: {err[:500]!r}")


def check_json_report(status: int, output: str) -> None:
    if status not in (0, 1):
        raise AssertionError(f"exit status {status}")
    report = json.loads(output)
    if set(report) != {"findings", "summary"}:
        raise AssertionError(f"report keys {sorted(report)}")
    if (status == 1) != any(f["severity"] in ("error", "warning") for f in report["findings"]):
        raise AssertionError(f"exit status {status} does not match the findings")
    for finding in report["findings"]:
        if finding["line"] < 1 or finding["column"] < 1:
            raise AssertionError(f"position {finding['line']}:{finding['column']}")


MODES: tuple[Callable[[bytes], None], ...] = (
    fuzz_manifest, fuzz_config, fuzz_baseline, fuzz_cache, fuzz_suppressions, fuzz_output,
)


def test_one_input(data: bytes) -> None:
    # A first byte below len(MODES) picks the mode; any other input (the seed manifests,
    # every text file) is a manifest as it is.
    if data and data[0] < len(MODES):
        return MODES[data[0]](data[1:])
    return fuzz_manifest(data)


if __name__ == "__main__":
    setup()
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
