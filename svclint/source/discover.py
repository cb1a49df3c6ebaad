"""Turn command-line paths into the list of manifest files to read."""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field
from typing import Iterable

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"
GIT_CONTEXT = "git"  # as a context entry: every manifest git tracks in the repository


class InputError(Exception):
    """A path the user named cannot be used; exit status 2."""


@dataclass
class Discovery:
    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # info lines for the user (skipped Helm charts)


def discover(paths: Iterable[str], exclude: Iterable[str] = ()) -> Discovery:
    found = Discovery()
    patterns = tuple(exclude)
    skipped_charts: set[str] = set()
    broken_links: list[str] = []
    for path in paths:
        if path == STDIN:
            found.files.append(STDIN)
        elif os.path.isdir(path):
            found.files.extend(_walk(path, patterns, skipped_charts, broken_links))
        elif os.path.isfile(path) or _is_pipe(path):  # a pipe: svclint <(kustomize build .)
            chart = _chart_of_template(path)
            if chart:
                skipped_charts.add(chart)
            elif not matches_any(path, patterns):
                found.files.append(path)
        elif os.path.lexists(path) or os.path.exists(path):
            raise InputError(f"{path}: not a regular file or directory")
        else:
            raise InputError(f"{path}: no such file or directory")
    found.notes = [
        f"{chart}: skipped Helm chart templates; lint the rendered output instead: "
        f"helm template {chart} | svclint -"
        for chart in sorted(skipped_charts)
    ] + [f"{link}: skipped a broken symbolic link" for link in broken_links]
    found.files = list(dict.fromkeys(found.files))
    return found


def discover_context(entries: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    """Files read only for cross-object rules: those under `entries` (files or directories,
    or `git`), minus excludes and Helm chart templates."""
    patterns = tuple(exclude)
    files: list[str] = []
    for entry in dict.fromkeys(entries):  # `git` from both the config and the hook's args: list once
        try:
            files.extend(_git_tracked(patterns) if entry == GIT_CONTEXT else discover([entry], patterns).files)
        except InputError as exc:
            raise InputError(f"context: {exc}") from None
    return list(dict.fromkeys(files))


def _git_tracked(patterns: tuple[str, ...]) -> list[str]:
    import subprocess  # here, not at the top: most runs never start git

    # `:/` is the whole work tree even from a subdirectory; paths come relative to the cwd.
    # Checked-out submodules are part of what is applied together (vendored manifests,
    # shared bases); -z keeps names with spaces, line breaks and any bytes whole.
    command = ["git", "ls-files", "-z", "--recurse-submodules", "--", ":/"]
    try:
        listing = subprocess.run(command, capture_output=True, check=False)
    except OSError as exc:
        raise InputError(f"git: cannot run git: {exc.strerror or exc}") from None
    if listing.returncode != 0:
        reason = listing.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git: cannot list the files git tracks: {reason[0] if reason else 'git failed'}")
    # As the file system names them (bytes that are not UTF-8 survive, as surrogates).
    paths = [os.fsdecode(path) for path in listing.stdout.split(b"\0") if path]
    return [
        os.path.normpath(path) for path in paths
        if path.endswith(MANIFEST_SUFFIXES) and not _in_hidden_directory(path)
        and not matches_any(path, patterns) and os.path.isfile(path) and not _chart_of_template(path)
    ]


def _in_hidden_directory(path: str) -> bool:
    """Like the directory walk, which skips .git, .github and other hidden directories."""
    directories = os.path.normpath(path).split(os.sep)[:-1]
    return any(part.startswith(".") and part not in (".", "..") for part in directories)


def _walk(root: str, patterns: tuple[str, ...], skipped_charts: set[str], broken_links: list[str]) -> list[str]:
    """Manifest files under `root`. Symbolic links to directories are not followed (no loops);
    FIFOs, sockets and devices are skipped (reading a FIFO would block)."""
    files: list[str] = []
    for directory, subdirs, names in os.walk(root, onerror=_unreadable_directory):
        subdirs[:] = sorted(
            d for d in subdirs
            if not d.startswith(".") and not matches_any(os.path.join(directory, d), patterns)
        )
        if "Chart.yaml" in names and "templates" in subdirs:
            subdirs.remove("templates")
            skipped_charts.add(directory)
        for name in sorted(names):
            path = os.path.normpath(os.path.join(directory, name))
            if not name.endswith(MANIFEST_SUFFIXES) or matches_any(path, patterns):
                continue
            if os.path.isfile(path):
                files.append(path)
            elif not os.path.exists(path):  # a dangling link, or a loop of links
                broken_links.append(path)
    return files


def _unreadable_directory(error: OSError) -> None:
    raise InputError(f"{error.filename}: cannot read directory: {error.strerror}")


def _is_pipe(path: str) -> bool:
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except OSError:
        return False


def matches_any(path: str, patterns: Iterable[str]) -> bool:
    """Whether `path`, its file name or (for patterns a config file anchored at its own
    directory) its absolute path matches one of the glob `patterns`."""
    normalized = os.path.normpath(path)
    name = os.path.basename(normalized)
    return any(
        fnmatch.fnmatch(normalized, p) or fnmatch.fnmatch(name, p) or fnmatch.fnmatch(path, p)
        or (os.path.isabs(p) and fnmatch.fnmatch(os.path.abspath(path), p))
        for p in patterns
    )


def _chart_of_template(path: str) -> str | None:
    """The chart directory when `path` lies in a Helm chart's templates/ folder."""
    parts = os.path.normpath(path).split(os.sep)
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "templates":
            chart = os.sep.join(parts[:i]) or "."
            if os.path.isfile(os.path.join(chart, "Chart.yaml")):
                return chart
    return None
