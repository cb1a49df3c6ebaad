"""Compose YAML documents without letting a hostile one crash or stall the linter.

Three kinds of document are refused, before anything constructs or walks their data:
- nesting deeper than MAX_DEPTH levels. libyaml's composer (C) recurses once per level and
  overflows the C stack, a segfault rather than an exception, past about 20,000 levels;
  error messages and schema validation recurse in Python. The deepest manifest in the
  real-world corpus nests 36 levels (a CustomResourceDefinition's schema).
- aliases that expand the document far beyond its own size (a "billion laughs" alias bomb,
  or the same with merge keys). PyYAML shares aliased nodes, so loading is cheap, but
  anything that walks the data afterwards (validation, messages) would expand them.
- an alias inside the node it refers to (a recursive structure).
Kubernetes' own YAML decoder rejects the last two as well ("excessive aliasing", "anchor
... value contains itself").
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any, Generator, Iterator

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from svclint.source.kubectl_yaml import Loader, tag_of
from svclint.source.lines import blanked

MAX_DEPTH = 100
# The C composer is used only on documents too short to nest deep enough to overflow the C
# stack: nesting needs at least one character per level, and 5,000 levels take under 2 MB.
C_COMPOSER_MAX_CHARS = 5_000
# A document may expand through aliases to at most this many nodes: far above what reusing
# a few anchored blocks gives (the nodes of a document without aliases are fewer than its
# characters), far below what would make walking it slow.
EXPANSION_FLOOR = 10_000
EXPANSION_PER_CHAR = 10
LIBYAML_DEPTH_LIMIT = "exceeded maximum nesting depth"

# A line starting with `---` or `...` always ends the document before it (or is an error).
_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?=[ \t\r\n]|\Z)", re.MULTILINE)
_DOCUMENT_START = re.compile(r"^---(?=[ \t\r\n]|\Z)", re.MULTILINE)
_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)
_COLLECTION_ENDS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


@dataclass(frozen=True)
class Refusal:
    """Why a document is not constructed, and where."""

    mark: yaml.Mark
    message: str


def compose_documents(text: str) -> Generator[yaml.Node | Refusal, None, None]:
    """The root node of each document in turn, or why it is refused.

    A node yielded here is safe to construct and to walk. Raises yaml.YAMLError where the
    text stops being valid YAML, after yielding the documents before that point.
    """
    for root in compose_unchecked(text):
        yield root if isinstance(root, Refusal) else (refusal_for(root) or root)


def compose_unchecked(text: str) -> Generator[yaml.Node | Refusal, None, None]:
    """As compose_documents, refusing only documents too deep to compose: a node yielded
    here may still be an alias bomb or recursive, so ask refusal_for before walking it (no
    need for construct.py, which gives up at the first alias and on deep nesting)."""
    if _longest_document(text) > C_COMPOSER_MAX_CHARS and _nests_too_deep(text):
        return _compose_in_python(text)
    return _compose_in_c(text)


def refusal_for(root: yaml.Node) -> Refusal | None:
    """Walks the composed document level by level, following aliases, within a budget."""
    budget = _expansion_budget(root)
    level, depth, visited = [root], 1, 1
    while level:
        if depth > MAX_DEPTH:
            return _cycle(root) or Refusal(level[0].start_mark, _too_deep())
        below: list[yaml.Node] = []
        for node in level:
            children = node.value
            if type(children) is not list or not children:  # a scalar, or an empty collection
                continue
            if isinstance(node, yaml.MappingNode):
                for pair in children:
                    below += pair
            else:
                below += children
            if visited + len(below) > budget:
                return _cycle(root) or _bomb(root, budget)
        visited += len(below)
        level, depth = below, depth + 1
    return None


def _too_deep() -> str:
    return (f"nested deeper than {MAX_DEPTH} levels here; svclint does not read documents "
            "this deep (no Kubernetes manifest needs them), so nothing in it is checked")


def _expansion_budget(root: yaml.Node) -> int:
    return EXPANSION_FLOOR + EXPANSION_PER_CHAR * (root.end_mark.index - root.start_mark.index)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return node.value if isinstance(node, yaml.SequenceNode) else []


def _cycle(root: yaml.Node) -> Refusal | None:
    """The node holding an alias to a node that encloses it, if any (depth-first, no recursion)."""
    entered: set[int] = {id(root)}
    finished: set[int] = set()
    stack = [(root, iter(_children(root)))]
    while stack:
        node, pending = stack[-1]
        child = next(pending, None)
        if child is None:
            finished.add(id(node))
            stack.pop()
        elif id(child) in entered and id(child) not in finished:
            return Refusal(node.start_mark, "an alias in this node refers to a node that encloses "
                                            "it (a recursive structure); Kubernetes' YAML decoder rejects it")
        elif id(child) not in entered:
            entered.add(id(child))
            stack.append((child, iter(_children(child))))
    return None


def _bomb(root: yaml.Node, budget: int) -> Refusal:
    """Points at the first node that alone expands past the budget but none of whose children do."""
    sizes = _expanded_sizes(root)
    node = root
    while True:
        bigger = next((c for c in _children(node) if sizes[id(c)] > budget), None)
        if bigger is None:
            break
        node = bigger
    return Refusal(node.start_mark, (
        f"aliases expand this document past {budget:,} nodes (an alias bomb): this node alone "
        f"expands to {sizes[id(node)]:,}; Kubernetes' YAML decoder rejects excessive aliasing too"))


def _expanded_sizes(root: yaml.Node) -> dict[int, int]:
    """Node id -> number of nodes it expands to, for an acyclic node graph (post-order, no recursion)."""
    sizes: dict[int, int] = {}
    stack = [root]
    while stack:
        node = stack[-1]
        children = _children(node)
        missing = [c for c in children if id(c) not in sizes]
        if missing:
            stack.extend(missing)
        else:
            stack.pop()
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in children)
    return sizes


def _longest_document(text: str) -> int:
    longest, start = 0, 0
    for marker in _DOCUMENT_MARKER.finditer(text):
        longest = max(longest, marker.start() - start)
        start = marker.start()
    return max(longest, len(text) - start)


def _nests_too_deep(text: str) -> bool:
    """Reads events only (libyaml's parser keeps its state on the heap, so no depth hurts it)."""
    parser = yaml.CSafeLoader(text)
    open_collections = 0
    try:
        while not parser.check_event(yaml.StreamEndEvent):
            event = parser.get_event()
            if isinstance(event, _NODE_EVENTS) and open_collections >= MAX_DEPTH:
                return True
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                open_collections += 1
            elif isinstance(event, _COLLECTION_ENDS):
                open_collections -= 1
    except yaml.YAMLError:
        return False  # composing stops at the same error, before nesting deeper than seen here
    finally:
        parser.dispose()
    return False


def _compose_in_c(text: str) -> Generator[yaml.Node | Refusal, None, None]:
    loader = Loader(TextChunks(text))  # type: ignore[arg-type]  # read(size) is all PyYAML asks of a stream
    composed = 0
    try:
        while loader.check_node():
            yield loader.get_node()  # type: ignore[misc]  # a node: check_node said there is one
            composed += 1
        return
    except yaml.YAMLError:
        # libyaml's composer refuses an anchor defined again in a document, which YAML 1.2
        # and kubectl allow (an alias refers to the latest), and its parser stops at 1,000
        # levels with an error of its own (PyYAML 6.0.4) where svclint refuses from 100 on.
        # The event composer handles both, and meets any real error again.
        pass
    finally:
        loader.dispose()
    yield from itertools.islice(_compose_in_python(text), composed, None)


class TextChunks:
    """A text as a stream: libyaml then reads it a chunk at a time, where given the whole
    string it would first make a UTF-8 copy of it (20 MB more for a 20 MB file)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._position = 0

    def read(self, size: int) -> str:
        chunk = self._text[self._position:self._position + size]
        self._position += size
        return chunk


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__()
        self.mark = mark


class _EventComposer:
    """Composes nodes from libyaml's events, as PyYAML's composer does, but stops at
    MAX_DEPTH and lets an anchor be defined again (an alias refers to the latest)."""

    def __init__(self, text: str) -> None:
        self.loader = Loader(text)
        self.anchors: dict[str, yaml.Node] = {}

    def documents(self) -> Iterator[yaml.Node]:
        loader = self.loader
        loader.get_event()  # the stream's start
        while not loader.check_event(yaml.StreamEndEvent):
            loader.get_event()  # the document's start
            self.anchors = {}
            root = self.node(0)
            loader.get_event()  # the document's end
            yield root

    def node(self, depth: int) -> yaml.Node:
        event: Any = self.loader.get_event()  # never None before the stream's end
        start: Any = event.start_mark  # libyaml's marks, which the node classes take too
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", start)
            return self.anchors[event.anchor]
        if depth >= MAX_DEPTH:
            raise _TooDeep(start)
        if isinstance(event, yaml.ScalarEvent):
            end: Any = event.end_mark
            node: yaml.Node = ScalarNode(tag_of(ScalarNode, event.tag, event.implicit[0]), event.value,
                                         start, end, style=event.style)
            self.name(event.anchor, node)
            return node
        if isinstance(event, yaml.SequenceStartEvent):
            node = SequenceNode(tag_of(SequenceNode, event.tag, True), [], start, None, flow_style=event.flow_style)
            self.name(event.anchor, node)
            while not self.loader.check_event(yaml.SequenceEndEvent):
                node.value.append(self.node(depth + 1))
        else:
            node = MappingNode(tag_of(MappingNode, event.tag, True), [], start, None, flow_style=event.flow_style)
            self.name(event.anchor, node)
            while not self.loader.check_event(yaml.MappingEndEvent):
                key = self.node(depth + 1)
                node.value.append((key, self.node(depth + 1)))
        closing: Any = self.loader.get_event()
        node.end_mark = closing.end_mark
        return node

    def name(self, anchor: str | None, node: yaml.Node) -> None:
        if anchor is not None:
            self.anchors[anchor] = node


def _compose_in_python(text: str) -> Generator[yaml.Node | Refusal, None, None]:
    """After a document too deep, reading resumes at the next `---` line: libyaml's scanner
    takes time quadratic in the depth to get to the end of the document itself."""
    remaining: str | None = text
    while remaining is not None:
        composer, rest = _EventComposer(remaining), None
        try:
            yield from composer.documents()
        except _TooDeep as too_deep:
            yield Refusal(too_deep.mark, _too_deep())
            rest = _from_next_document(text, too_deep.mark.line + 1)
        except yaml.MarkedYAMLError as error:
            # libyaml's own limit (PyYAML 6.0.4 on): its scanner may look 1,000 levels ahead
            # of the composer, in flow collections, before svclint's limit is reached.
            if error.problem != LIBYAML_DEPTH_LIMIT or error.problem_mark is None:
                raise
            yield Refusal(error.problem_mark, _too_deep())
            rest = _from_next_document(text, error.problem_mark.line + 1)
        finally:
            composer.loader.dispose()
        remaining = rest


def _from_next_document(text: str, line: int) -> str | None:
    """The text from the first `---` line at or after `line` (0-based), preceded by blank
    lines as long as the text before it, so that positions (line, column and character
    index, which locates documents again) stay those of the whole text."""
    offset = 0
    for _ in range(line):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return None
    start = _DOCUMENT_START.search(text, offset)
    return None if start is None else blanked(text[:start.start()]) + text[start.start():]
