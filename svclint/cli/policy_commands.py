"""`svclint policies` (the ready ValidatingAdmissionPolicies of policies/) and
`svclint explain policy:NAME` (a policy's validations and where it came from)."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from svclint.check.policies import explain_policy
from svclint.check.settings import SettingsError
from svclint.cli.config import load_config
from svclint.policy.library import BUILTIN_PREFIX, builtin_names, builtin_summary
from svclint.source.discover import InputError

EXIT_OK, EXIT_USAGE = 0, 2


def policies_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="svclint policies",
                                     description="List the ready ValidatingAdmissionPolicies (--policy builtin:NAME).")
    parser.parse_args(argv)
    names = builtin_names()
    width = max(len(BUILTIN_PREFIX + name) for name in names)
    for name in names:
        print(f"{BUILTIN_PREFIX + name:<{width}}  {builtin_summary(name)}")
    return EXIT_OK


def explain_policy_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="svclint explain", description="Show a policy's validations and source.")
    parser.add_argument("rule", metavar="policy:NAME")
    parser.add_argument("--policy", action="append", default=[], metavar="PATH",
                        help="look in PATH too (besides the configuration's policies and the library)")
    parser.add_argument("--config", metavar="FILE", help="read the configuration's `policies` from FILE")
    args = parser.parse_args(argv)
    name = args.rule.split(":", 1)[1]
    try:
        specs = [*args.policy, *load_config(args.config).settings.policies]
        shown = explain_policy(name, specs)
    except (InputError, SettingsError) as exc:
        print(f"svclint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if shown is None:
        print(f"svclint: error: no ValidatingAdmissionPolicy {name!r} in the configuration's policies, --policy "
              "or the library (`svclint policies`); name the file or directory that holds it with --policy PATH",
              file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(shown)
    return EXIT_OK
