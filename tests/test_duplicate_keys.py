"""duplicate-key, yamllint style: a snippet and the exact (line, column) of each finding."""

from __future__ import annotations

import pytest

from tests.conftest import lint_text, problems

CASES = {
    "block mapping": ("a: 1\nb: 2\na: 3\n", [(3, 1)]),
    "flow mapping": ("ports: {port: 80, name: web, port: 81}\n", [(1, 30)]),
    "nested mapping": ("a:\n  b:\n    c: 1\n    d: 2\n    c: 3\n", [(5, 5)]),
    "list of mappings, each checked on its own": ("- a: 1\n  a: 2\n- a: 3\n- {a: 4, a: 5}\n", [(2, 3), (4, 10)]),
    "three times": ("a: 1\na: 2\na: 3\n", [(2, 1), (3, 1)]),
    "quoted and plain spell one key": ("a: 1\n'a': 2\n", [(2, 1)]),
    "two spellings of one integer": ("0x10: a\n16: b\n", [(2, 1)]),
    "same key in different mappings": ("a: {x: 1}\nb: {x: 2}\n", []),
    "in the second document": ("a: 1\n---\nb: 1\nc: 2\nb: 3\n", [(5, 1)]),
    "a merge key overriding a merged value": ("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  a: 3\n", []),
    "two merges sharing a key": ("p: &p {a: 1}\nq: &q {a: 2}\nx:\n  <<: [*p, *q]\n  b: 3\n", []),
    "a real duplicate beside a merge key": ("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  c: 2\n  c: 3\n", [(5, 3)]),
    "a merged mapping that overrides, merged again before its own turn": (
        "base: &base {k: 0}\n"
        "a:\n"
        "  deep:\n"
        "    d: &d\n"
        "      <<: *base\n"
        "      k: 1\n"
        "b:\n"
        "  <<: *d\n",
        [],
    ),
}


@pytest.mark.parametrize(("text", "expected"), list(CASES.values()), ids=list(CASES))
def test_duplicate_keys_are_found_at_the_second_key(tmp_path, text: str, expected: list) -> None:
    report = lint_text(tmp_path, text)
    assert [(line, column) for line, column, _ in problems(report, "duplicate-key")] == expected
    assert problems(report, "invalid-yaml") == []


def test_a_duplicate_port_in_a_service_is_a_warning_and_the_object_is_still_linted(tmp_path) -> None:
    report = lint_text(tmp_path, (
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata: {name: web}\n"
        "spec:\n"
        "  type: NodePort\n"
        "  ports:\n"
        "    - {port: 80, nodePort: 30080, port: 81}\n"
        "    - port: 82\n"
        "      nodePort: 40000\n"
        "      port: 83\n"
    ), fail_on="never", select=["duplicate-key", "nodeport-out-of-range"])
    assert problems(report) == [(7, 35, "duplicate-key"), (9, 17, "nodeport-out-of-range"), (10, 7, "duplicate-key")]
    assert {f.severity.label for f in report.findings if f.rule == "duplicate-key"} == {"warning"}


def test_the_message_names_the_key_shortened(tmp_path) -> None:
    long_key = "k" * 500
    report = lint_text(tmp_path, f"{long_key}: 1\n{long_key}: 2\n")
    [finding] = report.findings
    assert finding.message.startswith("duplicate key 'kkkk") and len(finding.message) < 200


def test_the_message_names_the_value_kubectl_drops(tmp_path) -> None:
    report = lint_text(tmp_path, "spec:\n  port: 80\n  port: 8080\n")
    [finding] = report.findings
    assert finding.message == "duplicate key 'port': kubectl keeps this value and silently drops the earlier one ('80')"


def test_two_spellings_of_one_json_key_say_that_either_may_win(tmp_path) -> None:
    # go-yaml keeps 80 and "80" apart; sigs.k8s.io/yaml then makes one JSON key of them, in map order.
    report = lint_text(tmp_path, "80: a\n'80': b\n")
    [finding] = report.findings
    assert (finding.line, finding.column) == (2, 1)
    assert "kubectl keeps only one of the two values, this one or 'a'" in finding.message
