"""Paths as CI services want them: relative to the repository root, with forward slashes."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from svclint.source.documents import STDIN_NAME


def report_path(path: str) -> str:
    """`path` relative to the working directory (the checkout root in CI), else absolute."""
    if path == STDIN_NAME:
        return path
    return _report_path(path, os.getcwd())


# Findings share few files, and working it out costs more than the rest of a finding's report
# line. Kept per working directory, which a caller in-process may change.
@functools.lru_cache(maxsize=4096)
def _report_path(path: str, working_directory: str) -> str:
    absolute = os.path.normpath(os.path.join(working_directory, path))  # os.path.abspath
    relative = os.path.relpath(absolute, working_directory)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return Path(absolute).as_posix()
    return Path(relative).as_posix()
