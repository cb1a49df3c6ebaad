"""A fix's edits (JSON paths) as edits of the file's text, touching only the lines they change.

Each edit is planned on the composed nodes of its document, whose marks are offsets in the
whole text: a scalar is rewritten where it stands (its quoting kept when it can be), a key
is removed with its lines (or, in flow style and JSON, with its comma), a missing key is
added as a line after its mapping's last key, at that key's indentation. Everything else
of the file stays byte for byte: comments, blank lines, `---`, other documents.

A fix is not planned (None) where the text does not let an edit be that local: a value
behind an anchor or an alias (changing it would change every place that refers to it), a
key brought in by a merge key, a tag, a block scalar, a line shared with other content.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from typing import Sequence

import yaml

from svclint.check.fixes import DELETE, QUOTE, REPLACE, SET, Edit, Fix
from svclint.source.complexity import Refusal, compose_documents
from svclint.source.positions import Path

_PLAIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9._/-]*")
# Words go-yaml v2 (kubectl) reads as booleans or null, in any case: never written plain as strings.
_NOT_STRINGS = {"y", "yes", "n", "no", "true", "false", "on", "off", "null"}
_SHARED_NODE = ("&", "*", "!")
_FLOW_STYLES = (None, "", '"', "'")  # plain (None from PyYAML, "" from libyaml), or quoted  # an anchor, an alias or a tag at the start of a node's text


@dataclass(frozen=True, order=True)
class TextEdit:
    start: int  # character offsets in the file's text; start == end inserts
    end: int
    text: str


class FileText:
    """A file's text and, composed on first use, the root node of each of its documents."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._roots: list[yaml.Node | None] | None = None

    def root(self, doc_index: int) -> yaml.Node | None:
        if self._roots is None:
            self._roots = _roots(self.text)
        return self._roots[doc_index] if 0 <= doc_index < len(self._roots) else None

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset)


def _roots(text: str) -> list[yaml.Node | None]:
    roots: list[yaml.Node | None] = []
    documents = compose_documents(text)
    try:
        for root in documents:
            roots.append(None if isinstance(root, Refusal) else root)
    except yaml.YAMLError:
        pass  # the documents before the error can still be fixed
    finally:
        documents.close()
    return roots


def plan(source: FileText, fix: Fix) -> list[TextEdit] | None:
    """The text edits that make `fix`, or None when it cannot be made by local edits."""
    root = source.root(fix.doc_index)
    if root is None:
        return None
    edits: list[TextEdit] = []
    for edit in fix.edits:
        planned = _plan_edit(source.text, root, edit)
        if planned is None:
            return None
        edits += planned
    edits.sort()
    if any(a.end > b.start for a, b in itertools.pairwise(edits)):
        return None  # a fix whose own edits overlap: not one this module knows how to make
    return edits


def apply(text: str, edits: Sequence[TextEdit]) -> str:
    for edit in sorted(edits, reverse=True):
        text = text[:edit.start] + edit.text + text[edit.end:]
    return text


def lines_touched(source: FileText, edits: Sequence[TextEdit]) -> tuple[int, int]:
    first = min(source.line_of(edit.start) for edit in edits)
    last = max(source.line_of(max(edit.start, edit.end - 1)) for edit in edits)
    return first, last


# --- walking to the node


@dataclass(frozen=True)
class _Place:
    parent: yaml.Node  # the mapping or sequence that holds the node
    key: yaml.Node | None  # the key node, in a mapping
    node: yaml.Node | None  # None: the key is missing from the mapping
    pair_index: int


def _walk(text: str, root: yaml.Node, path: Path) -> _Place | None:
    """The place of `path`; None when a node on the way is shared (anchor, alias, tag) or
    the path leaves the text (a key from a merge key, an index past the end)."""
    node: yaml.Node | None = root
    place = None
    for depth, part in enumerate(path):
        if node is None or _shared(text, node):
            return None
        if isinstance(node, yaml.MappingNode):
            index = _key_index(node, str(part))
            if index is None:
                last = depth == len(path) - 1
                return _Place(node, None, None, -1) if last and not _has_merge(node) else None
            key, child = node.value[index]
            place = _Place(node, key, child, index)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            place = _Place(node, None, node.value[part], part)
        else:
            return None
        node = place.node
    if place is None or (place.node is not None and _shared(text, place.node)):
        return None
    return place


def _key_index(mapping: yaml.MappingNode, key: str) -> int | None:
    found = None
    for index, (key_node, _) in enumerate(mapping.value):
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            found = index  # the last duplicate wins, as in the loaded data
    return found


def _has_merge(mapping: yaml.MappingNode) -> bool:
    return any(key.tag == "tag:yaml.org,2002:merge" or (isinstance(key, yaml.ScalarNode) and key.value == "<<")
               for key, _ in mapping.value)


def _shared(text: str, node: yaml.Node) -> bool:
    return text.startswith(_SHARED_NODE, node.start_mark.index)


# --- the edits


