"""The ready policies of policies/: each one's bad and good examples run as tests, as the
rules' do (`# expect: policy:<name>` at the end of each line where a finding must be)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import svclint
from svclint.cli.main import main
from svclint.policy.library import builtin_names, builtin_summary
from tests.conftest import REPO

EXPECT = re.compile(r"#\s*expect:\s*(\S+)\s*$")


def examples() -> list:
    cases = []
    for name in builtin_names():
        data = yaml.safe_load((REPO / "policies" / f"{name}.examples.yaml").read_text(encoding="utf-8"))
        for example in data["examples"]:
            kind = "bad" if "bad" in example else "good"
            cases.append(pytest.param(name, example[kind], kind == "bad", id=f"{name}/{kind}/{example['title']}"))
    return cases


def test_every_policy_has_examples_docs_and_a_summary() -> None:
    names = builtin_names()
    assert len(names) >= 7
    for name in names:
        assert (REPO / "policies" / f"{name}.examples.yaml").is_file(), name
        assert (REPO / "policies" / f"{name}.md").is_file(), name
        assert builtin_summary(name), name
        kinds = [d["kind"] for d in yaml.safe_load_all((REPO / "policies" / f"{name}.yaml").read_text("utf-8"))]
        assert kinds == ["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"], name


@pytest.mark.parametrize(("name", "text", "bad"), examples())
def test_policy_examples(tmp_path: Path, name: str, text: str, bad: bool) -> None:
    manifest = tmp_path / "example.yaml"
    manifest.write_text(text, encoding="utf-8")
    report = svclint.lint([str(manifest)], {"policies": [f"builtin:{name}"]})
    expected = {(number, match[1]) for number, line in enumerate(text.splitlines(), 1)
                if (match := EXPECT.search(line))}
    found = {(f.line, f.rule) for f in report.findings if f.rule.startswith("policy:") and f.file == str(manifest)}
    assert found == expected
    assert bool(expected) == bad
    assert [f for f in report.findings if f.rule == "policy-invalid"] == []


def test_policies_lists_the_library(capsys) -> None:
    assert main(["policies"]) == 0
    out = capsys.readouterr().out
    for name in builtin_names():
        assert name in out
    assert "No Service sets spec.externalIPs" in out


def test_an_unknown_builtin_is_a_usage_error(tmp_path, capsys) -> None:
    manifest = tmp_path / "svc.yaml"
    manifest.write_text("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n", encoding="utf-8")
    assert main([str(manifest), "--policy", "builtin:no-such-policy"]) == 2
    assert "unknown builtin policy 'no-such-policy'" in capsys.readouterr().err
