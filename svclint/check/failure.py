"""Which file svclint was reading when something unexpected went wrong.

An exception that escapes a rule or the parser is a bug in svclint, not a finding: the CLI
says so in one line naming the file (exit status 2, which CI does not read as "findings")
and shows the traceback only with --debug. The file travels inside the exception, so that
it also crosses the boundary of a worker process (--jobs), where exceptions are pickled.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

from svclint.source.discover import InputError


class FileFailure(Exception):
    """An unexpected exception while reading or checking `path`; its cause is the original."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(path, problem)  # args alone: what pickling rebuilds the exception from
        self.path = path
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@contextlib.contextmanager
def reading(path: str) -> Iterator[None]:
    """Turns an unexpected exception raised in the block into a FileFailure naming `path`;
    expected ones (a file that cannot be read, a failure already named) pass unchanged."""
    try:
        yield
    except (InputError, FileFailure):
        raise
    except Exception as exc:
        raise FileFailure(path, f"{type(exc).__name__}: {exc}") from exc
