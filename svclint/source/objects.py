"""Documents meant as Kubernetes objects that kubectl cannot decode as objects (`not-an-object`).

A file that holds Kubernetes objects is applied as a whole, so a document among them that
is a scalar, a list or a mapping without apiVersion and kind makes kubectl refuse the file.
A file holding no object at all (a Helm values file, a CI config) is not a manifest and
stays silent, unless a document names both apiVersion and kind with values of the wrong type,
or is a "near-miss object": a manifest whose `apiVersion` or `kind` is misspelled
(`apiversion`, `Kind`, `apiVerison`, `kidn`), which kubectl refuses wherever it is.
"""

from __future__ import annotations

import json
import re
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
    if len(fields) < 2:
        near_misses = _near_misses(data)
        if near_misses:
            yield from _near_miss_complaints(root, data, near_misses)
            return
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


_HEADERS = ("apiVersion", "kind")

# What kubectl says of an object without the field (the decoder's or the validator's words).
_REFUSAL = {"apiVersion": "apiVersion not set", "kind": "Object 'Kind' is missing"}

# How a header's value is written, for a key that is a misspelling rather than another spelling
# of the same word: `apps/v1`, `v2beta1`; `Service`, `HorizontalPodAutoscaler`.
_VALUE_SHAPE = {
    "apiVersion": re.compile(r"(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?/)?v[0-9]+(?:(?:alpha|beta)[0-9]*)?"),
    "kind": re.compile(r"[A-Z][A-Za-z0-9]*"),
}

# Real keys of other YAML files that happen to be within reach of a header (Helm's Chart.yaml
# and values files have `appVersion`), compared as squashed.
_NOT_MISSPELLINGS = {"appversion"}


def _near_misses(data: dict) -> dict[str, str]:
    """The keys a manifest meant as `apiVersion` or `kind`, by header they stand for, when
    `data` lacks that header and looks like a manifest; else nothing.

    A key stands for a missing header when its value is a non-empty string and it is the same
    word in another case or with separators (`apiversion`, `API_VERSION`, `Kind`), or a
    misspelling within a small edit distance (`apiVerison`, `apiVersions`, `kidn`, `knd`) whose
    value is written as the header's value is (`apps/v1`, `Service`). The document must then
    look like a manifest: it has the other header, or a key standing for it, or a `metadata`
    mapping. Helm values (`kind: DaemonSet` alone, `kind:` of a mapping), CI configs,
    docker-compose files (`version: "3"`) and Chart.yaml (`appVersion`) stay out of it.
    """
    found: dict[str, str] = {}
    for header in _HEADERS:
        if header in data:
            continue
        candidates = [key for key in data if isinstance(key, str) and _non_empty_text(data[key])
                      and _stands_for(key, header, data[key])]
        if candidates:  # the closest; on a tie, the last written (the one a reader sees last)
            found[header] = min(reversed(candidates), key=lambda key: _distance(_squash(key), _squash(header)))
    if not found:
        return {}
    manifest_like = (all(header in data or header in found for header in _HEADERS)
                     or isinstance(data.get("metadata"), dict))
    return found if manifest_like else {}


def _stands_for(key: str, header: str, value: str) -> bool:
    if len(key) > 2 * len(header):  # cheap: no long key is a spelling of a header
        return False
    squashed, target = _squash(key), _squash(header)
    if squashed == target:
        return True
    # One edit for `kind` (four letters: two would let `id` or `mind` in), two for `apiVersion`.
    edits = 1 if len(target) < 6 else 2
    if (abs(len(squashed) - len(target)) > edits or squashed in _NOT_MISSPELLINGS
            or not _VALUE_SHAPE[header].fullmatch(value)):
        return False
    return _distance(squashed, target) <= edits


def _squash(text: str) -> str:
    """`API_Version` and `api-version` are `apiversion`: the same word, differently written."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _distance(a: str, b: str) -> int:
    """Edits from `a` to `b`: insertions, deletions, substitutions and swaps of neighbours."""
    previous: list[int] = []
    current = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
    return current[len(b)]


def _near_miss_complaints(root: yaml.Node, data: dict, near_misses: dict[str, str]) -> Iterator[Complaint]:
    """A manifest with a misspelled header is refused by kubectl wherever it is: reported whether
    or not the file holds objects, at the key to fix."""
    for header in _HEADERS:
        if header in near_misses:
            key = near_misses[header]
            yield False, _key_node(root, key).start_mark, (
                f"`{key}` should be `{header}`: kubectl rejects an object without {header} "
                f"(\"{_REFUSAL[header]}\")")
        elif header not in data:
            yield False, root.start_mark, (
                f"this document has no `{header}`, so kubectl rejects it (\"{_REFUSAL[header]}\")")
        elif not _non_empty_text(data[header]):
            yield False, _value_node(root, header).start_mark, (
                f"`{header}` must be a non-empty string, not {describe_value(data[header])}: "
                "kubectl cannot decode this object")


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
    """The node holding `key`'s value, else the mapping itself."""
    pair = _pair(root, key)
    return pair[1] if pair else root


def _key_node(root: yaml.Node, key: str) -> yaml.Node:
    """The node of `key` itself, else the mapping (a key merged in with `<<`)."""
    pair = _pair(root, key)
    return pair[0] if pair else root


def _pair(root: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    """The key and value nodes of `key` in a mapping (the last, as loaded), or None."""
    found = None
    if isinstance(root, yaml.MappingNode):
        for key_node, value_node in root.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                found = key_node, value_node
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