def _plan_edit(text: str, root: yaml.Node, edit: Edit) -> list[TextEdit] | None:
    place = _walk(text, root, edit.path)
    if place is None:
        return None
    if edit.action == DELETE:
        return _delete(text, root, edit.path, place) if place.node is not None else None
    if edit.action in (REPLACE, QUOTE, SET) and place.node is not None:
        node = place.node
        if not isinstance(node, yaml.ScalarNode) or node.style not in _FLOW_STYLES:
            return None  # a block scalar, or a collection where a scalar was expected
        if edit.action == QUOTE:
            written = text[node.start_mark.index:node.end_mark.index]
            return [TextEdit(node.start_mark.index, node.end_mark.index, _double_quoted(written))] \
                if not node.style else None
        new = _scalar_text(edit.value, node.style, _json_like(text, place.parent))
        return [TextEdit(node.start_mark.index, node.end_mark.index, new)]
    if edit.action == SET and isinstance(place.parent, yaml.MappingNode):
        return _insert(text, place.parent, str(edit.path[-1]), edit.value)
    return None


def _delete(text: str, root: yaml.Node, path: Path, place: _Place) -> list[TextEdit] | None:
    parent, key, node = place.parent, place.key, place.node
    if not isinstance(parent, yaml.MappingNode) or key is None or node is None:
        return None  # list items are not removed: their indices are other findings' paths
    last = _last_index(node)
    if last is None:
        return None
    pairs = parent.value
    if parent.flow_style:
        if place.pair_index + 1 < len(pairs):
            return [TextEdit(key.start_mark.index, pairs[place.pair_index + 1][0].start_mark.index, "")]
        if place.pair_index > 0:
            previous = _last_index(pairs[place.pair_index - 1][1])
            return [TextEdit(previous, last, "")] if previous is not None else None
        return [TextEdit(key.start_mark.index, last, "")]
    if len(pairs) == 1 and len(path) > 1 and isinstance(path[-2], str):
        # The mapping would be left empty (`annotations:` with nothing under it): remove it too.
        parent_place = _walk(text, root, path[:-1])
        return _delete(text, root, path[:-1], parent_place) if parent_place else None
    if not _rest_of_line_is_blank(text, last):
        return None
    start = _line_start(text, key.start_mark.index)
    lead = text[start:key.start_mark.index]
    end = _next_line(text, last)
    if not lead.strip():
        return [TextEdit(start, end, "")]
    if lead.strip(" -") == "" and place.pair_index == 0 and len(pairs) > 1:
        # `- nodePort: 40000` heading a list item: the next key moves up behind the dash.
        following = pairs[1][0].start_mark.index
        if text[end:following].strip() == "" and _line_start(text, following) == end:
            return [TextEdit(key.start_mark.index, following, "")]
    return None


def _insert(text: str, mapping: yaml.MappingNode, key: str, value: object) -> list[TextEdit] | None:
    json_like = _json_like(text, mapping)
    pair = f"{json.dumps(key) if json_like else key}: {_scalar_text(value, None, json_like)}"
    if not mapping.value:
        if not mapping.flow_style:
            return None
        return [TextEdit(mapping.end_mark.index - 1, mapping.end_mark.index - 1, pair)]
    last_key, last_value = mapping.value[-1]
    last = _last_index(last_value)
    if last is None:
        return None
    indent = " " * last_key.start_mark.column
    newline = "\r\n" if "\r\n" in text else "\n"
    if mapping.flow_style:
        if "\n" in text[last:mapping.end_mark.index]:  # the closing brace on a line of its own
            return [TextEdit(last, last, f",{newline}{indent}{pair}")]
        return [TextEdit(last, last, f", {pair}")]
    if not _rest_of_line_is_blank(text, last):
        return None
    end = _next_line(text, last)
    if end == len(text) and not text.endswith("\n"):
        return [TextEdit(end, end, f"{newline}{indent}{pair}")]
    return [TextEdit(end, end, f"{indent}{pair}{newline}")]


# --- text helpers


def _last_index(node: yaml.Node) -> int | None:
    """The offset just after the node's last character (a block collection's marks run on
    to the next token, past comments and blank lines)."""
    if isinstance(node, yaml.ScalarNode):
        return None if node.style in ("|", ">") else node.end_mark.index
    if getattr(node, "flow_style", False):
        return node.end_mark.index
    if isinstance(node, yaml.MappingNode):
        return _last_index(node.value[-1][1]) if node.value else None
    return _last_index(node.value[-1]) if node.value else None


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _next_line(text: str, offset: int) -> int:
    """The offset of the line after the one `offset` is on (the end of the text if none)."""
    newline = text.find("\n", offset)
    return len(text) if newline < 0 else newline + 1


def _rest_of_line_is_blank(text: str, offset: int) -> bool:
    """Only blanks, or a comment, after `offset` on its line: the line is the node's alone."""
    newline = text.find("\n", offset)
    rest = text[offset:] if newline < 0 else text[offset:newline]
    rest = rest.strip(" \t\r")
    return not rest or rest.startswith("#")


def _json_like(text: str, mapping: yaml.Node) -> bool:
    """Keys written in double quotes (a JSON file): new keys and strings are written so too."""
    if not isinstance(mapping, yaml.MappingNode) or not mapping.value:
        return text.lstrip().startswith("{")
    return text.startswith('"', mapping.value[0][0].start_mark.index)


def _scalar_text(value: object, style: str | None, json_like: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if style == "'" and not json_like:
        return "'" + text.replace("'", "''") + "'"
    if style == '"' or json_like or not _plain_string(text):
        return _double_quoted(text)
    return text


def _plain_string(text: str) -> bool:
    """Whether kubectl reads `text`, written without quotes, as this same string."""
    return bool(_PLAIN_WORD.fullmatch(text)) and text.lower() not in _NOT_STRINGS


def _double_quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
