"""Writing fixed files: atomically, through symbolic links, keeping mode and owner, and
never over a file that changed since it was read."""

from __future__ import annotations

import os

from svclint.fix.run import FileOutcome
from svclint.source.atomic import write_bytes_atomically


def write_fixed(outcome: FileOutcome) -> str | None:
    """Replaces the file with its fixed text; why not, or None when it is written."""
    if not outcome.changed or outcome.fixed is None:
        return None
    target = os.path.realpath(outcome.path)  # a symbolic link stays, its target is fixed
    try:
        with open(target, "rb") as stream:
            if stream.read() != outcome.read:
                return f"{outcome.path}: changed while svclint was fixing it; not written"
        write_bytes_atomically(target, outcome.fixed.encode("utf-8"), keep_owner=True)
    except OSError as exc:
        return f"{outcome.path}: cannot write the fixes: {exc.strerror or exc}"
    return None
