"""Fixes as regions of text, for the reports that show them (SARIF `fixes`)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from svclint.check.engine import Report
from svclint.check.finding import Finding
from svclint.check.fixes import Replacement
from svclint.fix.text_edits import FileText, plan
from svclint.source.documents import read_text
from svclint.source.lines import Lines


def with_fix_regions(report: Report) -> Report:
    """The report with each finding's fix given its replacement regions, where the file can
    be read again (not stdin or a pipe) and the fix can be made as local edits."""
    by_file: dict[str, list[int]] = defaultdict(list)
    for number, finding in enumerate(report.findings):
        if finding.fix is not None:
            by_file[finding.file].append(number)
    findings = list(report.findings)
    for path, numbers in by_file.items():
        try:
            text = read_text(path)
        except (OSError, UnicodeError):
            continue
        source, lines = FileText(text), Lines(text)
        for number in numbers:
            findings[number] = _with_regions(findings[number], source, lines)
    return dataclasses.replace(report, findings=findings)


def _with_regions(finding: Finding, source: FileText, lines: Lines) -> Finding:
    assert finding.fix is not None
    edits = plan(source, finding.fix)
    if not edits:
        return finding
    replacements = tuple(Replacement(*lines.at(edit.start), *lines.at(edit.end), edit.text) for edit in edits)
    return dataclasses.replace(finding, fix=dataclasses.replace(finding.fix, replacements=replacements))
