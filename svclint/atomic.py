"""Writing files the user owns: all or nothing, never half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile


def write_text_atomically(path: str, text: str) -> None:
    """Writes `text` to a temporary file beside `path`, then renames it over `path`.

    A crash or a full disk leaves the old file (or none), never a truncated one. Raises OSError.
    """
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
