"""The README's rule table is generated from rules/*.yaml, and must not go stale."""

from __future__ import annotations

import importlib.util

from svclint.check.registry import load_rules
from svclint.report.rule_docs import markdown_table
from tests.conftest import REPO


def generator():
    spec = importlib.util.spec_from_file_location("gen_rule_table", REPO / "scripts" / "gen_rule_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_rule_table_is_the_generated_one() -> None:
    gen = generator()
    written = gen.table_in((REPO / "README.md").read_text(encoding="utf-8"))
    assert written == markdown_table(load_rules().values()), \
        f"README.md's rule table is stale: run `{gen.COMMAND}` and commit README.md"


def test_the_table_has_a_row_per_rule_with_its_settings_and_options() -> None:
    table = markdown_table(load_rules().values())
    for rule in load_rules().values():
        row = next(line for line in table.splitlines() if line.startswith(f"| `{rule.slug}` |"))
        assert f"| {rule.code} | {rule.severity.label} |" in row
        assert all(f"`{key}`" in row for key in rule.settings)
    assert "| `selector-overlap` | SVC204 | info |" in table and "`app-labels` (option)" in table


def test_markdown_format_of_svclint_rules(cli) -> None:
    result = cli("rules", "--format", "markdown")
    assert (result.returncode, result.stdout) == (0, markdown_table(load_rules().values()))
