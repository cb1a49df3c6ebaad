"""Writing files the user owns: all or nothing, never half-written, and never replacing
what is not a regular file (a pipe, a device, a terminal) or a symbolic link."""

from __future__ import annotations

import contextlib
import os
import stat


def write_text_atomically(path: str, text: str) -> None:
    """Writes `text` (UTF-8) to a file the user named (a report, a baseline); raises OSError.

    A regular file (or a new one) is replaced atomically; through a symbolic link, the link's
    target is, and the link stays. What is not a regular file (`/dev/null`, `/dev/stdout`, a
    FIFO) is written through: replacing it would turn a device into a file."""
    data = text.encode("utf-8")
    if not _write_through(path, data):
        write_bytes_atomically(os.path.realpath(path), data)


def _write_through(path: str, data: bytes) -> bool:
    """Writes `data` into `path` when it exists and is not a regular file; False otherwise."""
    try:
        if stat.S_ISREG(os.stat(path).st_mode):
            return False
    except FileNotFoundError:  # a new file, or a link to one
        return False
    descriptor = os.open(path, os.O_WRONLY | os.O_NOCTTY)  # a FIFO waits here for its reader
    with os.fdopen(descriptor, "wb") as stream:
        if stat.S_ISREG(os.fstat(descriptor).st_mode):  # it became a file since: replace that
            return False
        stream.write(data)
    return True


def write_bytes_atomically(path: str, data: bytes, keep_owner: bool = False) -> None:
    """Writes `data` to a temporary file beside `path`, then renames it over `path` (the
    entry itself: a symbolic link there is replaced, never followed), keeping the mode of
    the regular file it replaces (and, with `keep_owner`, its owner and group: a file that
    cannot keep them is not replaced).

    A crash or a full disk leaves the old file (or none), never a truncated one. Raises OSError.
    """
    import tempfile  # here: importing it costs every run ~5 ms, and few runs write files

    directory = os.path.dirname(os.path.abspath(path))
    mode = _mode_to_keep(path)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if keep_owner:
            _chown_like(temporary, path)
        os.chmod(temporary, mode)  # mkstemp makes 0600; after chown, which may clear set-id bits
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _chown_like(temporary: str, path: str) -> None:
    """Gives `temporary` the owner and group of the regular file at `path`; raises OSError
    when that is not allowed (another user's file in a directory we may write)."""
    with contextlib.suppress(FileNotFoundError):
        status = os.lstat(path)
        mine = os.stat(temporary)
        if stat.S_ISREG(status.st_mode) and (status.st_uid, status.st_gid) != (mine.st_uid, mine.st_gid):
            os.chown(temporary, status.st_uid, status.st_gid)


def _mode_to_keep(path: str) -> int:
    """The permissions of the regular file at `path`, else those of an ordinary new file."""
    with contextlib.suppress(OSError):
        status = os.lstat(path)
        if stat.S_ISREG(status.st_mode):
            return stat.S_IMODE(status.st_mode)
    return 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
