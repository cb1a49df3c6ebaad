"""`svclint rules` and `svclint explain RULE`: the rule catalog from the command line.

Like `main()`, each returns the exit status; argparse raises SystemExit for usage errors
and --help, which the caller turns into a status.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Callable, Sequence

from svclint.check.registry import load_rules
from svclint.check.settings import SettingsError
from svclint.cli.config import load_config
from svclint.report import rule_docs

EXIT_OK, EXIT_USAGE = 0, 2


def rules_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="svclint rules", description="List every rule.")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                        help="table, JSON list, or the Markdown table of the README (scripts/gen_rule_table.py)")
    args = parser.parse_args(argv)
    if os.path.isdir("rules"):  # the user may have meant the directory; say how to lint it
        print("svclint: info: listing rules; to lint the directory rules/ run `svclint ./rules`", file=sys.stderr)
    rules = load_rules().values()
    if args.format == "json":
        print(json.dumps(rule_docs.as_json(rules), indent=2))
    elif args.format == "markdown":
        sys.stdout.write(rule_docs.markdown_table(rules))
    else:
        print(rule_docs.table(rules))
    return EXIT_OK


def explain_main(argv: Sequence[str]) -> int:
    if argv and argv[0].startswith("policy:"):  # a ValidatingAdmissionPolicy's findings
        from svclint.cli.policy_commands import explain_policy_main

        return explain_policy_main(argv)
    parser = argparse.ArgumentParser(prog="svclint explain",
                                     description="Show a rule's rationale, options and examples.")
    parser.add_argument("rule", metavar="RULE", help="a rule slug (nodeport-out-of-range) or code (SVC101)")
    parser.add_argument("--config", metavar="FILE",
                        help="read settings (custom `workloads`) from FILE instead of the nearest .svclint.yaml "
                             "or pyproject.toml")
    args = parser.parse_args(argv)
    rules = load_rules()
    rule = rule_docs.find(args.rule, rules)
    if rule is None:
        close = rule_docs.suggestions(args.rule, rules)
        hint = f"; did you mean {' or '.join(close)}?" if close else "; `svclint rules` lists them all"
        print(f"svclint: error: unknown rule {args.rule!r}{hint}", file=sys.stderr)
        return EXIT_USAGE
    try:
        workload_kinds = load_config(args.config).settings.workload_kinds
    except SettingsError as exc:
        print(f"svclint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(rule_docs.explain(rule, workload_kinds))
    return EXIT_OK


def policies_main(argv: Sequence[str]) -> int:
    from svclint.cli.policy_commands import policies_main as list_policies

    return list_policies(argv)


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {"rules": rules_main, "explain": explain_main,
                                                       "policies": policies_main}
