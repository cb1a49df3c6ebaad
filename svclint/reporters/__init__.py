"""Reporters only format findings: name -> callable(report, stream, color)."""

from svclint.reporters import json_report, text

REPORTERS = {
    "text": text.report,
    "json": json_report.report,
}
