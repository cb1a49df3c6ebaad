from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml

from svclint.check import registry
from svclint.check.registry import (
    Option,
    OptionError,
    RuleFileError,
    load_rule_directory,
    load_rules,
)
from svclint.check.settings import Settings, setting_keys
from svclint.cli import rule_commands
from svclint.cli.main import main
from svclint.report.rule_docs import explain, markdown_table
from tests.conftest import REPO


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
            assert rule.produced_by in ("loader", "suppressions", "renderer", "policies"), rule.slug


def test_example_settings_are_valid_settings() -> None:
    for rule in load_rules().values():
        for example in rule.examples:
            Settings().updated(example.settings)


def test_seed_rules_keep_their_slugs_and_severities() -> None:
    rules = load_rules()
    assert rules["nodeport-out-of-range"].severity.label == "error"
    assert rules["selector-no-match"].severity.label == "warning"
    assert rules["lb-without-provider"].severity.label == "warning"


# -- rules/*.yaml against schemas/rule.schema.json ------------------------------------------

RULES_DIR = REPO / "rules"
SCHEMA = json.loads((REPO / "schemas" / "rule.schema.json").read_text(encoding="utf-8"))


def test_the_rule_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_rule_file_matches_the_schema(path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in jsonschema.Draft202012Validator(SCHEMA).iter_errors(data)]
    assert errors == [], path.name


def test_the_settings_rules_may_name_are_real_settings() -> None:
    assert set(SCHEMA["properties"]["settings"]["propertyNames"]["enum"]) <= set(setting_keys())


def broken_copy(tmp_path, slug: str, change) -> None:
    """Copies every rule file to tmp_path, `slug`'s changed by `change(text)`."""
    for path in RULES_DIR.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        (tmp_path / path.name).write_text(change(text) if path.stem == slug else text, encoding="utf-8")


@pytest.mark.parametrize(("change", "error"), [
    (lambda t: t.replace("\nscope: index", "\nscoep: index"),
     "rules/selector-overlap.yaml:5: unknown key 'scoep' (did you mean 'scope'?)"),
    (lambda t: t.replace("severity: info", "severity: notice"),
     "rules/selector-overlap.yaml:3: severity: 'notice' is not one of error, warning, info"),
    (lambda t: t.replace("    type: array\n", "    type: list\n"),
     "rules/selector-overlap.yaml:25: options.app-labels.type: 'list' is not one of string, integer, number, "
     "boolean, array"),
    (lambda t: t.replace("    default: [app.kubernetes.io/name, app]", "    default: app"),
     "rules/selector-overlap.yaml:27: options.app-labels: the default does not fit the option: "
     "expected a list of strings, got 'app'"),
    (lambda t: t.replace("  - title: a selector on the shared part-of label\n", "  - titel: x\n"),
     "rules/selector-overlap.yaml:33: examples[0]: unknown key 'titel' (did you mean 'title'?)"),
    (lambda t: t.replace("\nsummary:", "\nsumary:"),
     "rules/selector-overlap.yaml:6: unknown key 'sumary' (did you mean 'summary'?)"),
    (lambda t: t.replace("slug: selector-overlap", "slug: selector-overlaps"),
     "rules/selector-overlap.yaml: slug 'selector-overlaps' does not match the file name"),
])
def test_a_broken_rule_file_is_an_error_naming_file_line_and_key(tmp_path, change, error) -> None:
    broken_copy(tmp_path, "selector-overlap", change)
    with pytest.raises(RuleFileError) as raised:
        load_rule_directory(tmp_path)
    assert str(raised.value) == error


def test_a_broken_rule_file_is_exit_status_2_and_a_message_not_a_traceback(tmp_path, monkeypatch, capsys) -> None:
    broken_copy(tmp_path, "selector-overlap", lambda t: t + "scoep: object\n")
    monkeypatch.setattr(registry, "load_rules", lambda: load_rule_directory(tmp_path))
    monkeypatch.setattr(rule_commands, "load_rules", registry.load_rules)
    assert main(["rules"]) == 2
    err = capsys.readouterr().err
    assert "svclint: error: bad rule metadata: rules/selector-overlap.yaml:" in err
    assert "unknown key 'scoep' (did you mean 'scope'?)" in err and "Traceback" not in err


# -- rule options ---------------------------------------------------------------------------

def test_options_are_typed_with_their_defaults_applied() -> None:
    overlap = load_rules()["selector-overlap"]
    option = overlap.options["app-labels"]
    assert (option.type, option.items, option.default) == ("array", "string", ("app.kubernetes.io/name", "app"))
    assert overlap.options_for({}) == {"app-labels": ("app.kubernetes.io/name", "app")}
    chosen = Settings().updated({"rule-options": {"SVC204": {"app-labels": ["k8s-app"]}}})
    assert overlap.options_for(chosen.options_by_rule) == {"app-labels": ("k8s-app",)}


@pytest.mark.parametrize(("spec", "value", "error"), [
    ({"type": "integer"}, "3", "expected an integer, got '3'"),
    ({"type": "integer"}, True, "expected an integer, got True"),
    ({"type": "integer", "minimum": 1, "maximum": 5}, 9, "expected at most 5, got 9"),
    ({"type": "string", "enum": ("a", "b")}, "c", "expected one of a, b, got 'c'"),
    ({"type": "array", "items": "string"}, ["a", 1], "expected a list of strings, got ['a', 1]"),
    ({"type": "boolean"}, "yes", "expected true or false, got 'yes'"),
])
def test_an_option_value_of_the_wrong_type_is_refused(spec, value, error) -> None:
    option = Option("x", default=None, description="", **spec)
    with pytest.raises(OptionError, match=re.escape(error)):
        option.parse(value)


def test_every_option_is_documented_in_explain_and_in_the_rule_table() -> None:
    table = markdown_table(load_rules().values())
    for rule in load_rules().values():
        page = explain(rule)
        for name, option in rule.options.items():
            assert f"- `{name}` ({option.type_label}; default: " in page, (rule.slug, name)
            assert f"rule-options:\n  {rule.slug}:\n    {name}: " in page
            assert f"`{name}` (option)" in table
        for key in rule.settings:
            assert f"- `{key}` (default: " in page, (rule.slug, key)
