"""The reporters' fast paths write exactly what the plain ways wrote: json.dumps(indent=2)
for the JSON formats, str.translate for printable text, GitHub's escaped properties, JUnit's XML text, fingerprints. Checked on generated values and
findings: any text (escapes, non-ASCII, lone surrogates), numbers, None, `via`, nesting.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svclint.check.engine import Report
from svclint.check.finding import Finding, Severity
from svclint.model.resources import ObjectRef
from svclint.report import github, gitlab, json_report, json_text, junit, text
from svclint.report.fingerprints import fingerprints
from svclint.report.paths import report_path

PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any code point, and those that need care: lone surrogates (from file names that are not
# UTF-8), controls, bidi and line separators, quotes, backslashes, and % (the templates' own).
ODD = st.sampled_from(["\ud800", "\udfff", "\x00", "\x1b", "\x85", "\u202e", "\u2028", '"', "\\", "%", "\n"])
ANY_TEXT = st.text(st.one_of(st.characters(), ODD), max_size=12)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), ANY_TEXT)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(ANY_TEXT, inner, max_size=4),
        st.dictionaries(st.one_of(st.integers(), st.floats(), st.booleans(), st.none()), inner, max_size=3),
    ),
    max_leaves=30,
)

# Text that is UTF-8: fingerprints cannot hash a lone surrogate (gitlab and sarif fail on a file
# name that is not UTF-8, before and after json_text alike).
UTF8_TEXT = ANY_TEXT.map(lambda value: value.encode("utf-8", "replace").decode("utf-8"))


def findings(texts: st.SearchStrategy[str]) -> st.SearchStrategy[Finding]:
    optional = st.one_of(st.none(), texts)
    return st.builds(
        Finding,
        file=texts,
        line=st.integers(1, 10**6),
        column=st.integers(1, 10**4),
        rule=st.sampled_from(["schema", "selector-no-match", "policy:no-external-ips"]),
        severity=st.sampled_from(list(Severity)),
        message=texts,
        obj=st.builds(ObjectRef, optional, optional, optional),
        via=st.lists(texts, max_size=3).map(tuple),
    )


FINDINGS = findings(ANY_TEXT)


@pytest.mark.slow  # 100 generated cases: a second or so
@PROPERTY_SETTINGS
@given(JSON_VALUES)
def test_dumps_writes_what_json_dumps_with_indent_writes(value: Any) -> None:
    assert json_text.dumps(value) == json.dumps(value, indent=2)


@PROPERTY_SETTINGS
@given(st.lists(SCALARS, max_size=20))
def test_scalars_are_each_value_as_json_writes_it(values: list[Any]) -> None:
    assert json_text.scalars(values) == [json.dumps(value) for value in values]


def plain_json_report(result: Report) -> str:
    """The JSON report as json.dumps(indent=2) wrote it before json_text."""
    document = {
        "findings": [
            {"file": f.file, "line": f.line, "column": f.column, "rule": f.rule, "severity": f.severity.label,
             "message": f.message, "kind": f.obj.kind, "namespace": f.obj.namespace, "name": f.obj.name,
             **({"via": list(f.via)} if f.via else {})}
            for f in result.findings
        ],
        "summary": json_report.summary(result),
    }
    return json.dumps(document, indent=2) + "\n"


def written(reporter, result: Report) -> str:
    stream = io.StringIO()
    reporter(result, stream, False)
    return stream.getvalue()


@pytest.mark.slow  # 100 generated cases: a second or so
@PROPERTY_SETTINGS
@given(st.lists(FINDINGS, max_size=6), st.integers(0, 10**5), st.integers(0, 10**5))
def test_json_report_is_json_dumps_of_the_document(findings: list[Finding], files: int, objects: int) -> None:
    result = Report(findings, files, objects)
    assert written(json_report.report, result) == plain_json_report(result)


def plain_gitlab_report(result: Report) -> str:
    """The GitLab report as json.dumps(indent=2) wrote it before json_text."""
    issues = [
        {"description": text.printable(text.message_with_object(finding)), "check_name": finding.rule,
         "fingerprint": fingerprint, "severity": gitlab.SEVERITIES[finding.severity],
         "location": {"path": text.printable(report_path(finding.file)), "lines": {"begin": finding.line}}}
        for finding, fingerprint in zip(result.findings, fingerprints(result.findings))
    ]
    return json.dumps(issues, indent=2) + "\n"


@pytest.mark.slow  # 100 generated cases: a second or so
@PROPERTY_SETTINGS
@given(st.lists(findings(UTF8_TEXT), max_size=6))
def test_gitlab_report_is_json_dumps_of_the_issues(findings: list[Finding]) -> None:
    result = Report(findings, 1, 1)
    assert written(gitlab.report, result) == plain_gitlab_report(result)


@PROPERTY_SETTINGS
@given(ANY_TEXT)
def test_printable_text_is_what_translating_every_character_gives(value: str) -> None:
    """printable() returns printable text as it is: nothing in it is escaped."""
    translated = value.translate(text._ESCAPES).encode("utf-8", "backslashreplace").decode("utf-8")
    assert text.printable(value) == translated
    kept_line_breaks = value.translate(text._ESCAPES_BUT_LINE_BREAKS)
    assert text.printable_but_line_breaks(value) == kept_line_breaks.encode("utf-8", "backslashreplace").decode("utf-8")


@PROPERTY_SETTINGS
@given(FINDINGS)
def test_github_command_escapes_every_property(finding: Finding) -> None:
    properties = {"file": text.printable(report_path(finding.file)), "line": str(finding.line),
                  "col": str(finding.column), "title": f"svclint ({finding.rule})"}
    joined = ",".join(f"{key}={github.escape_property(value)}" for key, value in properties.items())
    message = github.escape_data(text.format_finding(finding, escaped=False))
    assert github.command(finding) == f"::{github.COMMANDS[finding.severity]} {joined}::{message}"


@PROPERTY_SETTINGS
@given(ANY_TEXT)
def test_xml_text_replaces_what_xml_cannot_carry(value: str) -> None:
    assert junit._xml_text(value) == junit._NOT_XML.sub("\ufffd", value)


@pytest.mark.slow  # 100 generated cases: a second or so
@PROPERTY_SETTINGS
@given(st.lists(findings(UTF8_TEXT), max_size=4).map(lambda some: some + some))  # repeated: counted apart
def test_fingerprints_hash_identity_and_occurrence(some: list[Finding]) -> None:
    seen: dict[tuple, int] = {}
    expected = []
    for finding in some:
        identity = (finding.rule, report_path(finding.file), finding.obj.kind or "", finding.obj.namespace or "",
                    finding.obj.name or "", finding.message)
        seen[identity] = seen.get(identity, -1) + 1
        text = "\0".join((*identity, str(seen[identity])))
        expected.append(hashlib.sha256(text.encode("utf-8")).hexdigest())
    assert fingerprints(some) == expected


def test_report_path_follows_the_working_directory(tmp_path, monkeypatch) -> None:
    """report_path is remembered per working directory: a caller in-process may change it."""
    (tmp_path / "k8s").mkdir()
    monkeypatch.chdir(tmp_path)
    assert report_path("k8s/web.yaml") == "k8s/web.yaml"
    monkeypatch.chdir(tmp_path / "k8s")
    assert report_path("web.yaml") == "web.yaml"
    assert report_path(str(tmp_path / "k8s" / "web.yaml")) == "web.yaml"
    monkeypatch.chdir(tmp_path)
    assert report_path(str(tmp_path / "k8s" / "web.yaml")) == "k8s/web.yaml"
