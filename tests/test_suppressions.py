"""Suppression comments and annotations, yamllint-style: a snippet and the exact positions."""

from __future__ import annotations

import json

import pytest

from tests.conftest import lint_text, problems
from tests.test_cli import WORKER, write

# The rules these tests are about (SVC0: the suppression rules too); others would blur the positions.
FOCUS = ["SVC0", "nodeport-out-of-range", "selector-no-match"]


def lint(tmp_path, text: str, **settings):
    """`text` linted with a workload after it, which none of its Services selects: with no
    workload at all selector-no-match checks nothing, and leaves its suppressions unjudged."""
    return lint_text(tmp_path, text + "---\n" + WORKER, select=FOCUS, **settings)

NODE_PORT_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 40080{comment}
    - port: 81
      nodePort: 40081
"""


def test_trailing_comment_suppresses_its_own_line_only_for_that_rule(tmp_path) -> None:
    text = NODE_PORT_SERVICE.format(comment="  # svclint: disable=nodeport-out-of-range")
    assert problems(lint(tmp_path, text)) == [(11, 17, "nodeport-out-of-range")]


def test_comment_alone_on_the_line_above_covers_the_next_line_of_yaml(tmp_path) -> None:
    text = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - port: 80
      # svclint: disable=nodeport-out-of-range  legacy range on the old cluster

      # (a second comment between the directive and the line it covers)
      nodePort: 40080
    - port: 81
      nodePort: 40081
"""
    assert problems(lint(tmp_path, text)) == [(14, 17, "nodeport-out-of-range")]


def test_trailing_comment_on_the_line_above_covers_a_finding_on_the_next_line(tmp_path) -> None:
    # selector-no-match is reported at the selector's value, the line below `selector:`.
    text = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:  # svclint: disable=selector-no-match
    app: web
  ports:
    - port: 80
"""
    assert problems(lint(tmp_path, text)) == []
    assert problems(lint(tmp_path, text, allow_suppressions=False)) == [(7, 5, "selector-no-match")]


def test_codes_and_code_prefixes_suppress_like_slugs(tmp_path) -> None:
    for selector in ("SVC101", "SVC1", "SVC"):
        text = NODE_PORT_SERVICE.format(comment=f"  # svclint: disable={selector}")
        assert problems(lint(tmp_path, text)) == [(11, 17, "nodeport-out-of-range")], selector


def test_a_suppression_of_another_rule_does_not_suppress(tmp_path) -> None:
    text = NODE_PORT_SERVICE.format(comment="  # svclint: disable=selector-no-match,SVC2")
    assert problems(lint(tmp_path, text)) == [
        (9, 17, "nodeport-out-of-range"),
        (9, 43, "unused-suppression"),
        (9, 61, "unused-suppression"),
        (11, 17, "nodeport-out-of-range"),
    ]


def test_disable_file_covers_every_line_wherever_it_is(tmp_path) -> None:
    text = NODE_PORT_SERVICE.format(comment="") + "# svclint: disable-file=nodeport-out-of-range\n"
    assert problems(lint(tmp_path, text)) == []


def test_unused_comment_is_reported_at_the_rule_it_names(tmp_path) -> None:
    text = NODE_PORT_SERVICE.format(comment="").replace("40081", "30081  # svclint: disable=SVC101")
    report = lint(tmp_path, text)
    assert problems(report) == [(9, 17, "nodeport-out-of-range"), (11, 43, "unused-suppression")]
    [unused] = [f for f in report.findings if f.rule == "unused-suppression"]
    assert unused.severity.label == "info"
    assert unused.message == "`disable=SVC101` suppresses nothing on this line or the next"


def test_unused_disable_file(tmp_path) -> None:
    text = "# svclint: disable-file=selector-no-match\n" + NODE_PORT_SERVICE.format(comment="")
    assert problems(lint(tmp_path, text), "unused-suppression") == [(1, 25, "unused-suppression")]


def test_suppressions_of_rules_that_did_not_run_are_not_reported_unused(tmp_path) -> None:
    text = "# svclint: disable-file=selector-no-match\n" + NODE_PORT_SERVICE.format(comment="")
    report = lint(tmp_path, text, ignore=["selector-no-match"])
    assert problems(report, "unused-suppression") == []


def test_unknown_rules_blanket_and_unknown_directives_are_invalid(tmp_path) -> None:
    text = "# svclint: disable\n# svclint: enable=SVC101\n" + NODE_PORT_SERVICE.format(
        comment="  # svclint: disable=nodeport-out-of-rang,SVC101")
    report = lint(tmp_path, text)
    assert problems(report) == [(1, 1, "invalid-suppression"), (2, 1, "invalid-suppression"),
                                (11, 43, "invalid-suppression"), (13, 17, "nodeport-out-of-range")]
    messages = [f.message for f in report.findings]
    assert "names no rule" in messages[0]
    assert "unknown directive 'enable'" in messages[1]
    assert "did you mean 'nodeport-out-of-range'?" in messages[2]


def test_hash_without_space_before_it_is_not_a_comment(tmp_path) -> None:
    text = NODE_PORT_SERVICE.format(comment="").replace("name: web", "name: web#svclint:disable=SVC1")
    assert [rule for _, _, rule in problems(lint(tmp_path, text))] == ["nodeport-out-of-range"] * 2


def test_annotation_suppresses_findings_of_its_object_only(tmp_path) -> None:
    text = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    svclint.io/ignore: "nodeport-out-of-range, SVC201 # the legacy cluster keeps the old range"
spec:
  type: NodePort
  selector: {app: web}
  ports:
    - port: 80
      nodePort: 40080
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 40080
"""
    report = lint(tmp_path, text)
    assert [(line, rule, f.obj.name) for (line, _, rule), f in zip(problems(report), report.findings)] == [
        (22, "nodeport-out-of-range", "api"),
    ]


