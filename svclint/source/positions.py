"""Turn a JSON path inside a document into a 1-based line and column.

Only documents that have findings get here, and each is composed again alone (nodes only,
no construction) from the slice of the text its root node spans: the cost is that of the
document, not of the file, and only the last document asked about keeps its nodes.
"""

from __future__ import annotations

import itertools
from typing import Any, Iterable, Protocol, Sequence

import yaml

from svclint.source.complexity import Refusal, compose_documents
from svclint.source.documents import AsciiFileText, Span, is_json_stream
from svclint.source.json_reading import JsonLocator
from svclint.source.kubectl_yaml import is_merge_key
from svclint.source.lines import Lines

Path = tuple  # a JSON path into a document: keys and list indices


def dig(value: Any, path: Iterable[Any]) -> Any:
    """The value at `path` in data, or None where the path leads nowhere."""
    for part in path:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        else:
            return None
    return value


def as_list(value: Any) -> list:
    """`value` when it is a list, else no items (a field of the wrong type reads as empty)."""
    return value if isinstance(value, list) else []
_NOT_WALKABLE = (ValueError, IndexError)


class Spans(Protocol):
    """The span of each document by its index: a list of Span, or a compact SpanList."""

    def __getitem__(self, index: int) -> Span: ...

    def __len__(self) -> int: ...


class PositionResolver:
    def __init__(self, text: str | AsciiFileText, spans: Spans) -> None:
        self._text = text
        self._spans = spans  # by document index (while a file is parsed: of the documents so far)
        self._doc_index = -1
        self._root: yaml.Node | None = None
        self._line_offset = 0
        self._lines: Lines | None = None
        self._json: JsonLocator | None = None
        self._json_doc_index = -1  # 0 once document 0 was looked at as JSON
        self._whole_lines: Lines | None = None  # of the whole text, for nodes composed from it

    def hold(self, doc_index: int, root: yaml.Node | None) -> None:
        """The nodes of a document composed from the whole text already (while the file is
        parsed): its findings are located in them rather than in a second composition."""
        if root is None or not isinstance(self._text, str):
            return
        if self._whole_lines is None:
            self._whole_lines = Lines(self._text)
        self._doc_index, self._root, self._lines, self._line_offset = doc_index, root, self._whole_lines, 0

    def locate(self, doc_index: int, path: Path, anchor: str = "value") -> tuple[int, int]:
        if self._json_document(doc_index) is not None:
            try:
                return self._json_locate(path, anchor)
            except _NOT_WALKABLE:  # not JSON the walk follows (`{a: 1}` is YAML): compose it
                self._json = None
        node, key_node = self._document(doc_index), None
        if node is None:
            return 1, 1
        for part in path:
            child = _child(node, part)
            if child is None:
                # A missing field (required, or defaulted) is reported at its parent's key.
                anchor = "key" if key_node is not None else "value"
                break
            key_node, node = child
        mark = key_node.start_mark if anchor == "key" and key_node is not None else node.start_mark
        line, column = self._lines.of(mark)  # type: ignore[union-attr]
        return self._line_offset + line, column

    def written(self, doc_index: int, path: Path) -> str | None:
        """The scalar at `path` as the file spells it (`yes`, `1.10`), or None.

        Loading turns `yes` into True and `1.10` into 1.1; a message that shows the quoted
        form needs what the user typed.
        """
        if self._json_document(doc_index) is not None:
            try:
                key, value, found = self._json.find(path)  # type: ignore[union-attr]
                return self._json.scalar(value) if found else None  # type: ignore[union-attr]
            except _NOT_WALKABLE:
                self._json = None
        node = self._document(doc_index)
        for part in path:
            child = _child(node, part) if node is not None else None
            node = child[1] if child else None
        return node.value if isinstance(node, yaml.ScalarNode) else None

    def _json_locate(self, path: Path, anchor: str) -> tuple[int, int]:
        key, value, found = self._json.find(path)  # type: ignore[union-attr]
        if not found:  # as below: a missing field is reported at its parent's key
            anchor = "key" if key is not None else "value"
        offset = key if anchor == "key" and key is not None else value
        line, column = self._lines.at(offset)  # type: ignore[union-attr]
        return self._line_offset + line, column

    def _json_document(self, doc_index: int) -> JsonLocator | None:
        """A JSON file's document, walked as text (json_reading.py) rather than composed: a
        5 MB List would compose to 600 MB of nodes. None for YAML, and for JSON the walk
        cannot follow (YAML flow style, invalid JSON: composed as YAML)."""
        if doc_index != 0 or not self._spans:
            return None
        if self._json is None and self._json_doc_index != 0:
            self._json_doc_index = 0
            span = self._spans[0]
            text = self._text[span.start:span.end]
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            if is_json_stream(text):
                self._json, self._lines, self._line_offset = JsonLocator(text), Lines(text), span.line
                self._doc_index, self._root = -1, None
        return self._json

    def _document(self, doc_index: int) -> yaml.Node | None:
        if doc_index != self._doc_index:
            self._doc_index, self._root, self._line_offset = doc_index, None, 0
            if doc_index < len(self._spans):
                span = self._spans[doc_index]
                # The slice starts at the beginning of a line, so columns need no shift.
                self._root, self._lines = _compose(self._text[span.start:span.end], 0)
                self._line_offset = span.line
            if self._root is None:  # the slice cannot stand alone (a %TAG directive): the whole text
                self._root, self._lines = _compose(self._text[0:], doc_index)  # [0:] reads a file
                self._line_offset = 0
        return self._root


def _compose(text: str | bytes, doc_index: int) -> tuple[yaml.Node | None, Lines]:
    """The nodes of document `doc_index` of `text`, or None if there is none, it is broken or
    it was refused (complexity.py: a document nested deep enough would crash libyaml)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return _root(text, doc_index), Lines(text)


def _root(text: str, doc_index: int) -> yaml.Node | None:
    roots = compose_documents(text)
    try:
        root = next(itertools.islice(roots, doc_index, None), None)
    except yaml.YAMLError:
        return None
    finally:
        roots.close()
    return None if isinstance(root, Refusal) else root


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
        if is_merge_key(key_node):
            merged = value_node.value if isinstance(value_node, yaml.MappingNode) else []
            if isinstance(value_node, yaml.SequenceNode):
                merged = [p for m in value_node.value if isinstance(m, yaml.MappingNode) for p in m.value]
            hit = _mapping_child(merged, key)
            if hit:
                return hit
    return None
