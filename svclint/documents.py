"""Documents meant as Kubernetes objects that kubectl cannot decode as objects (`not-an-object`).

A file that holds Kubernetes objects is applied as a whole, so a document among them that
is a scalar, a list or a mapping without apiVersion and kind makes kubectl refuse the file.
A file holding no object at all (a Helm values file, a CI config) is not a manifest and
stays silent, unless a document names both apiVersion and kind with values of the wrong type.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import yaml

# (only when the file holds objects, where, message)
Complaint = tuple[bool, yaml.Mark, str]


def is_object(data: Any) -> bool:
    return (isinstance(data, dict) and _non_empty_text(data.get("apiVersion"))
            and _non_empty_text(data.get("kind")))


def complaints(root: yaml.Node, data: Any) -> list[Complaint]:
    """What is wrong with one document as a Kubernetes object. Judged document by document,
    so that no document's nodes are kept once it is read: the caller keeps the complaints
    marked `only when the file holds objects` if, in the end, it does."""
    if data is None:  # an empty document: kubectl skips it
        return []
    if isinstance(data, dict):
        return list(_mapping_complaints(root, data))
    if isinstance(data, list):
        return [(not any(is_object(item) for item in data), root.start_mark, (
            "this document is a list, not a Kubernetes object, so kubectl rejects the file; "
            "put the objects in separate documents (---), or in `items:` of a `kind: List`"))]
    return [(True, root.start_mark, f"this document is {describe_value(data)}, not a Kubernetes object, "
                                    "so kubectl rejects the file")]


def _mapping_complaints(root: yaml.Node, data: dict) -> Iterator[Complaint]:
    fields = [field for field in ("apiVersion", "kind") if field in data]
    if len(fields) == 2:
        wrong = [field for field in fields if not _non_empty_text(data[field])]
        for field in wrong:
            yield False, _value_node(root, field).start_mark, (
                f"`{field}` must be a non-empty string, not {describe_value(data[field])}: "
                "kubectl cannot decode this object")
        if not wrong and data["kind"].endswith("List") and "items" in data:
            yield from _item_complaints(_value_node(root, "items"), data["items"], data["kind"])
    else:
        missing = " and ".join(f"`{f}`" for f in ("apiVersion", "kind") if f not in fields)
        yield True, root.start_mark, (f"this document has no {missing}, so kubectl rejects the file "
                                      "(\"Object 'Kind' is missing\" or \"apiVersion not set\")")


def _item_complaints(node: yaml.Node, items: Any, kind: str) -> Iterator[Complaint]:
    if not isinstance(items, list):
        yield False, node.start_mark, f"`items` of a {kind} must be a list of objects, not {describe_value(items)}"
        return
    item_nodes = node.value if isinstance(node, yaml.SequenceNode) else []
    for number, item in enumerate(items):
        if not is_object(item):
            mark = item_nodes[number].start_mark if number < len(item_nodes) else node.start_mark
            yield False, mark, (f"item {number} of this {kind} is {describe_value(item)}, not a Kubernetes "
                                "object with apiVersion and kind, so kubectl rejects the list")


def _value_node(root: yaml.Node, key: str) -> yaml.Node:
    """The node holding `key`'s value (the last one, as loaded), else the mapping itself."""
    found = root
    if isinstance(root, yaml.MappingNode):
        for key_node, value_node in root.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                found = value_node
    return found


def _non_empty_text(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def describe_value(value: Any) -> str:
    """`a list`, `a number 3`, `an empty string`: for messages about a value of the wrong kind."""
    if value is None:
        return "null"
    if value == "":
        return "an empty string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    name = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}.get(type(value), "a value")
    shown = json.dumps(value, default=str)
    return f"{name} {shown if len(shown) <= 40 else shown[:37] + '...'}"
