"""The machine-readable report: {"findings": [...], "summary": {...}}."""

from __future__ import annotations

import functools
from typing import Any, TextIO

from svclint.check.engine import Report
from svclint.check.finding import Finding, Severity
from svclint.report import json_text

FIELDS = ("file", "line", "column", "rule", "severity", "message", "kind", "namespace", "name")


def report(result: Report, stream: TextIO, color: bool = False) -> None:
    document = {"findings": [], "summary": summary(result)}
    if not result.findings:
        stream.write(json_text.dumps(document) + "\n")
        return
    # The document as json.dumps(document, indent=2) writes it, without its slow pure-Python
    # encoder: each finding a template of its shape, filled with the values as the C encoder
    # writes them (json_text). One write: many small ones cost seconds when stdout is a pipe.
    head, tail = json_text.dumps(document).split("[]", 1)  # the only empty list of the document
    values = [value for finding in result.findings for value in _values(finding)]
    findings = ",\n".join([_template(len(finding.via)) for finding in result.findings])
    stream.write(f"{head}[\n{findings % tuple(json_text.scalars(values))}\n  ]{tail}\n")


def summary(result: Report) -> dict[str, int]:
    return {
        "files": result.files,
        "objects": result.objects,
        "errors": result.count(Severity.ERROR),
        "warnings": result.count(Severity.WARNING),
        "infos": result.count(Severity.INFO),
    }


def _values(f: Finding) -> tuple[Any, ...]:
    """The finding's values in the order of FIELDS, then its `via` (rendered by)."""
    return (f.file, f.line, f.column, f.rule, f.severity.label, f.message,
            f.obj.kind, f.obj.namespace, f.obj.name, *f.via)


@functools.lru_cache(maxsize=None)
def _template(via: int) -> str:
    """A finding with `via` renderings, as an item of the findings list (`via` only when it has some)."""
    shape: dict[str, Any] = dict.fromkeys(FIELDS, json_text.SLOT)
    if via:
        shape["via"] = [json_text.SLOT] * via
    return json_text.template(shape, 2)
