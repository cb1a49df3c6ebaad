"""Turn a JSON path inside a document into a 1-based line and column.

Only documents that have findings get here, so the file is composed again (nodes only, no
construction) rather than keeping every node of every file in memory.
"""

from __future__ import annotations

from typing import Sequence

import yaml

from svclint.complexity import Refusal, compose_documents
from svclint.finding import Path


class PositionResolver:
    def __init__(self, text: str) -> None:
        self._roots: list[yaml.Node | None] | None = None
        self._text = text

    def locate(self, doc_index: int, path: Path, anchor: str = "value") -> tuple[int, int]:
        roots = self._documents()
        if doc_index >= len(roots) or roots[doc_index] is None:
            return 1, 1
        node, key_node = roots[doc_index], None
        for part in path:
            child = _child(node, part)
            if child is None:
                # A missing field (required, or defaulted) is reported at its parent's key.
                anchor = "key" if key_node is not None else "value"
                break
            key_node, node = child
        mark = key_node.start_mark if anchor == "key" and key_node is not None else node.start_mark
        return mark.line + 1, mark.column + 1

    def written(self, doc_index: int, path: Path) -> str | None:
        """The scalar at `path` as the file spells it (`yes`, `1.10`), or None.

        Loading turns `yes` into True and `1.10` into 1.1; a message that shows the quoted
        form needs what the user typed.
        """
        roots = self._documents()
        node = roots[doc_index] if doc_index < len(roots) else None
        for part in path:
            child = _child(node, part) if node is not None else None
            node = child[1] if child else None
        return node.value if isinstance(node, yaml.ScalarNode) else None

    def _documents(self) -> list[yaml.Node | None]:
        if self._roots is None:
            self._roots = []
            roots = compose_documents(self._text)
            try:
                for root in roots:
                    self._roots.append(None if isinstance(root, Refusal) else root)
            except yaml.YAMLError:
                pass  # documents before the error keep their positions
            finally:
                roots.close()
        return self._roots


def _child(node: yaml.Node, part: object) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        return _mapping_child(node.value, str(part))
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None


def _mapping_child(pairs: Sequence[tuple[yaml.Node, yaml.Node]], key: str):
    found = None
    for key_node, value_node in pairs:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            found = (key_node, value_node)  # the last duplicate wins, as in the loaded data
    if found:
        return found
    for key_node, value_node in pairs:  # keys brought in by a merge key (<<: *base)
        if key_node.tag == "tag:yaml.org,2002:merge":
            merged = value_node.value if isinstance(value_node, yaml.MappingNode) else []
            if isinstance(value_node, yaml.SequenceNode):
                merged = [p for m in value_node.value if isinstance(m, yaml.MappingNode) for p in m.value]
            hit = _mapping_child(merged, key)
            if hit:
                return hit
    return None
