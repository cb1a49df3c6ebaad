"""Build a document's data from its YAML nodes quickly, when the document is plain.

PyYAML's SafeConstructor handles every YAML feature (aliases, merge keys, recursive
structures, !!binary, !!set, ...) through generic machinery that costs about half the time
of loading a manifest. Manifests almost never use any of it: mappings with scalar keys,
sequences, strings, numbers, booleans and nulls. `construct_plain` builds exactly those and
raises NotPlain at anything else (an alias or anchor reused, a merge key, another tag, a
non-scalar key, deep nesting), and the loader then builds that document with PyYAML. The
data is the same either way (tests/test_construct.py compares them).
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Sequence

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

STR = "tag:yaml.org,2002:str"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"
# Other scalars are built by the loader's own constructors for these tags.
SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null", "timestamp"))
MAX_DEPTH = 64  # deeper documents go to PyYAML, which does not recurse

Pairs = Sequence[tuple[Node, Node]]


class NotPlain(Exception):
    """The document uses a YAML feature left to PyYAML's constructor."""


def construct_plain(node: Node, scalar: Callable[[ScalarNode], Any],
                    duplicates: Callable[[Pairs], None]) -> Any:
    """The data of `node`; `scalar` builds non-string scalars, `duplicates` receives the
    pairs of each mapping in which a key appears twice."""
    return _build(node, scalar, duplicates, 0, set())


def _build(node: Node, scalar: Callable, duplicates: Callable, depth: int, seen: set[Node]) -> Any:
    if node.__class__ is ScalarNode:
        if node.tag == STR:
            # The value SafeConstructor.construct_yaml_str returns, interned: keys and many
            # values (TCP, label values) repeat in every object, and the facts of a big
            # project then hold one string each instead of thousands.
            return sys.intern(node.value)
        if node.tag in SCALAR_TAGS:
            return scalar(node)
        raise NotPlain
    if depth == MAX_DEPTH or node in seen:  # a collection met twice is an alias: shared, maybe recursive
        raise NotPlain
    seen.add(node)
    if node.__class__ is MappingNode and node.tag == MAP:
        mapping = {}
        for key, value in node.value:
            if key.__class__ is not ScalarNode:  # includes keys that could be unhashable
                raise NotPlain
            mapping[_build(key, scalar, duplicates, depth + 1, seen)] = _build(value, scalar, duplicates,
                                                                               depth + 1, seen)
        if len(mapping) < len(node.value):
            duplicates(node.value)
        return mapping
    if node.__class__ is SequenceNode and node.tag == SEQ:
        return [_build(item, scalar, duplicates, depth + 1, seen) for item in node.value]
    raise NotPlain
