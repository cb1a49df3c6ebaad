"""Facts of context files, cached by file content under `.svclint_cache/` (as ruff does).

A pre-commit run checks a few changed files against every manifest in the repository; only
the facts of the unchanged ones (what cross-object rules read) are needed, and they depend
on the file's bytes and on what the key covers: the code that reads files and makes objects
of them (every module of svclint.source and svclint.model, checkfile.py, PyYAML's version; this
module too, for the format of entries),
the FactPlan (what the running cross-object rules declare they read, and the workload
table), and every setting not known to leave facts alone. One file per key holds
{sha256 of content: facts}; it is rewritten atomically with the entries of the current run
only, so it never grows beyond the repository's manifests.

The entries are pickled plain data (dicts, lists, strings, numbers) and read back with an
unpickler that refuses every class and function, so a planted cache file cannot run code;
each entry's facts are checked to have exactly the shape facts_to_cache gives before use.
A corrupt, truncated or unreadable cache file, one of the wrong shape, and anything but a
regular file (a link is not followed, a FIFO never opened for good) are ignored and
rebuilt: the rename that writes a new one replaces the link itself. A cache directory that
is a symbolic link is not used at all, so that svclint never writes where it points.
Writes go to a uniquely named temporary file first, so runs at the same time never mix.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import pickle
import stat
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import yaml

import svclint
from svclint import __version__
from svclint.check.checkfile import FileResult
from svclint.check.settings import Settings
from svclint.model.facts import FactPlan
from svclint.model.resources import Resource, kustomization_namespaces
from svclint.source.atomic import write_bytes_atomically
from svclint.source.complexity import EXPANSION_FLOOR, EXPANSION_PER_CHAR, MAX_DEPTH

# The code that decides what the facts of a file are: how it is read and parsed (source),
# what objects and their facts are (model), and the step that keeps them (checkfile). What
# the rules read is in the key as the FactPlan itself; cache.py holds the format of entries.
FACT_CODE = ("source", "model", "check/checkfile.py", "check/cache.py")
# Settings that do not change facts. Any setting not listed here is part of the cache key, so
# one added later (e.g. custom workload kinds) invalidates the cache rather than going stale.
FACT_NEUTRAL_SETTINGS = frozenset({
    "kubernetes_version", "node_port_range", "namespace", "target", "load_balancer_providers",
    "host_platform",
    "fail_on", "exclude", "select", "ignore", "severity", "per_file_ignores", "ignore_objects",
    "context", "allow_suppressions", "cache_dir",
    "kustomize_command", "render_timeout", "helm_release", "helm_namespace", "helm_values",
})
Facts = list  # [(data, doc_index, namespace, base_path), ...] per object of the file


class FactsCache:
    def __init__(self, directory: str, settings: Settings, plan: FactPlan) -> None:
        self.path = os.path.join(directory, f"facts-{cache_key(settings, plan)}.pickle")
        self._directory = directory
        # A link would have svclint write (and read) wherever it points: not used this run.
        self.note = (f"{os.path.normpath(directory)}: a symbolic link, not used as the cache; remove it (or set cache-dir) "
                     "to cache context facts") if os.path.islink(directory) else None
        self._stored = {} if self.note else _load(self.path)
        self._current: dict[str, Facts] = {}
        self._parsed = False  # facts were put: the file must be written (even with the same keys)

    def get(self, digest: str) -> Facts | None:
        facts = self._stored.get(digest)
        if facts is not None:
            self._current[digest] = facts
        return facts

    def put(self, digest: str, facts: Facts) -> None:
        self._current[digest] = facts
        self._parsed = True

    def save(self) -> None:
        """Keeps the entries of this run; a cache that cannot be written is only a slower next run."""
        if self.note or (not self._parsed and self._current.keys() == self._stored.keys()):
            return
        try:
            data = pickle.dumps(self._current, protocol=pickle.HIGHEST_PROTOCOL)
            _prepare(self._directory)
            write_bytes_atomically(self.path, data)
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            pass


def content_digest(content: bytes) -> str:
    """What a file's facts are cached under."""
    return hashlib.sha256(content).hexdigest()


def facts_to_cache(result: FileResult) -> Facts:
    return [(r.data, r.doc_index, r.namespace, r.base_path) for r in result.objects]


