"""Reading a file the user named exactly once: it may be a pipe (`<(kustomize build .)`,
`/dev/stdin`, a named FIFO), which gives its bytes only once and cannot be seeked, or a
device, which may never end (`/dev/zero`)."""

from __future__ import annotations

import errno
import os
import stat


def read_once(path: str) -> tuple[bytes, bool]:
    """The bytes of a regular file or a pipe, and whether it is a regular file (one that can
    be opened again and read in slices). Raises OSError, also for a device or a socket,
    which are refused before they are opened (opening a device can have effects)."""
    _refuse_special(os.stat(path).st_mode, path)
    with open(path, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode  # what was opened, if the path changed since
        _refuse_special(mode, path)
        return handle.read(), stat.S_ISREG(mode)


def _refuse_special(mode: int, path: str) -> None:
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise OSError(errno.EINVAL, "not a regular file or pipe", path)
