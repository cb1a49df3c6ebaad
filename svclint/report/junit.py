"""JUnit XML for CI servers' test views (GitLab, Jenkins, Azure): a suite per linted file.

Each finding at or above --fail-on (a problem) is a testcase with one `<failure>`: Jenkins, GitLab and most JUnit parsers show
only the first failure of a testcase, so grouping several findings in one testcase would
hide all but one. A finding below --fail-on (an info, by default) does not fail the run, so
it is a passing testcase whose `<system-out>` holds the finding's line: shown, not counted as
a failure. A file without findings is one passing testcase, so the counts say how many files
are clean.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TextIO

from svclint.check.engine import Report
from svclint.check.finding import Finding
from svclint.report.text import format_finding

CLEAN_TESTCASE = "no problems"
# Characters XML 1.0 cannot carry at all, even escaped (and lone surrogates from odd file names).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def report(result: Report, stream: TextIO, color: bool = False) -> None:
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_file[finding.file].append(finding)
    files = list(dict.fromkeys([*result.file_paths, *by_file]))
    root = ET.Element("testsuites", name="svclint")
    for path in files:
        _suite(root, path, by_file.get(path, []), result)
    _count(root, tests=sum(max(1, len(by_file.get(path, []))) for path in files),
           failures=sum(1 for finding in result.findings if result.is_problem(finding)))
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode") + "\n")


def _suite(root: ET.Element, path: str, findings: list[Finding], result: Report) -> None:
    suite = ET.SubElement(root, "testsuite", name=_xml_text(path))
    _count(suite, tests=max(1, len(findings)), failures=sum(1 for finding in findings if result.is_problem(finding)))
    if not findings:
        ET.SubElement(suite, "testcase", classname=_xml_text(path), name=CLEAN_TESTCASE)
    for finding in findings:
        described = f" {finding.obj.describe()}" if finding.obj.kind else ""
        name = f"{finding.rule}{described} at {finding.line}:{finding.column}"
        case = ET.SubElement(suite, "testcase", classname=_xml_text(path), name=_xml_text(name))
        if result.is_problem(finding):
            failure = ET.SubElement(case, "failure", type=finding.severity.label, message=_xml_text(finding.message))
            failure.text = _xml_text(format_finding(finding))
        else:
            ET.SubElement(case, "system-out").text = _xml_text(format_finding(finding))


def _count(element: ET.Element, tests: int, failures: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")
    element.set("skipped", "0")


def _xml_text(value: str) -> str:
    if value.isprintable():  # the usual text, at once: every character _NOT_XML matches is unprintable
        return value
    return _NOT_XML.sub("\ufffd", value)
