#!/usr/bin/env python3
"""Write the README's rule table from rules/*.yaml (`svclint rules --format markdown`).

The table sits between the `<!-- rules-table:start -->` and `<!-- rules-table:end -->`
markers of README.md; tests/test_readme_rules.py fails when it is stale.

Usage::

    python scripts/gen_rule_table.py            # rewrite the table in README.md
    python scripts/gen_rule_table.py --check    # exit 1 if README.md's table is stale
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from svclint.check.registry import load_rules  # noqa: E402
from svclint.report.rule_docs import markdown_table  # noqa: E402

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- rules-table:start -->", "<!-- rules-table:end -->"
COMMAND = "python scripts/gen_rule_table.py"
_SECTION = re.compile(rf"({re.escape(START)}\n)(.*?)(^{re.escape(END)})", re.S | re.M)


def table_in(text: str) -> str:
    match = _SECTION.search(text)
    if match is None:
        raise SystemExit(f"README.md: no {START} ... {END} markers")
    return match[2]


def with_table(text: str, table: str) -> str:
    table_in(text)  # the markers must be there
    return _SECTION.sub(lambda m: m[1] + table + m[3], text, count=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the table is stale, writing nothing")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    updated = with_table(text, markdown_table(load_rules().values()))
    if args.check:
        if updated != text:
            print(f"README.md: the rule table is stale; run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    if updated != text:
        README.write_text(updated, encoding="utf-8")
        print("README.md: rule table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
