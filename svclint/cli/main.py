"""Command line: `svclint [options] PATH...`; main() returns the exit status.

`svclint rules` and `svclint explain RULE` are subcommands when they are the first argument;
`svclint check PATH...` (or `svclint ./rules`) lints a path that has a subcommand's name.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import sys
import traceback
from dataclasses import replace
from typing import Callable, Iterator, Mapping, Sequence, TextIO

from svclint import __version__
from svclint.check.baseline import apply_baseline, write_baseline
from svclint.check.engine import Report, lint_paths
from svclint.check.failure import FileFailure
from svclint.check.registry import RuleFileError
from svclint.check.settings import (
    FAIL_ON,
    HOST_PLATFORMS,
    TARGETS,
    Settings,
    SettingsError,
)
from svclint.check.validation import resolve_version
from svclint.cli.config import CACHE_DIRECTORY, Config, load_config
from svclint.cli.fixing import add_fix_arguments, fixing, run_fixes, show_diff, write_fixes
from svclint.cli.rule_commands import COMMANDS
from svclint.fix.regions import with_fix_regions
from svclint.report import MODULES, reporter, text
from svclint.source.atomic import write_text_atomically
from svclint.source.discover import InputError
from svclint.source.documents import source_lines

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # what shells report for a command stopped by Ctrl-C (128 + SIGINT)
DEBUG_FLAG, DEBUG_ENV = "--debug", "SVCLINT_DEBUG"
Reporter = Callable[[Report, TextIO, bool], None]
COMMANDS_HELP = """\
commands (as the first argument):
  svclint rules [--format json]   list the rules
  svclint explain RULE            a rule's rationale, options and examples (RULE: slug or code;
                                  policy:NAME: a ValidatingAdmissionPolicy's validations)
  svclint policies                the ready ValidatingAdmissionPolicies (--policy builtin:NAME)
  svclint check PATH...           lint PATHs, also when the first is named rules, explain or check
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="svclint",
        description="Lint Kubernetes Service manifests before kubectl apply.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=COMMANDS_HELP,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories to lint; - reads stdin")
    parser.add_argument("--version", action="version", version=f"svclint {__version__}")
    parser.add_argument("--format", choices=sorted(MODULES), default="text", help="report format")
    parser.add_argument("--output", metavar="FILE",
                        help="write the report to FILE (replaced atomically); a summary line goes to stderr")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when problems are found")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="leave out the findings below --fail-on (the summary counts them)")
    parser.add_argument("--show-source", action="store_true",
                        help="show each finding's line with a caret under its column (text format)")
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
    parser.add_argument("--host-platform", choices=HOST_PLATFORMS,
                        help="where kind's node containers run: on linux NodePorts are reachable at the node IPs, "
                             "on macos and windows (Docker Desktop) only through extraPortMappings "
                             "(default: unknown, taken as linux)")
    parser.add_argument("--select", action="append", metavar="RULE",
                        help="run only these rules: slugs, codes or code prefixes such as SVC2 (repeatable, "
                             "comma-separated; replaces the configuration's select and ignore)")
    parser.add_argument("--ignore", action="append", metavar="RULE",
                        help="skip these rules (repeatable, comma-separated; adds to the configuration's)")
    parser.add_argument("--config", metavar="FILE",
                        help="read settings from FILE instead of the nearest .svclint.yaml or pyproject.toml")
    parser.add_argument("--context", action="append", default=[], metavar="PATH",
                        help="also read PATH (a file or directory; `git`: every manifest git tracks) to resolve "
                             "selectors, ports and conflicts, without reporting on it (repeatable)")
    parser.add_argument("--policy", action="append", metavar="PATH",
                        help="also evaluate the ValidatingAdmissionPolicies and bindings in PATH, or the library's "
                             "builtin:NAME (`svclint policies` lists them), against the linted objects (repeatable)")
    parser.add_argument("--policy-user", metavar="NAME",
                        help="request.userInfo.username the policies see (default: svclint)")
    parser.add_argument("--no-suppressions", action="store_true",
                        help="ignore `# svclint: disable` comments and svclint.io/ignore annotations")
    parser.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in FILE")
    parser.add_argument("--write-baseline", metavar="FILE", help="record today's findings in FILE and exit 0")
    parser.add_argument("--no-cache", action="store_true", help="read context files afresh, without .svclint_cache/")
    parser.add_argument("--kustomize-command", metavar="COMMAND",
                        help="what builds a Kustomize overlay, given its directory (default: `kustomize build`, "
                             "else `kubectl kustomize`)")
    parser.add_argument("--jobs", "-j", type=positive_int, metavar="N",
                        help="check files in N processes (default: one per core when the input is big "
                             "enough to gain from it; 1: no worker processes)")
    add_fix_arguments(parser)
    parser.add_argument(DEBUG_FLAG, action="store_true",
                        help=f"show the traceback of an internal error (also: {DEBUG_ENV}=1)")
    return parser


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        with relaxed_garbage_collection():
            return run(arguments)
    except RuleFileError as exc:  # a broken rules/*.yaml of this installation: say which, no traceback
        say(f"error: bad rule metadata: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:  # files are only ever replaced atomically: nothing is half-written
        say("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug in svclint: exit 1 would read as "findings" in CI
        return internal_error(exc, debugging(arguments, os.environ))


def run(arguments: list[str]) -> int:
    command = arguments[0] if arguments else None
    try:
        if command in COMMANDS:
            return run_command(COMMANDS[command], arguments[1:])
        args = build_parser().parse_args(arguments[1:] if command == "check" else arguments)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 for --help/--version
        return int(exc.code or 0)
    try:
        settings = settings_from_args(args, load_config(args.config))
        resolve_version(settings.kubernetes_version)
        written_all, report_stream = True, sys.stdout
        if fixing(args):
            fixes = run_fixes(args, settings)
            if args.diff:
                return show_diff(fixes, say)
            written_all, printed_stdin = write_fixes(fixes, say)
            if args.fix_only:
                return EXIT_OK if written_all else EXIT_USAGE
            report, report_stream = fixes.report, sys.stderr if printed_stdin else sys.stdout
        else:
            report = lint_paths(args.paths, settings, args.jobs)
        refuse_overwriting_inputs((args.output, args.write_baseline), report.file_paths)
        if args.write_baseline:
            write_baseline(args.write_baseline, report.findings)
            count = len(report.findings)
            print(f"svclint: wrote baseline {args.write_baseline} ({count} finding{'' if count == 1 else 's'})",
                  file=sys.stderr)
            return EXIT_OK
        if args.baseline:
            report = apply_baseline(report, args.baseline)
        if args.quiet:
            report = report.without_lesser_findings()
        if args.show_source and args.format == "text":
            report = with_source_lines(report)
        if args.format == "sarif":  # SARIF results carry their fixes as replaced regions
            report = with_fix_regions(report)
    except (InputError, SettingsError) as exc:
        say(f"error: {exc}")
        return EXIT_USAGE
    for note in report.notes:
        say(f"info: {note}")
    if not report.objects and not report.findings:  # findings (invalid YAML) say enough
        say(f"warning: {nothing_found(report, args.paths)}")
    status = EXIT_OK if args.exit_zero else exit_status(report, settings)
    status = status if written_all else EXIT_USAGE
    if args.output:
        if not write_report_file(reporter(args.format), report, args.output):
            return EXIT_USAGE
        print(text.printable(f"{text.summary(report)}; {args.format} report written to {args.output}"),
              file=sys.stderr)
        return status
    color = not args.no_color and report_stream.isatty() and "NO_COLOR" not in os.environ
    write = choose_reporter(args.format, os.environ)
    return to_stdout(lambda: write(report, report_stream, color)) or status


def nothing_found(report: Report, paths: Sequence[str]) -> str:
    """Why a run that checked nothing is not a clean run: a mistyped CI path must not pass unseen."""
    where = ", ".join("<stdin>" if path == "-" else path for path in paths)
    if not report.files:
        return f"no Kubernetes manifest found in {where} (no .yaml, .yml or .json file)"
    return f"no Kubernetes manifest found in {where} ({_files(report.files)} read, none holds a Kubernetes object)"


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def with_source_lines(report: Report) -> Report:
    """The report with the line of each finding, for the text reporter to show (it reads no file)."""
    wanted: dict[str, set[int]] = {}
    for finding in report.findings:
        wanted.setdefault(finding.file, set()).add(finding.line)
    source = {(path, number): line for path, numbers in wanted.items()
              for number, line in source_lines(path, numbers).items()}
    return replace(report, source=source)


def say(message: str) -> None:
    """One line on stderr; names and paths in it cannot break the line or send terminal escapes."""
    print(f"svclint: {text.printable(message)}", file=sys.stderr)


def run_command(command: Callable[[list[str]], int], arguments: list[str]) -> int:
    statuses: list[int] = []
    return to_stdout(lambda: statuses.append(command(arguments))) or (statuses[0] if statuses else EXIT_OK)


def debugging(arguments: Sequence[str], environ: Mapping[str, str]) -> bool:
    """--debug among the options (not among the file names after `--`), or SVCLINT_DEBUG=1."""
    options = arguments[:arguments.index("--")] if "--" in arguments else arguments
    return DEBUG_FLAG in options or environ.get(DEBUG_ENV, "") not in ("", "0")


def internal_error(exc: Exception, debug: bool) -> int:
    """One line naming the file being read (exit 2); the traceback only when debugging."""
    if isinstance(exc, FileFailure):
        say(f"internal error while reading {exc.path}: {exc.problem}")
    else:
        say(f"internal error: {type(exc).__name__}: {exc}")
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    else:
        say(f"run with {DEBUG_FLAG} (or {DEBUG_ENV}=1) for the traceback, and report it as a bug")
    return EXIT_USAGE


_frozen = False  # whether this process froze its imported objects out of the collector's reach


@contextlib.contextmanager
def relaxed_garbage_collection() -> Iterator[None]:
    """A run allocates millions of dicts and lists (documents, then facts kept to the end)
    that form no reference cycles; at the default thresholds the cycle collector scans the
    growing heap again and again, a tenth of the run. Collect rarely while it lasts, and never
    the objects of the modules imported before it."""
    global _frozen
    thresholds = gc.get_threshold()
    if not _frozen:  # once: called again in-process (a fuzzer, a test), a freeze would keep the
        gc.freeze()  # garbage cycles of earlier runs for good (and get_freeze_count walks them all)
        _frozen = True
    gc.set_threshold(50_000, 20, 50)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def choose_reporter(name: str, environ: Mapping[str, str]) -> Reporter:
    """Inside GitHub Actions the text report's findings are also workflow annotations, as in yamllint."""
    if name == "text" and environ.get("GITHUB_ACTIONS") == "true":
        from svclint.report import github

        return github.actions_text_report
    return reporter(name)


def refuse_overwriting_inputs(outputs: Sequence[str | None], linted: Sequence[str]) -> None:
    """Raises InputError when an output is one of the linted files, whatever its name (the
    same name, a link, a file found by walking a directory): the report would destroy it."""
    identities = {_identity(path) for path in linted} - {None}
    for output in outputs:
        if output and _identity(output) in identities:
            raise InputError(f"{output}: is a file being linted; not overwritten (write the report elsewhere)")


def _identity(path: str) -> tuple[int, int] | None:
    """What a path names (following links), or None when it names nothing yet."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):  # missing, or <stdin>'s name
        return None
    return status.st_dev, status.st_ino


def write_report_file(reporter: Reporter, report: Report, path: str) -> bool:
    rendered = io.StringIO()
    reporter(report, rendered, False)
    try:
        write_text_atomically(path, rendered.getvalue())
    except OSError as exc:
        print(f"svclint: error: {path}: cannot write the report: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def to_stdout(write: Callable[[], object]) -> int | None:
    """Runs `write`, which writes to stdout, and flushes it. None when it is all written, and
    when the reader left (`svclint . | head -1`: not an error, as for grep); EXIT_USAGE, said
    in one line on stderr, when stdout cannot take it (`> /dev/full`, a full disk)."""
    try:
        write()
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
    except OSError as exc:
        _discard_stdout()
        say(f"error: cannot write to stdout: {exc.strerror or exc}")
        return EXIT_USAGE
    return None


def _discard_stdout() -> None:
    """Points stdout at /dev/null: what is left in its buffer would fail again, with a
    traceback, when Python flushes it on the way out."""
    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError):  # not a real file (a test's capture): nothing is flushed at exit
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


def settings_from_args(args: argparse.Namespace, config: Config) -> Settings:
    """The configuration's settings, overridden by the flags given; --exclude, --context and
    --ignore add to the configuration's lists."""
    base = config.settings
    values = {
        "kubernetes-version": args.kubernetes_version,
        "node-port-range": args.node_port_range,
        "namespace": args.namespace,
        "target": args.target,
        "load-balancer-provider": args.load_balancer_provider,
        "host-platform": args.host_platform,
        "fail-on": args.fail_on,
        "exclude": base.exclude + tuple(args.exclude) if args.exclude else None,
        "context": base.context + tuple(args.context) if args.context else None,
        "allow-suppressions": False if args.no_suppressions else None,
        "kustomize-command": args.kustomize_command,
        "policies": base.policies + tuple(args.policy) if args.policy else None,
        "policy-user": args.policy_user,
        **_rule_lists(args, base),
    }
    settings = base.updated({key: value for key, value in values.items() if value is not None})
    cache_dir = None if args.no_cache else settings.cache_dir or os.path.join(config.directory, CACHE_DIRECTORY)
    return replace(settings, cache_dir=cache_dir)


def _rule_lists(args: argparse.Namespace, base: Settings) -> dict:
    """As in ruff: --select replaces the configuration's select and ignore; --ignore adds to its ignore."""
    if args.select:
        return {"select": args.select, "ignore": args.ignore or []}
    if args.ignore:
        return {"ignore": list(base.ignore) + args.ignore}
    return {}


def exit_status(report: Report, settings: Settings) -> int:
    threshold = settings.fail_threshold
    failed = threshold is not None and any(f.severity >= threshold for f in report.findings)
    return EXIT_FINDINGS if failed else EXIT_OK
