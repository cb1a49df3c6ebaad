"""Every example in rules/*.yaml runs: bad ones give exactly the marked findings, good ones none."""

from __future__ import annotations

import os
import re

import pytest

from svclint.check.registry import Example, Rule, load_rules
from tests.conftest import lint_text

EXPECT = re.compile(r"#\s*expect:\s*([a-z0-9-]+)")
LONGEST_MESSAGE = 160  # one line per finding; the explanation belongs to `svclint explain`
# Messages in the API server's own words (`spec.ports[0].name: Invalid value: ...`, see
# svclint/model/apierrors.py) quote its text whole, validation regexes included.
API_SERVER_WORDS = re.compile(r"[\w.\[\]/-]+: (Invalid value|Required value|Forbidden|Duplicate value|"
                              r"Unsupported value|json: cannot unmarshal|CIDR value|non-standard IP)")
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
    report = lint_text(tmp_path, example.text, name=example.file, **example.settings)
    found = sorted(f.line for f in report.findings if f.rule == rule.slug)
    if example.bad:
        assert expected_lines(example, rule.slug), "a bad example must mark its findings"
        assert found == expected_lines(example, rule.slug), [f.message for f in report.findings]
    else:
        assert found == [], [f.message for f in report.findings if f.rule == rule.slug]


def test_messages_are_one_line_of_at_most_160_characters(tmp_path) -> None:
    too_long = set()
    for rule in load_rules().values():
        for number, example in enumerate(rule.examples):
            report = lint_text(tmp_path, example.text, name=f"{rule.slug}-{number}.yaml", **example.settings)
            messages = {(f.rule, f.message.replace(f"{tmp_path}{os.sep}", "")) for f in report.findings}
            too_long |= {(slug, message) for slug, message in messages
                         if "\n" in message or len(message) > LONGEST_MESSAGE and not API_SERVER_WORDS.match(message)}
    assert sorted(too_long) == [], "\n".join(f"{len(m)} {slug}: {m}" for slug, m in sorted(too_long))
