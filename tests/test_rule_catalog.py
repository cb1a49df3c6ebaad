from __future__ import annotations

import re

from svclint.check.registry import load_rules
from svclint.check.settings import Settings


def test_every_rule_is_documented_with_bad_and_good_examples() -> None:
    for rule in load_rules().values():
        assert rule.summary and "\n" not in rule.summary, rule.slug
        assert "## Why is this bad?" in rule.rationale, rule.slug
        assert any(e.bad for e in rule.examples), f"{rule.slug} has no bad example"
        assert any(not e.bad for e in rule.examples), f"{rule.slug} has no good example"


def test_codes_are_unique_and_well_formed() -> None:
    codes = [rule.code for rule in load_rules().values()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"SVC\d{3}", code) for code in codes)


def test_every_checked_rule_has_a_check_and_a_scope() -> None:
    for rule in load_rules().values():
        if rule.produced_by == "check":
            assert callable(rule.check), rule.slug
            assert rule.kinds, rule.slug
        else:
            assert rule.produced_by in ("loader", "suppressions"), rule.slug


def test_example_settings_are_valid_settings() -> None:
    for rule in load_rules().values():
        for example in rule.examples:
            Settings().updated(example.settings)


def test_seed_rules_keep_their_slugs_and_severities() -> None:
    rules = load_rules()
    assert rules["nodeport-out-of-range"].severity.label == "error"
    assert rules["selector-no-match"].severity.label == "warning"
    assert rules["lb-without-provider"].severity.label == "error"
