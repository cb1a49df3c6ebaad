"""Work in worker processes (--jobs): each file is parsed and checked in the worker that
reads it, and only its FileResult (facts and positioned findings, no documents) travels
back to the parent; then the cross-object rules run over parts of the files, in workers
forked from the parent once it holds the whole index.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import TYPE_CHECKING, Callable, Sequence, TypeVar

from svclint.check.checkfile import FileResult, check_file
from svclint.check.failure import reading
from svclint.check.registry import Rule
from svclint.check.settings import Settings
from svclint.policy.evaluate import PolicySet
from svclint.source.discover import STDIN, InputError

if TYPE_CHECKING:
    import multiprocessing.context

Shared = TypeVar("Shared")
Item = TypeVar("Item")
Result = TypeVar("Result")

# Without --jobs, a worker is started only for this much input: below it, starting one
# costs more than it saves (a pre-commit run on a few changed files stays in one process).
MIN_BYTES_PER_WORKER = 256 * 1024
# fork starts a worker in milliseconds, with svclint already imported, the rules loaded
# and the index built; elsewhere (macOS, Windows) fork is unsafe or missing, and spawn is the default.
FORKS = sys.platform == "linux"
TASKS_PER_WORKER = 48  # small batches, so that no core idles at the end while another finishes


def worker_count(files: Sequence[str], jobs: int | None) -> int:
    """How many processes check `files`: `jobs`, or as many as pays when None; 1 means none
    but this one."""
    sizes = [_size(path) for path in files if path != STDIN]  # stdin is read by the parent
    if jobs is None:
        jobs = min(default_jobs(), sum(sizes) // MIN_BYTES_PER_WORKER)
    return max(1, min(jobs, len(sizes)))


def check_files(files: Sequence[str], settings: Settings, rules: dict[str, Rule], workers: int = 1,
                policies: PolicySet | None = None) -> list[FileResult]:
    """The results of `files`, in their order, checked (and judged by `policies`) in `workers` processes."""
    shared = (settings, rules, policies)
    # stdin is read here: workers cannot share the parent's stream.
    results = {STDIN: check_one(shared, STDIN)} if STDIN in files else {}
    in_workers = [path for path in files if path != STDIN]
    if workers > 1:
        in_workers.sort(key=_size, reverse=True)  # biggest first, so that none is left for the end
    results.update(zip(in_workers, map_in_workers(check_one, shared, in_workers, workers)))
    return [results[path] for path in files]


def check_one(shared: tuple[Settings, dict[str, Rule], PolicySet | None], path: str) -> FileResult:
    with reading(path):
        try:
            return check_file(path, *shared)
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def map_in_workers(function: Callable[[Shared, Item], Result], shared: Shared, items: Sequence[Item],
                   workers: int) -> list[Result]:
    """`function(shared, item)` for each item, in order, in `workers` processes (in this one
    when `workers` is 1). Only items and results are pickled: forked workers inherit `shared`
    (the whole index, say) from this process; elsewhere it is pickled once per worker."""
    if workers <= 1:
        return [function(shared, item) for item in items]
    import concurrent.futures  # only here: importing it costs a one-file run several ms
    from concurrent.futures.process import BrokenProcessPool

    chunk = max(1, len(items) // (workers * TASKS_PER_WORKER))
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=_context(), initializer=_start_worker,
                                                initargs=(function, shared)) as pool:
        try:
            results: list[Result] = list(pool.map(_run_in_worker, items, chunksize=chunk))  # type: ignore[arg-type]
            return results
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)  # no other batch starts
            _stop_workers()
            raise
        except BrokenProcessPool as exc:
            raise InputError(f"a worker process stopped unexpectedly ({exc}); rerun with --jobs 1") from None


def _stop_workers() -> None:
    """Ends the workers at once: a batch under way may take long, or wait for ever on a pipe,
    and they ignore Ctrl-C (it is the parent's to handle)."""
    import multiprocessing

    for worker in multiprocessing.active_children():
        worker.terminate()


def default_jobs() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _size(path: str) -> int:
    try:
        return os.path.getsize(path) if path != STDIN else 0
    except OSError:
        return 0  # reported when the file is read


def _context() -> multiprocessing.context.BaseContext:
    import multiprocessing

    return multiprocessing.get_context("fork" if FORKS else None)


_worker_task: tuple[Callable, object] | None = None


def _start_worker(function: Callable, shared: object) -> None:
    global _worker_task
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _worker_task = (function, shared)


def _run_in_worker(item: object) -> object:
    assert _worker_task is not None, "_start_worker runs first in each worker"
    function, shared = _worker_task
    return function(shared, item)
