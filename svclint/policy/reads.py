"""The fields of the object an expression reads: `object.spec.ports[0].port`, `has(object.metadata.labels)`,
`object.metadata.annotations['a/b']`, each as a JSON path (`("spec", "ports", 0, "port")`).

A finding of a policy points at the deepest of them that exists in the object, so that a
violation shows the line the expression is about.
"""

from __future__ import annotations

import itertools
import re
from typing import Any, Iterable

from svclint.source.positions import Path

# A field selection, not a method call: `(?!\w|...)` keeps `\w*` from giving back letters
# (`.all(` is no field `al`).
_STEP = r"""(?:\s*\.\s*[A-Za-z_]\w*(?!\w|\s*\()|\s*\[\s*(?:'[^']*'|"[^"]*"|\d+)\s*\])"""
_ROOT = re.compile(r"(?<![\w.])(object|variables\s*\.\s*[A-Za-z_]\w*)((?:" + _STEP + r")*)")
_ONE_STEP = re.compile(r"""\.\s*([A-Za-z_]\w*)|\[\s*(?:'([^']*)'|"([^"]*)"|(\d+))\s*\]""")


def _steps(text: str) -> Path:
    steps: list[Any] = []
    for match in _ONE_STEP.finditer(text):
        field, single, double, number = match.groups()
        steps.append(field if field is not None else single if single is not None
                     else double if double is not None else int(number))
    return tuple(steps)


def object_paths(expression: str, variables: dict[str, str] | None = None, _depth: int = 0) -> list[Path]:
    """The object paths `expression` reads, those read through `variables.NAME` (whose
    expressions are given) included."""
    found = []
    for match in _ROOT.finditer(expression):
        root, rest = match[1], match[2]
        if root == "object":
            found.append(_steps(rest))
        elif variables and _depth < 8:
            name = root.split(".")[-1].strip()
            if name in variables:  # what the variable reads, and below it what is read of its value
                found += [path + _steps(rest) for path in object_paths(variables[name], variables, _depth + 1)]
    return found


TYPE = "\0type"  # a last step: only the kind of value there (map, list, string, ...) or its absence is read

# `'key' in object.x.y`, with nothing binding tighter than `in` on either side: reads only
# whether the map has that key (and that it is a map). `has(object.x.y)`: only whether y is there.
_MEMBER_BEFORE = re.compile(r"""(?:^|[(,?:\[]|&&|\|\|)\s*(?:'([^'\\\n]*)'|"([^"\\\n]*)")\s+in\s+$""")
_HAS_BEFORE = re.compile(r"(?<![\w.])has\s*\(\s*$")
_CLOSED_AFTER = re.compile(r"\s*(?:$|[),?:\]]|&&|\|\|)")


def object_reads(expression: str) -> list[Path]:
    """What of the object an expression's answer depends on, for remembering it: the paths it
    reads, where a map tested only for a literal key (`'team' in object.metadata.labels`) or a
    field only for presence (`has(object.spec.x)`) gives the key's value and the kind of value
    at the path (a path ending in TYPE), not the whole map."""
    found: list[Path] = []
    for match in _ROOT.finditer(expression):
        if match[1] != "object":
            continue
        path = _steps(match[2])
        before, closed = expression[:match.start()], _CLOSED_AFTER.match(expression, match.end()) is not None
        member = _MEMBER_BEFORE.search(before) if closed else None
        if member is not None:
            key = member[1] if member[1] is not None else member[2]
            found += [path + (key,), path + (TYPE,)]
        elif closed and path and _HAS_BEFORE.search(before):
            found += [path + (TYPE,), path[:-1] + (TYPE,)]
        else:
            found.append(path)
    return found


def existing_prefix(data: Any, path: Path) -> Path:
    """The longest start of `path` that exists in `data`."""
    node, kept = data, 0
    for step in path:
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            break
        kept += 1
    return tuple(path[:kept])


def deepest_existing(data: Any, paths: Iterable[Path]) -> Path:
    """The deepest existing path among `paths` in `data` (the first on a tie); () when none exists."""
    best: Path = ()
    for path in paths:
        prefix = existing_prefix(data, path)
        if len(prefix) > len(best):
            best = prefix
    return best


def kept_paths(sources: Iterable[str]) -> tuple[Path, ...] | None:
    """The object paths the expressions `sources` could read, each cut before its first list
    index (the whole list is kept: `size()` or a comprehension may read it); None when some
    expression may read the object whole (`object` passed on bare, or followed by anything
    but literal field selections)."""
    kept: set[Path] = set()
    for source in sources:
        for path in object_paths(source):
            cut = tuple(itertools.takewhile(lambda step: isinstance(step, str), path))
            if not cut:
                return None
            kept.add(cut)
    return tuple(sorted(kept))


def trimmed(data: Any, paths: tuple[Path, ...] | None) -> Any:
    """`data` with only the values at `paths` and the maps leading to them: what converting
    an object to CEL costs grows with its size, and an expression cannot tell the difference
    (every path it could read is kept whole, `kept_paths`). None: `data` itself."""
    if paths is None:
        return data
    tree: dict[str, Any] = {}
    for path in paths:
        node = tree
        for step in path[:-1]:
            node = node.setdefault(step, {})
            if node is _WHOLE:
                break
        else:
            node[path[-1]] = _WHOLE
    return _kept(data, tree)


_WHOLE: dict[str, Any] = {}  # a marker: the value below this step is kept whole


def _kept(data: Any, tree: dict[str, Any]) -> Any:
    if tree is _WHOLE or not isinstance(data, dict):
        return data
    return {step: _kept(data[step], below) for step, below in tree.items() if step in data}
