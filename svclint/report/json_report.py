"""The machine-readable report: {"findings": [...], "summary": {...}}."""

from __future__ import annotations

import json
from typing import TextIO

from svclint.check.engine import Report
from svclint.check.finding import Severity


def report(result: Report, stream: TextIO, color: bool = False) -> None:
    document = {
        "findings": [
            {
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "rule": f.rule,
                "severity": f.severity.label,
                "message": f.message,
                "kind": f.obj.kind,
                "namespace": f.obj.namespace,
                "name": f.obj.name,
                **({"via": list(f.via)} if f.via else {}),
            }
            for f in result.findings
        ],
        "summary": {
            "files": result.files,
            "objects": result.objects,
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO),
        },
    }
    # One write: json.dump writes each token on its own (millions of calls for many findings,
    # seconds when stdout is a pipe).
    stream.write(json.dumps(document, indent=2))
    stream.write("\n")
