"""Answers of policies remembered across objects alike.

A policy's answer for an object (which validations fail, on which expression) depends only
on the values its expressions read: the object paths they name (`reads.object_reads`; a bare
`object` is the path (), all of it; of a map tested only for literal keys, those keys), its
params and, when they read `request` or `namespaceObject`, the object's name and namespace. Thousands of Services share their type,
ports and annotations, so most answers are evaluated once. messageExpressions are left out
of the key: a message is made afresh for each object that fails.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from svclint.model.resources import Resource
from svclint.policy.reads import TYPE, object_reads, trimmed
from svclint.source.positions import Path

SIZE = 200_000  # answers remembered; beyond it, requests are evaluated afresh
TRIAL = 256  # lookups after which a policy whose answers repeat less than one time in ten is not remembered
_MISSING = "\0missing"

Frozen = str | tuple[type, Any]  # a value read, as part of a key
_EXACT = (str, int, bool, type(None))  # equal with their type (not floats: -0.0 == 0.0 and nan != nan)
_as_json = json.JSONEncoder(sort_keys=True, default=str).encode  # json.dumps makes one at each call


@dataclass
class Reads:
    """What a policy's answer depends on, and how often remembering it paid."""

    paths: tuple[Path, ...] | None  # None: not remembered
    request: bool  # the request's names (request, namespaceObject)
    lookups: int = 0
    hits: int = 0

    def counted(self, hit: bool) -> None:
        """A policy whose answers do not repeat (it reads each object's name) is no longer
        remembered: keys cost time and memory for nothing."""
        self.lookups += 1
        self.hits += hit
        if self.lookups == TRIAL and self.hits * 10 < self.lookups:
            self.paths = None


def reads_of(expressions: Iterable[str], remembered: bool = True) -> Reads:
    sources = list(expressions)
    paths = {path for source in sources for path in object_reads(source)}
    request = re.search(r"\brequest\b|\bnamespaceObject\b", " ".join(sources)) is not None
    return Reads(tuple(sorted(paths, key=repr)) if remembered else None, request)


def expression_reads(source: str) -> Reads:
    """What an expression that reads only `object` depends on; not remembered when it may
    read the object whole."""
    paths = set(object_reads(source))
    return Reads(None if () in paths else tuple(sorted(paths, key=repr)), False)


@dataclass(frozen=True)
class Needs:
    """What of a request one expression reads that costs to convert to CEL: of the object the
    paths `reads.kept_paths` gives (None: all of it), and the request and namespace object
    when it reads them (`names`)."""

    names: frozenset[str]
    kept: tuple[Path, ...] | None

    def covers(self, other: Needs) -> bool:
        if not other.names <= self.names:
            return False
        if self.kept is None:  # the object whole
            return True
        return other.kept is not None and set(other.kept) <= set(self.kept)


COSTLY = frozenset({"request", "namespaceObject"})  # besides the object


class Request:
    """One object's request: its CEL activation (made when first needed, small at first) and
    the keys under which policies' answers are remembered (each value read frozen once)."""

    def __init__(self, resource: Resource, values: dict[str, Any], kept: tuple[Path, ...] | None,
                 activate: Callable[[dict], Any]) -> None:
        self.resource = resource
        # The object whole: an activation holds it trimmed, and the paths a key reads have the
        # same values either way (each lies below a path the trimming keeps whole, or asks
        # only whether a map on the way to one is there and a map).
        self.values = values
        self.kept = kept  # the object paths all the object's policies could read (None: all)
        self.frozen: dict[Path, Frozen] = {}
        self._values: dict[tuple[Path, ...], tuple[Frozen, ...]] = {}  # by the paths read
        self._activate = activate
        self._activation: Any = None
        self._holds: Needs | None = None  # what the activation holds (None: all the policies need)
        self._set: dict[str, Any] = {}  # params and variables, set on the activation when it is made
        self.prepared: tuple[int, int] | None = None  # (policy, params) whose variables the activation holds

    def activation(self, needs: Needs) -> Any:
        """An activation holding what `needs` names. Converting values to CEL is the dearest
        step, and by their size: the first is made with only what the first expression run
        reads, as most objects then need no more (their other policies' answers are
        remembered); should another expression read more, one with all the values replaces it."""
        if self._activation is None:
            self._make(_needed(self.values, needs))
            self._holds = needs
        elif self._holds is not None and needs is not self._holds and not self._holds.covers(needs):
            self._make({**self.values, "object": trimmed(self.values["object"], self.kept)})
            self._holds = None
        return self._activation

    def _make(self, values: dict[str, Any]) -> None:
        self._activation = self._activate(values)
        for name, value in self._set.items():
            self._activation.set(name, value)

    def set(self, name: str, value: Any) -> None:
        self._set[name] = value
        if self._activation is not None:
            self._activation.set(name, value)

    def key(self, policy: object, reads: Reads, params: Any) -> tuple | None:
        paths = reads.paths
        if paths is None:
            return None
        # Policies' expressions read the same few paths (each match condition on the
        # namespace): their values are frozen once per object, and gathered once per paths.
        values = self._values.get(paths)
        if values is None:
            values = self._values[paths] = tuple([self._frozen(path) for path in paths])
        names = (self.resource.name, self.resource.namespace) if reads.request else None
        return id(policy), id(params), names, values

    def _frozen(self, path: Path) -> Frozen:
        found = self.frozen.get(path)
        if found is None:
            found = self.frozen[path] = _frozen_at(self.values["object"], path)
        return found


def _needed(values: dict[str, Any], needs: Needs) -> dict[str, Any]:
    """The values with the object trimmed to the paths an expression could read, and without
    the costly ones it does not read."""
    found = {name: value for name, value in values.items() if name not in COSTLY or name in needs.names}
    found["object"] = trimmed(values["object"], needs.kept)
    return found


def _frozen_at(data: Any, path: Path) -> Frozen:
    """The value at `path`, frozen; where it is missing, how much of the path exists and what
    is there instead (the error an expression gets names the first missing field)."""
    for depth, step in enumerate(path):
        if step is TYPE:  # a map: only whether it has the keys read (other paths); else all of it
            return "map" if isinstance(data, dict) else _freeze(data)
        if isinstance(data, dict) and isinstance(step, str) and step in data:
            data = data[step]
        elif isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
        else:
            return f"{_MISSING} {depth} {type(data).__name__}"
    return _freeze(data)


def _freeze(value: Any) -> Frozen:
    """A value as part of a key: a string, integer, bool or null as itself with its type
    (True == 1 in Python, not in CEL), anything else as JSON text. Most values read are such
    scalars, and the JSON of one costs ten times the tuple."""
    if type(value) in _EXACT:
        return type(value), value
    return _as_json(value)