def test_unused_and_invalid_annotations_point_at_the_annotation(tmp_path) -> None:
    text = """\
apiVersion: v1
kind: Service
metadata:
  name: db
  annotations:
    svclint.io/ignore: "selector-no-match"
---
apiVersion: v1
kind: Service
metadata:
  name: cache
  annotations:
    svclint.io/ignore: "selector-nomatch"
"""
    report = lint(tmp_path, text)
    assert problems(report) == [(6, 24, "unused-suppression"), (13, 24, "invalid-suppression")]
    assert [f.obj.name for f in report.findings] == ["db", "cache"]


def test_no_suppressions_flag_and_config_show_everything(cli, tmp_path) -> None:
    write(tmp_path, "svc.yaml", NODE_PORT_SERVICE.format(comment="  # svclint: disable=SVC101"))
    focus = ("--format", "json", "--select", ",".join(FOCUS))
    quiet = json.loads(cli(*focus, "svc.yaml", cwd=tmp_path).stdout)["findings"]
    assert [f["line"] for f in quiet] == [11]
    loud = cli(*focus, "--no-suppressions", "svc.yaml", cwd=tmp_path)
    assert [(f["line"], f["rule"]) for f in json.loads(loud.stdout)["findings"]] == [
        (9, "nodeport-out-of-range"), (11, "nodeport-out-of-range")]
    write(tmp_path, ".svclint.yaml", "allow-suppressions: false\n")
    from_config = json.loads(cli(*focus, "svc.yaml", cwd=tmp_path).stdout)["findings"]
    assert [f["line"] for f in from_config] == [9, 11]


def test_readme_suppression_example_suppresses_everything_it_shows(tmp_path) -> None:
    from tests.test_config import readme_block

    text = readme_block("Suppressions", "yaml") + "---\n" + WORKER  # a workload in sight: selectors are checked
    assert problems(lint_text(tmp_path, text)) == []  # every rule runs
    assert sorted(rule for _, _, rule in problems(lint_text(tmp_path, text, allow_suppressions=False))) == [
        "exposed-nodeport", "nodeport-out-of-range", "nodeport-out-of-range", "selector-no-match"]


# A directive counts only as a real YAML comment: the same text inside a scalar (a script in
# an annotation, a config file in a ConfigMap) is data and suppresses nothing.
SCRIPT_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    script: {script}
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 40080{comment}
"""
IN_SCALARS = {
    "literal block": "|\n      echo\n      # svclint: disable-file=nodeport-out-of-range\n      done",
    "folded block": ">-\n      echo\n      # svclint: disable-file=nodeport-out-of-range",
    "double-quoted, multi-line": '"echo\n      # svclint: disable-file=nodeport-out-of-range\n      done"',
    "single-quoted": "'echo # svclint: disable-file=nodeport-out-of-range'",
    "single-quoted, multi-line": "'echo\n      # svclint: disable-file=nodeport-out-of-range'",
    "quoted key in a flow mapping": '{"k # svclint: disable-file=SVC1": v}',
}


@pytest.mark.parametrize("script", IN_SCALARS.values(), ids=IN_SCALARS.keys())
def test_a_directive_inside_a_scalar_suppresses_nothing(tmp_path, script: str) -> None:
    text = SCRIPT_SERVICE.format(script=script, comment="")
    found = problems(lint(tmp_path, text))
    assert [rule for *_, rule in found] == ["nodeport-out-of-range"], found


@pytest.mark.parametrize("script", IN_SCALARS.values(), ids=IN_SCALARS.keys())
def test_a_real_comment_after_such_a_scalar_still_suppresses(tmp_path, script: str) -> None:
    text = SCRIPT_SERVICE.format(script=script, comment="  # svclint: disable=nodeport-out-of-range")
    assert problems(lint(tmp_path, text)) == []


def test_a_comment_on_a_block_scalars_header_line_is_a_comment(tmp_path) -> None:
    script = "|  # svclint: disable-file=nodeport-out-of-range\n      echo # svclint: disable=SVC1"
    assert problems(lint(tmp_path, SCRIPT_SERVICE.format(script=script, comment=""))) == []


def test_a_directive_text_in_a_quoted_string_is_not_an_invalid_suppression(tmp_path) -> None:
    script = '"# svclint: bogus"'
    found = problems(lint(tmp_path, SCRIPT_SERVICE.format(script=script, comment="")))
    assert [rule for *_, rule in found] == ["nodeport-out-of-range"]


def test_comments_are_told_from_scalars_in_a_file_that_turns_invalid(tmp_path) -> None:
    text = SCRIPT_SERVICE.format(script="'# svclint: disable-file=SVC1'", comment="") + "---\na: b: c\n"
    found = [rule for *_, rule in problems(lint(tmp_path, text))]
    assert found == ["nodeport-out-of-range", "invalid-yaml"]
    text = SCRIPT_SERVICE.format(script="'# svclint: disable-file=SVC1'",
                                 comment="  # svclint: disable=SVC1") + "---\na: b: c\n"
    assert [rule for *_, rule in problems(lint(tmp_path, text))] == ["invalid-yaml"]
