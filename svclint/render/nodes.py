"""Following a JSON path of a rendered object through the YAML nodes of a file that wrote part
of it: a resource file, a patch, a kustomization. Lists are matched element by element as
a strategic merge does (by `name`, `port`, ...), since a patch's list indices are not the
rendered ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from svclint.source.positions import dig

# Keys that identify a list element across a patch and what it merges into (the strategic
# merge keys of the fields Services, workloads and Ingresses hold).
MERGE_KEYS = ("name", "port", "containerPort", "mountPath", "ip", "key", "path", "topologyKey", "type")


@dataclass(frozen=True)
class Reached:
    """How far a path went in a file: the node there, the key node naming it, and how many
    parts of the path were followed (all of them: the file writes the value)."""

    node: yaml.Node
    key: yaml.Node | None
    depth: int
    exact: bool  # the whole path was followed and the scalar there is the rendered value

    def mark(self, anchor: str) -> yaml.Mark:
        return self.key.start_mark if anchor == "key" and self.key is not None else self.node.start_mark


def compose_all(text: str) -> list[yaml.Node]:
    try:
        return [node for node in yaml.compose_all(text, Loader=yaml.CSafeLoader) if node is not None]
    except yaml.YAMLError:
        return []


def follow(node: yaml.Node, path: tuple, rendered: Any) -> Reached:
    """Walks `path` from `node`, `rendered` (the rendered value at `node`) alongside."""
    key: yaml.Node | None = None
    for depth, part in enumerate(path):
        child = _child(node, part, rendered)
        if child is None:
            return Reached(node, key, depth, False)
        key, node = child
        rendered = dig(rendered, (part,))
    return Reached(node, key, len(path), _same_scalar(node, rendered))


def _child(node: yaml.Node, part: Any, rendered: Any) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        return next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and isinstance(rendered, list):
        index = aligned_index(node, rendered, part)
        return (None, node.value[index]) if index is not None else None
    return None


def aligned_index(node: yaml.SequenceNode, rendered: list, index: int) -> int | None:
    """The element of `node` that became element `index` of the rendered list."""
    if index >= len(rendered):
        return None
    wanted = rendered[index]
    items = node.value
    if isinstance(wanted, dict):
        for merge_key in MERGE_KEYS:
            if merge_key in wanted:
                for number, item in enumerate(items):
                    if isinstance(item, yaml.MappingNode) and _scalar_at(item, merge_key) == _spelled(wanted[merge_key]):
                        return number
    else:
        for number, item in enumerate(items):
            if isinstance(item, yaml.ScalarNode) and item.value == _spelled(wanted):
                return number
    return index if len(items) == len(rendered) else None


def _scalar_at(node: yaml.MappingNode, key: str) -> str | None:
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.ScalarNode):
            return v.value
    return None


def _spelled(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _same_scalar(node: yaml.Node, rendered: Any) -> bool:
    if isinstance(node, yaml.ScalarNode):
        return node.value.strip("\"'").lower() == _spelled(rendered).lower()
    return True  # a mapping or list the file writes whole


def positions(text: str) -> dict[tuple[int, int], tuple[int, tuple, str]]:
    """(line, column) (1-based) of each node of a YAML stream -> (document, JSON path, anchor):
    how a finding on the linted text says which value it is about."""
    found: dict[tuple[int, int], tuple[int, tuple, str]] = {}
    for number, root in enumerate(compose_all(text)):
        pending: list[tuple[yaml.Node, tuple]] = [(root, ())]
        while pending:
            node, path = pending.pop()
            found.setdefault((node.start_mark.line + 1, node.start_mark.column + 1), (number, path, "value"))
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    child = path + (key.value,)
                    found[(key.start_mark.line + 1, key.start_mark.column + 1)] = (number, child, "key")
                    pending.append((value, child))
            elif isinstance(node, yaml.SequenceNode):
                pending.extend((item, path + (i,)) for i, item in enumerate(node.value))
    return found
