"""Command line: `svclint [options] PATH...`; main() returns the exit status."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from svclint import __version__
from svclint.discover import InputError
from svclint.engine import Report, lint_paths
from svclint.finding import Severity
from svclint.reporters import REPORTERS
from svclint.settings import FAIL_ON, TARGETS, Settings, SettingsError
from svclint.validation import resolve_version

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="svclint",
        description="Lint Kubernetes Service manifests before kubectl apply.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories to lint; - reads stdin")
    parser.add_argument("--version", action="version", version=f"svclint {__version__}")
    parser.add_argument("--format", choices=sorted(REPORTERS), default="text", help="report format")
    parser.add_argument("--no-color", action="store_true", help="never colour the text report")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="skip files and directories matching GLOB (repeatable)")
    parser.add_argument("--fail-on", choices=FAIL_ON, help="lowest severity that fails the run (default: warning)")
    parser.add_argument("--kubernetes-version", metavar="1.XX",
                        help="validate against this Kubernetes version (default: the newest bundled)")
    parser.add_argument("--node-port-range", metavar="LOW-HIGH",
                        help="the cluster's --service-node-port-range (default: 30000-32767)")
    parser.add_argument("--namespace", help="namespace of objects without metadata.namespace (default: default)")
    parser.add_argument("--target", choices=TARGETS,
                        help="cluster the manifests are for (default: generic, or kind when a kind config is loaded)")
    parser.add_argument("--load-balancer-provider", action="append", metavar="NAME",
                        help="a load-balancer provider installed out of band, e.g. cloud-provider-kind")
    parser.add_argument("--select", action="append", metavar="RULE", help="run only these rules (repeatable)")
    parser.add_argument("--ignore", action="append", metavar="RULE", help="skip these rules (repeatable)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 for --help/--version
        return int(exc.code or 0)
    try:
        settings = settings_from_args(args)
        resolve_version(settings.kubernetes_version)
        report = lint_paths(args.paths, settings)
    except (InputError, SettingsError) as exc:
        print(f"svclint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for note in report.notes:
        print(f"svclint: info: {note}", file=sys.stderr)
    color = not args.no_color and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    try:
        REPORTERS[args.format](report, sys.stdout, color)
        sys.stdout.flush()
    except BrokenPipeError:  # `svclint . | head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return exit_status(report, settings)


def settings_from_args(args: argparse.Namespace) -> Settings:
    values = {
        "kubernetes-version": args.kubernetes_version,
        "node-port-range": args.node_port_range,
        "namespace": args.namespace,
        "target": args.target,
        "load-balancer-provider": args.load_balancer_provider,
        "fail-on": args.fail_on,
        "exclude": args.exclude or None,
        "select": args.select,
        "ignore": args.ignore,
    }
    return Settings().updated({key: value for key, value in values.items() if value is not None})


def exit_status(report: Report, settings: Settings) -> int:
    threshold = settings.fail_threshold
    failed = threshold is not None and any(f.severity >= threshold for f in report.findings)
    return EXIT_FINDINGS if failed else EXIT_OK
