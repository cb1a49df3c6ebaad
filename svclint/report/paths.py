"""Paths as CI services want them: relative to the repository root, with forward slashes."""

from __future__ import annotations

import os
from pathlib import Path

from svclint.source.documents import STDIN_NAME


def report_path(path: str) -> str:
    """`path` relative to the working directory (the checkout root in CI), else absolute."""
    if path == STDIN_NAME:
        return path
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.getcwd())
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return Path(absolute).as_posix()
    return Path(relative).as_posix()
