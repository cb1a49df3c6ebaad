"""Every example in rules/*.yaml runs: bad ones give exactly the marked findings, good ones none."""

from __future__ import annotations

import re

import pytest

from svclint.check.registry import Example, Rule, load_rules
from tests.conftest import lint_text

EXPECT = re.compile(r"#\s*expect:\s*([a-z0-9-]+)")
CASES = [
    pytest.param(rule, example, id=f"{rule.slug}/{'bad' if example.bad else 'good'}/{example.title}")
    for rule in load_rules().values()
    for example in rule.examples
]


def expected_lines(example: Example, slug: str) -> list[int]:
    return [
        number
        for number, line in enumerate(example.text.splitlines(), start=1)
        for marker in EXPECT.findall(line)
        if marker == slug
    ]


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_example(tmp_path, rule: Rule, example: Example) -> None:
    report = lint_text(tmp_path, example.text, **example.settings)
    found = sorted(f.line for f in report.findings if f.rule == rule.slug)
    if example.bad:
        assert expected_lines(example, rule.slug), "a bad example must mark its findings"
        assert found == expected_lines(example, rule.slug), [f.message for f in report.findings]
    else:
        assert found == [], [f.message for f in report.findings if f.rule == rule.slug]
