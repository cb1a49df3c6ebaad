"""Reporters only format findings: name -> callable(report, stream, color).

Each reporter's module is imported when it is chosen: junit's XML library, gitlab's
hashing and sarif's package metadata would otherwise slow down every run.
"""

from __future__ import annotations

import importlib
from typing import Callable

# format name -> module under svclint.report whose `report` writes it
MODULES = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "junit": "junit",
    "github": "github",
    "gitlab": "gitlab",
}


def reporter(name: str) -> Callable:
    return importlib.import_module(f"svclint.report.{MODULES[name]}").report
