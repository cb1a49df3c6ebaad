"""SARIF 2.1.0, the format GitHub code scanning (and other code scanning tools) ingests.

One run. Every catalog rule is a reportingDescriptor, so an alert can show the rule's
rationale and examples; results point at the rules by id and index. URIs are relative to
`%SRCROOT%` (the checkout root, where CI runs svclint) and fingerprints ignore line numbers.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from svclint import __version__
from svclint.check.engine import Report
from svclint.check.finding import Finding, Severity
from svclint.check.registry import Rule, load_rules
from svclint.report import json_text, rule_docs
from svclint.report.fingerprints import fingerprints
from svclint.report.paths import report_path
from svclint.report.text import message_with_object

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SOURCE_ROOT = "%SRCROOT%"
FINGERPRINT_KEY = "svclint/v1"  # bump the version if the fingerprint's ingredients change
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def report(result: Report, stream: TextIO, color: bool = False) -> None:
    rules = rule_docs.by_code(load_rules().values())
    index = {rule.slug: position for position, rule in enumerate(rules)}
    # Each ValidatingAdmissionPolicy of the run is a rule too, after the catalog's.
    index.update({rule: len(rules) + position for position, (rule, _, _) in enumerate(result.policies)})
    results = [
        _result(finding, index[finding.rule], fingerprint)
        for finding, fingerprint in zip(result.findings, fingerprints(result.findings))
    ]
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": _driver(rules, result.policies)},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    # One write: json.dump writes each token on its own (millions of calls for many findings,
    # seconds when stdout is a pipe). json_text: json.dumps(log, indent=2) without its slow
    # pure-Python encoder.
    stream.write(json_text.dumps(log) + "\n")


def _driver(rules: list[Rule], policies: list[tuple[str, str, str]]) -> dict[str, Any]:
    driver: dict[str, Any] = {"name": "svclint", "version": __version__, "semanticVersion": __version__}
    homepage = _homepage()
    if homepage:
        driver["informationUri"] = homepage
    driver["rules"] = [_descriptor(rule) for rule in rules] + [_policy_descriptor(*policy) for policy in policies]
    return driver


def _policy_descriptor(rule: str, description: str, file: str) -> dict[str, Any]:
    name = rule.split(":", 1)[1]
    summary = f"ValidatingAdmissionPolicy {name} (from {file if file.startswith('builtin:') else report_path(file)})"
    return {
        "id": rule,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": f"{summary}; its validations:\n{description}"},
        "help": {"text": description, "markdown": f"{summary}; its validations:\n\n{description}"},
        "properties": {"tags": ["kubernetes", "validating-admission-policy"]},
    }


def _descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.slug,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule_docs.section(rule, "What it does") or rule.summary},
        "help": {"text": rule.rationale, "markdown": rule_docs.explain(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"code": rule.code, "tags": ["kubernetes", "service"]},
    }


def _result(finding: Finding, rule_index: int, fingerprint: str) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": _artifact(finding.file),
            "region": {"startLine": finding.line, "startColumn": finding.column},
        }
    }
    if finding.obj.kind:
        location["logicalLocations"] = [
            {"name": finding.obj.name or "", "fullyQualifiedName": finding.obj.describe(), "kind": "resource"}
        ]
    result = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": message_with_object(finding)},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if finding.via:  # the overlays or charts whose rendering gave it
        result["relatedLocations"] = [
            {"id": number, "physicalLocation": {"artifactLocation": _artifact(rendering.split(" (", 1)[0])},
             "message": {"text": f"rendered by {rendering}"}}
            for number, rendering in enumerate(finding.via, start=1)
        ]
    if finding.fix is not None and finding.fix.replacements:
        result["fixes"] = [_fix(finding)]
    return result


def _fix(finding: Finding) -> dict[str, Any]:
    """The fix as an artifact change (`svclint --fix` applies the safe ones)."""
    fix = finding.fix
    assert fix is not None
    replacements = [{
        "deletedRegion": {"startLine": r.start_line, "startColumn": r.start_column,
                          "endLine": r.end_line, "endColumn": r.end_column},
        "insertedContent": {"text": r.text},
    } for r in fix.replacements]
    return {
        "description": {"text": fix.description},
        "artifactChanges": [{"artifactLocation": _artifact(finding.file), "replacements": replacements}],
        "properties": {"safety": fix.safety},
    }


def _artifact(file: str) -> dict[str, str]:
    """A relative URI reference under %SRCROOT%, or a file: URI for a file outside it."""
    return dict(_artifact_location(report_path(file)))


@functools.lru_cache(maxsize=4096)  # findings share few files, and making a URI costs
def _artifact_location(shown: str) -> tuple[tuple[str, str], ...]:
    if os.path.isabs(shown):
        return (("uri", Path(shown).as_uri()),)
    # The bytes of the name, percent-encoded: a file name need not be UTF-8.
    return (("uri", quote(os.fsencode(shown), safe="/")), ("uriBaseId", SOURCE_ROOT))


def _homepage() -> str | None:
    """The project's home page from the installed package metadata ([project.urls] Homepage)."""
    from importlib import metadata  # here: importing it costs every run ~15 ms

    try:
        urls = metadata.metadata("svclint").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    pages = dict(url.split(", ", 1) for url in urls if ", " in url)
    return pages.get("Homepage") or pages.get("homepage")
