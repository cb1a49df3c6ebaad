"""`--fix`, `--unsafe-fixes`, `--diff` and `--fix-only`, as ruff has them."""

from __future__ import annotations

import argparse
import sys
from typing import Callable

from svclint.check.settings import Settings
from svclint.fix.diff import unified_diff
from svclint.fix.fixable import fixable
from svclint.fix.run import FixRun, fix_paths
from svclint.fix.writing import write_fixed
from svclint.source.documents import STDIN_NAME

Say = Callable[[str], None]


def add_fix_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fix", action="store_true",
                        help="apply the safe fixes in place, then report what remains (`-`: the fixed text on stdout)")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="with --fix, --diff or --fix-only: also apply the unsafe fixes")
    parser.add_argument("--diff", action="store_true",
                        help="print the unified diff --fix would write, change nothing; exit 1 when there is a diff")
    parser.add_argument("--fix-only", action="store_true", help="apply the fixes and report nothing else")


def fixing(args: argparse.Namespace) -> bool:
    return bool(args.fix or args.diff or args.fix_only)


def run_fixes(args: argparse.Namespace, settings: Settings) -> FixRun:
    return fix_paths(args.paths, settings, args.unsafe_fixes, args.jobs)


def show_diff(run: FixRun, say: Say) -> int:
    """Prints the diff of each file --fix would change; 1 when there is one (as ruff --diff)."""
    changed = [outcome for outcome in run.files if outcome.changed]
    for outcome in changed:
        sys.stdout.write(unified_diff(outcome.path, outcome.original or "", outcome.fixed or ""))
    _say_outcome(run, say, "would fix", run.unsafe)
    return 1 if changed else 0


def write_fixes(run: FixRun, say: Say) -> tuple[bool, bool]:
    """Writes the fixed files (stdin's text goes to stdout, fixed or not, as formatters do).
    Whether every file could be written, and whether stdout got stdin's text."""
    written_all, printed = True, False
    for outcome in run.files:
        if outcome.path == STDIN_NAME:
            if outcome.fixed is not None:
                sys.stdout.write(outcome.fixed)
                printed = True
            continue
        problem = write_fixed(outcome)
        if problem:
            say(f"error: {problem}")
            written_all = False
    _say_outcome(run, say, "fixed", run.unsafe)
    return written_all, printed


def _say_outcome(run: FixRun, say: Say, verb: str, unsafe: bool) -> None:
    for note in run.notes:
        say(f"info: {note}")
    for failure in run.failures:
        say(f"warning: {failure}")
    files = sum(1 for outcome in run.files if outcome.changed)
    count = run.fixed
    say(f"{verb} {count} problem{'' if count == 1 else 's'} in {files} file{'' if files == 1 else 's'}")
    hidden = 0 if unsafe else sum(1 for f in run.report.findings if fixable(f, unsafe=True) and not fixable(f))
    if hidden:
        say(f"info: {hidden} more fix{'' if hidden == 1 else 'es'} available with --unsafe-fixes")