def cached_result(path: str, facts: Facts) -> FileResult:
    """The result of a context file rebuilt from its cached facts (already pruned)."""
    result = FileResult(path)
    for data, doc_index, namespace, base_path in facts:
        resource = Resource(data, path, doc_index, namespace, base_path)
        result.kustomized.update(kustomization_namespaces(resource))
        result.objects.append(resource)
    return result


class _PlainDataUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"cache holds {module}.{name}, not plain data")


def _load(path: str) -> dict[str, Facts]:
    """The stored entries, or none when the file is missing, damaged or of another shape."""
    try:
        raw = _read_regular(path)
        data = _PlainDataUnpickler(io.BytesIO(raw)).load()
    except Exception:  # missing, unreadable, not a regular file or corrupt: start afresh
        return {}
    return data if _well_formed(data, EXPANSION_FLOOR + EXPANSION_PER_CHAR * len(raw)) else {}


def _read_regular(path: str) -> bytes:
    """The bytes of the regular file at `path`; OSError for a link (not followed), a FIFO
    (opened without waiting for a writer, not read), a directory or a device."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        return handle.read()


def _well_formed(data: Any, budget: int) -> bool:
    """Whether the cache holds what facts_to_cache gives. A planted or damaged cache file can
    hold any plain data, and the rules must only ever see what a manifest can hold: shared
    references in a pickle can make an alias bomb, so the walk stops after `budget` values."""
    if not isinstance(data, dict) or not all(type(digest) is str and type(facts) is list
                                             for digest, facts in data.items()):
        return False
    pending: list[tuple[Any, int]] = []
    for facts in data.values():
        for entry in facts:
            if not (type(entry) is tuple and len(entry) == 4 and type(entry[0]) is dict
                    and type(entry[1]) is int and type(entry[2]) is str and type(entry[3]) is tuple
                    and all(type(part) in (str, int) for part in entry[3])):
                return False
            pending.append((entry[0], 0))
    return _is_yaml_data(pending, budget)


def _is_yaml_data(pending: list[tuple[Any, int]], budget: int) -> bool:
    """Plain data as a manifest is read: string keys; strings, numbers, booleans, null, lists,
    nested no deeper than a manifest may be. Iterative: a planted value cannot exhaust the stack."""
    while pending:
        item, depth = pending.pop()
        budget -= 1
        if budget < 0 or isinstance(item, (dict, list)) and depth > MAX_DEPTH:
            return False
        if type(item) is dict:
            if not all(type(key) is str for key in item):
                return False
            pending.extend((child, depth + 1) for child in item.values())
        elif type(item) is list:
            pending.extend((child, depth + 1) for child in item)
        elif item is not None and type(item) not in (str, int, float, bool):
            return False
    return True


def cache_key(settings: Settings, plan: FactPlan) -> str:
    shaping = {f.name: getattr(settings, f.name) for f in fields(settings) if f.name not in FACT_NEUTRAL_SETTINGS}
    digest = hashlib.sha256(f"{__version__}\0{sys.version_info[:2]}\0{yaml.__version__}\0{shaping!r}\0{plan!r}".encode())
    for path in fact_code_files():
        digest.update(f"\0{path.relative_to(_PACKAGE).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_PACKAGE = Path(svclint.__file__).parent


def fact_code_files() -> list[Path]:
    """The source files of FACT_CODE, so that a changed checkout of svclint never reads stale facts."""
    files: list[Path] = []
    for entry in FACT_CODE:
        path = _PACKAGE / entry
        files += sorted(path.glob("*.py")) if path.is_dir() else [path]
    return files


def _prepare(directory: str) -> None:
    """Creates the cache directory, marked so that git and backup tools leave it alone (the
    marks written atomically too: another run may be creating them at the same time)."""
    if os.path.isdir(directory):
        return
    os.makedirs(directory, exist_ok=True)
    write_bytes_atomically(os.path.join(directory, ".gitignore"), b"# Created by svclint automatically.\n*\n")
    write_bytes_atomically(os.path.join(directory, "CACHEDIR.TAG"),
                           b"Signature: 8a477f597d28d172789f06886806bc55\n# svclint cache: https://bford.info/cachedir/\n")
