"""Cross-object rules read only what they declare (READS): the facts keep nothing else.

Each cross-object rule runs alone over every rule example (and a custom workload kind),
with the facts replaced by the whole objects wrapped so that every read is recorded; a
read outside what the FactPlan of that run keeps fails the test, naming the kind and path.
A read of a key is answered by the facts when the path to it is kept; listing a mapping's
keys (items, len, ==, repr) needs all of it kept, iterating a list needs its items kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from svclint.check import checkfile
from svclint.check.registry import Example, Rule, load_rules
from svclint.model.facts import EACH, FactPlan, Tree
from svclint.model.resources import Resource
from svclint.source.positions import Path
from tests.conftest import lint_text

INDEX_RULES = [rule for rule in load_rules().values() if rule.scope == "index"]
WIDGET = Example("a custom workload kind", """\
apiVersion: v1
kind: Service
metadata: {name: widget}
spec:
  selector: {app: widget}
  ports: [{port: 80, targetPort: http}, {port: 81, targetPort: 9000}]
---
apiVersion: acme.io/v1
kind: Widget
metadata: {name: widget}
spec:
  podTemplate:
    metadata: {labels: {app: widget}}
    spec:
      containers: [{name: web, ports: [{name: web, containerPort: 8080}]}]
      initContainers: [{name: proxy, restartPolicy: Always, ports: [{containerPort: 9000}]}]
""", bad=False, settings={"workloads": {"acme.io/Widget": "spec.podTemplate"}})
EXAMPLES = [*(example for rule in load_rules().values() for example in rule.examples), WIDGET]


@dataclass(frozen=True)
class Read:
    kind: str
    path: Path  # list positions as EACH
    listing: bool  # all keys of a mapping, or all items of a list; else one key


class Recorder:
    def __init__(self) -> None:
        self.reads: set[Read] = set()
        self.plan: FactPlan | None = None

    def facts_of(self, resource: Resource, plan: FactPlan) -> Resource:
        """Instead of the facts, the whole object, recording what is read of it."""
        self.plan = plan
        data = _wrap(resource.data, resource.qualified_kind, (), self.reads)
        return Resource(data, resource.file, resource.doc_index, resource.namespace, resource.base_path)

    def undeclared(self) -> list[str]:
        assert self.plan is not None
        return sorted(f"{read.kind} {'.'.join(map(str, read.path)) or '(root)'}"
                      f"{' (listed)' if read.listing else ''}"
                      for read in self.reads if not kept(self.plan.tree(read.kind), read))


def kept(tree: Tree | None, read: Read) -> bool:
    """Whether the facts answer the read as the whole object would."""
    for step in read.path:
        if tree is None:
            return True  # kept whole from here
        if step not in tree:
            return False
        tree = tree[step]
    return tree is None or not read.listing


def _recording(base: type, name: str, listing: bool) -> Any:
    """`base.name`, recording a read: of the key (its first argument) or of all of it (`listing`)."""
    def method(self: Any, *args: Any) -> Any:
        kind, path, reads = self.where
        if isinstance(self, list):
            reads.add(Read(kind, path + (EACH,), listing=False))  # its items, all kept or none
        else:
            reads.add(Read(kind, path if listing else path + (args[0],), listing))
        return getattr(base, name)(self, *args)
    return method


class _Dict(dict):
    """A mapping of the object, recording the keys read of it and listings of all its keys."""

    def __init__(self, data: dict, kind: str, path: Path, reads: set[Read]) -> None:
        super().__init__({key: _wrap(value, kind, path + (key,), reads) for key, value in data.items()})
        self.where = (kind, path, reads)

    __getitem__ = _recording(dict, "__getitem__", listing=False)
    get = _recording(dict, "get", listing=False)
    __contains__ = _recording(dict, "__contains__", listing=False)
    keys = _recording(dict, "keys", listing=True)
    items = _recording(dict, "items", listing=True)
    values = _recording(dict, "values", listing=True)
    __iter__ = _recording(dict, "__iter__", listing=True)
    __len__ = _recording(dict, "__len__", listing=True)
    __eq__ = _recording(dict, "__eq__", listing=True)
    __ne__ = _recording(dict, "__ne__", listing=True)
    __repr__ = _recording(dict, "__repr__", listing=True)
    copy = _recording(dict, "copy", listing=True)
    __hash__ = None  # type: ignore[assignment]


class _List(list):
    """A list of the object: any use of it reads its items."""

    def __init__(self, data: list, kind: str, path: Path, reads: set[Read]) -> None:
        super().__init__(_wrap(item, kind, path + (EACH,), reads) for item in data)
        self.where = (kind, path, reads)

    __getitem__ = _recording(list, "__getitem__", listing=True)
    __iter__ = _recording(list, "__iter__", listing=True)
    __len__ = _recording(list, "__len__", listing=True)
    __contains__ = _recording(list, "__contains__", listing=True)
    __eq__ = _recording(list, "__eq__", listing=True)
    __ne__ = _recording(list, "__ne__", listing=True)
    __repr__ = _recording(list, "__repr__", listing=True)
    __hash__ = None  # type: ignore[assignment]


def _wrap(value: Any, kind: str, path: Path, reads: set[Read]) -> Any:
    if isinstance(value, dict):
        return _Dict(value, kind, path, reads)
    if isinstance(value, list):
        return _List(value, kind, path, reads)
    return value


@pytest.mark.parametrize("rule", [pytest.param(rule, id=rule.slug) for rule in INDEX_RULES])
def test_cross_object_rules_read_only_what_they_declare(tmp_path, monkeypatch, rule: Rule) -> None:
    recorder = Recorder()
    monkeypatch.setattr(checkfile, "facts_of", recorder.facts_of)
    undeclared: dict[str, list[str]] = {}
    for number, example in enumerate(EXAMPLES):
        recorder.reads.clear()
        lint_text(tmp_path, example.text, name=f"example{number}.yaml", **{**example.settings, "select": [rule.slug]})
        for read in recorder.undeclared():
            undeclared.setdefault(read, []).append(example.title)
    assert not undeclared, (f"{rule.slug} reads fields its READS (rules/{rule.slug.replace('-', '_')}.py) does "
                            f"not declare, which facts do not keep: {undeclared}")
