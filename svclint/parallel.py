"""Check files in worker processes (--jobs): each file is parsed and checked in the
worker that reads it, and only its FileResult (facts and positioned findings, no
documents) travels back to the parent, which runs the cross-object rules.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import TYPE_CHECKING, Sequence

from svclint.checkfile import FileResult, check_file
from svclint.discover import STDIN, InputError
from svclint.registry import Rule
from svclint.settings import Settings

if TYPE_CHECKING:
    import multiprocessing.context

# Without --jobs, a worker is started only for this much input: below it, starting one
# costs more than it saves (a pre-commit run on a few changed files stays in one process).
MIN_BYTES_PER_WORKER = 256 * 1024
TASKS_PER_WORKER = 16  # several small batches each, so that a big file does not leave a core idle


def check_files(files: Sequence[str], settings: Settings, rules: dict[str, Rule],
                jobs: int | None = None) -> list[FileResult]:
    """The results of `files`, in their order; `jobs` None: as many processes as pays."""
    sizes = {path: _size(path) for path in files}
    workers = worker_count(sizes, jobs)
    if workers <= 1:
        return [check_one(path, settings, rules) for path in files]
    import concurrent.futures  # only here: importing it costs a one-file run several ms
    from concurrent.futures.process import BrokenProcessPool
    # stdin is read here: workers cannot share the parent's stream.
    results = {STDIN: check_one(STDIN, settings, rules)} if STDIN in sizes else {}
    in_workers = sorted((p for p in files if p != STDIN), key=sizes.__getitem__, reverse=True)
    chunk = max(1, len(in_workers) // (workers * TASKS_PER_WORKER))
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=_context(), initializer=_start_worker,
                                                initargs=(settings, rules)) as pool:
        try:
            results.update(zip(in_workers, pool.map(_check_in_worker, in_workers, chunksize=chunk)))
        except BrokenProcessPool as exc:
            raise InputError(f"a worker process stopped unexpectedly ({exc}); rerun with --jobs 1") from None
    return [results[path] for path in files]


def check_one(path: str, settings: Settings, rules: dict[str, Rule]) -> FileResult:
    try:
        return check_file(path, settings, rules)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def default_jobs() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def worker_count(sizes: dict[str, int], jobs: int | None) -> int:
    files = sum(1 for path in sizes if path != STDIN)
    if jobs is None:
        jobs = min(default_jobs(), sum(sizes.values()) // MIN_BYTES_PER_WORKER)
    return min(jobs, files)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path) if path != STDIN else 0
    except OSError:
        return 0  # reported when the file is read


def _context() -> multiprocessing.context.BaseContext:
    import multiprocessing

    # fork starts a worker in milliseconds, with svclint already imported and the rules
    # loaded; elsewhere (macOS, Windows) fork is unsafe or missing, and spawn is the default.
    return multiprocessing.get_context("fork" if sys.platform == "linux" else None)


_worker_settings: tuple[Settings, dict[str, Rule]] | None = None


def _start_worker(settings: Settings, rules: dict[str, Rule]) -> None:
    global _worker_settings
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _worker_settings = (settings, rules)


def _check_in_worker(path: str) -> FileResult:
    assert _worker_settings is not None, "_start_worker runs first in each worker"
    return check_one(path, *_worker_settings)
