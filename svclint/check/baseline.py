"""Baselines: record today's findings, then report only new ones.

A finding matches a recorded one by rule, file and object (kind, namespace, name), never by
line or message, so edits above a finding do not bring it back. Matching counts: two
identical findings recorded cover two, and a third one is new. Paths are stored relative
to the baseline file, so the baseline works from any directory.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import replace
from typing import Iterable

from svclint.check.engine import Report
from svclint.check.finding import Finding
from svclint.source.atomic import write_text_atomically
from svclint.source.discover import InputError
from svclint.source.documents import STDIN_NAME
from svclint.source.streams import read_once

FORMAT = 1
Key = tuple  # (rule, file, kind, namespace, name)


def write_baseline(path: str, findings: Iterable[Finding]) -> None:
    root = _root(path)
    entries = [{**_fields(_key(f, root)), "message": f.message} for f in findings]
    entries.sort(key=lambda e: tuple(str(value) for value in e.values()))
    document = {"svclint-baseline": FORMAT, "findings": entries}
    try:
        write_text_atomically(path, json.dumps(document, indent=2) + "\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from None


def apply_baseline(report: Report, path: str) -> Report:
    """The report without the findings recorded in the baseline at `path`."""
    recorded = _load(path)
    root = _root(path)
    new = []
    for finding in report.findings:
        key = _key(finding, root)
        if recorded[key] > 0:
            recorded[key] -= 1
        else:
            new.append(finding)
    return replace(report, findings=new)


def _load(path: str) -> Counter:
    try:
        document = json.loads(read_once(path)[0].decode("utf-8"))  # once: it may be a pipe, never a device
    except FileNotFoundError:
        raise InputError(f"{path}: no such baseline; create it with --write-baseline {path}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except ValueError as exc:  # not JSON, or not UTF-8
        raise InputError(f"{path}: not a svclint baseline: {exc}") from None
    except RecursionError:  # `[[[[...` nested deeper than the JSON decoder goes
        raise InputError(f"{path}: not a svclint baseline: JSON nested too deeply") from None
    entries = document.get("findings") if isinstance(document, dict) else None
    if (not isinstance(entries, list) or document.get("svclint-baseline") != FORMAT
            or not all(_is_entry(entry) for entry in entries)):
        raise InputError(f"{path}: not a svclint baseline (version {FORMAT}); write it with --write-baseline")
    return Counter(tuple(entry.get(name) for name in _FIELDS) for entry in entries)


def _is_entry(entry: object) -> bool:
    """A recorded finding: its key fields are text (or absent, for findings on no object);
    a list or mapping there would not even be a key to count."""
    return isinstance(entry, dict) and all(isinstance(entry.get(name), (str, type(None))) for name in _FIELDS)


_FIELDS = ("rule", "file", "kind", "namespace", "name")


def _fields(key: Key) -> dict:
    return dict(zip(_FIELDS, key))


def _key(finding: Finding, root: str) -> Key:
    obj = finding.obj
    return finding.rule, _relative(finding.file, root), obj.kind, obj.namespace, obj.name


def _relative(file: str, root: str) -> str:
    if file == STDIN_NAME:
        return file
    return os.path.relpath(os.path.abspath(file), root).replace(os.sep, "/")


def _root(path: str) -> str:
    return os.path.dirname(os.path.abspath(path))
