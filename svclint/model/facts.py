"""Shrink an object to the facts cross-object rules read.

Per-object rules see the whole object while its file is being checked; afterwards only
its facts are kept (and, with --jobs, sent back from the worker; for context files, cached
in .svclint_cache/), so memory stays proportional to what cross-object rules need, not to
the size of the manifests.

What the facts of an object are is derived, never written by hand: each cross-object rule
(`scope: index`) declares beside its check() the fields it reads of the indexed objects
(`READS`, the object it checks included), the index declares its own (`INDEX_READS`), and
a FactPlan keeps the union of them for each kind. A rule that reads a field it did not
declare would see nothing there, so tests/test_declared_reads.py runs every cross-object
rule over the rule examples and fails on any read outside its declaration.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Sequence

from svclint.model.resources import KUSTOMIZE_API_GROUP, Resource
# EACH, a step of a declared path, is every item of a list (their positions kept).
from svclint.model.workloads import EACH, WorkloadKind, workload_kind
from svclint.source.positions import Path
ANY_KIND = "*"  # as a kind: objects of every kind
POD_TEMPLATES = "pod templates"  # as a kind: the pod template of every workload, paths relative to it

# kind (`group/Kind` as in a rule's `kinds:`, ANY_KIND or POD_TEMPLATES) -> paths read there;
# what a path leads to is kept whole.
Reads = Mapping[str, Sequence[Path]]

# What the engine and the index read of every object, besides what the rules declare.
INDEX_READS: Reads = {
    ANY_KIND: [("apiVersion",), ("kind",), ("metadata", "name")],  # identity (namespace is resolved apart)
    POD_TEMPLATES: [("metadata", "labels")],  # the index looks pods up by label
    f"{KUSTOMIZE_API_GROUP}/Kustomization": [("namespace",), ("resources",)],  # namespaces of cached files
}

# A tree of kept paths: each step to the tree below it, or to None where the value is kept whole.
Tree = dict[Any, Optional["Tree"]]


class FactPlan:
    """What to keep of the objects of each kind: the union of some declarations of reads,
    with the pod template paths of `workload_kinds`."""

    def __init__(self, reads: Iterable[Reads], workload_kinds: Mapping[str, WorkloadKind]) -> None:
        merged: dict[str, set[Path]] = {}
        for declaration in reads:
            for kind, paths in declaration.items():
                merged.setdefault(kind, set()).update(tuple(path) for path in paths)
        self.reads: dict[str, tuple[Path, ...]] = {
            kind: tuple(sorted(paths, key=repr)) for kind, paths in sorted(merged.items())}
        self.workload_kinds = workload_kinds
        self._trees: dict[str, Tree] = {}

    def __repr__(self) -> str:
        """Everything that decides the facts, in a stable spelling (the cache key holds it)."""
        workloads = sorted((kind, repr(entry)) for kind, entry in self.workload_kinds.items())
        return f"FactPlan({self.reads!r}, {workloads!r})"

    def paths(self, qualified_kind: str) -> list[Path]:
        """The paths kept of an object of that kind."""
        paths = [*self.reads.get(ANY_KIND, ()), *self.reads.get(qualified_kind, ())]
        workload = workload_kind(self.workload_kinds, qualified_kind)
        for source in workload.sources if workload is not None else ():
            paths += [source.template + path for path in self.reads.get(POD_TEMPLATES, ())]
            paths += [source.labels] if source.labels else []
        return paths

    def tree(self, qualified_kind: str) -> Tree:
        """The paths kept of an object of that kind, as a tree (built once per kind)."""
        tree = self._trees.get(qualified_kind)
        if tree is None:
            tree = self._trees[qualified_kind] = _tree(self.paths(qualified_kind))
        return tree


def facts_of(resource: Resource, plan: FactPlan) -> Resource:
    data = _pruned(resource.data, plan.tree(resource.qualified_kind))
    return Resource(data, resource.file, resource.doc_index, resource.namespace, resource.base_path)


def _tree(paths: Iterable[Path]) -> Tree:
    root: Tree = {}
    for path in paths:
        node = root
        for step in path[:-1]:
            child = node.setdefault(step, {})
            if child is None:
                break  # a shorter path keeps all of it
            node = child
        else:
            node[path[-1]] = None
    return root


def _pruned(value: Any, tree: Tree) -> Any:
    if isinstance(value, dict):
        return {key: value[key] if below is None else _pruned(value[key], below)
                for key, below in tree.items() if key in value}
    if isinstance(value, list) and EACH in tree:
        below = tree[EACH]
        return value if below is None else [_pruned(item, below) for item in value]
    # A scalar, or a value of another type than the path expects: kept as it is, so that the
    # rules' type checks see what was written.
    return value

