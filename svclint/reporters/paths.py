"""Paths as CI services want them: relative to the repository root, with forward slashes."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from svclint.source import STDIN_NAME


def report_path(path: str) -> str:
    """`path` relative to the working directory (the checkout root in CI), else absolute."""
    if path == STDIN_NAME:
        return path
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.getcwd())
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return Path(absolute).as_posix()
    return Path(relative).as_posix()


def is_relative(path: str) -> bool:
    return not os.path.isabs(path)


def uri_reference(path: str) -> str:
    """A URI for `report_path(path)`: a relative reference, or a file: URI for absolute paths."""
    shown = report_path(path)
    return quote(shown, safe="/") if is_relative(shown) else Path(shown).as_uri()
