"""Reporters only format findings: name -> callable(report, stream, color)."""

from svclint.reporters import github, gitlab, json_report, junit, sarif, text

REPORTERS = {
    "text": text.report,
    "json": json_report.report,
    "sarif": sarif.report,
    "junit": junit.report,
    "github": github.report,
    "gitlab": gitlab.report,
}
