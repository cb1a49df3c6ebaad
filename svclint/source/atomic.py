"""Writing files the user owns: all or nothing, never half-written."""

from __future__ import annotations

import contextlib
import os


def write_text_atomically(path: str, text: str) -> None:
    """Writes `text` (UTF-8) to `path` atomically; raises OSError."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: str, data: bytes) -> None:
    """Writes `data` to a temporary file beside `path`, then renames it over `path`.

    A crash or a full disk leaves the old file (or none), never a truncated one. Raises OSError.
    """
    import tempfile  # here: importing it costs every run ~5 ms, and few runs write files

    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; the file is an ordinary one
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
