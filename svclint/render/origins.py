"""From a value of a rendered object back to the file and line that wrote it.

Kustomize says which resource file each object came from (origin annotations), and which
kustomization generated it; its transformer annotations name kustomizations, not patches,
so which patch wrote a value is worked out here: the patches of the overlay and of the
kustomizations it builds on are tried outermost first (the last applied wins), each in
reverse order, and the first that writes the value's path is its source. Values no file
holds (labels added by `labels`/`commonLabels`, the `namespace`) point at the
kustomization line that adds them; what maps nowhere better, at the kustomization itself.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Iterator

import yaml

from svclint.render.layout import Kustomization
from svclint.render.nodes import Reached, compose_all, follow
from svclint.render.rendering import Origin, Rendering
from svclint.source.positions import dig

LABEL_MAPS = {("metadata", "labels"), ("spec", "selector"), ("spec", "selector", "matchLabels"),
              ("spec", "template", "metadata", "labels")}


# Fields a strategic merge patch writes to say which object it patches.
IDENTIFYING = {("metadata", "name"), ("metadata", "namespace"), ("kind",), ("apiVersion",)}


@dataclass(frozen=True)
class Spot:
    file: str
    line: int
    column: int
    exact: bool  # the position holds the value itself, as rendered (a fix there changes it)


class SourceFiles:
    """The composed nodes of the files findings are mapped into, each read once."""

    def __init__(self) -> None:
        self._nodes: dict[str, list[yaml.Node]] = {}
        self._text: dict[str, str] = {}

    def text(self, path: str) -> str:
        if path not in self._text:
            try:
                with open(path, encoding="utf-8") as stream:
                    self._text[path] = stream.read()
            except (OSError, UnicodeDecodeError):
                self._text[path] = ""
        return self._text[path]

    def documents(self, path: str) -> list[yaml.Node]:
        if path not in self._nodes:
            self._nodes[path] = compose_all(self.text(path))
        return self._nodes[path]


def source_spot(rendering: Rendering, chain: list[Kustomization], reads: dict[str, set[str]],
                files: SourceFiles, number: int, path: tuple, anchor: str) -> Spot:
    """Where the value at `path` of rendered object `number` was written."""
    obj = rendering.objects[number]
    origin = rendering.origins[number] if number < len(rendering.origins) else Origin()
    if origin.template:
        return _in_template(files, origin.file or rendering.anchor, path)
    for spot in _from_patches(obj, origin, chain, reads, files, path, anchor):
        return spot
    resource = _in_resource(obj, origin, files, path, anchor)
    if resource is not None and resource.exact:
        return resource
    added = _added_by_kustomization(obj, chain, files, path, anchor)
    if added is not None:
        return added
    if resource is not None:
        return resource
    if origin.generated_by:
        return _generator_spot(obj, origin.generated_by, files)
    return Spot(rendering.anchor, 1, 1, False)


def _spot(file: str, reached: Reached, anchor: str, line_offset: int = 0, column_offset: int = 0) -> Spot:
    mark = reached.mark(anchor)
    return Spot(file, line_offset + mark.line + 1, column_offset + mark.column + 1, reached.exact)


def _name(obj: Any) -> str:
    name = dig(obj, ("metadata", "name"))
    return name if isinstance(name, str) else ""


def _written_for(written: Any, obj: Any) -> bool:
    """Whether a document written in a source file (resource or patch) is the object rendered:
    the same kind, and a name that prefixes and suffixes can have made the rendered one."""
    if not isinstance(written, dict) or written.get("kind") != obj.get("kind"):
        return False
    name = dig(written, ("metadata", "name"))
    return isinstance(name, str) and bool(name) and name in _name(obj)


def _in_resource(obj: Any, origin: Origin, files: SourceFiles, path: tuple, anchor: str) -> Spot | None:
    if not origin.file:
        return None
    candidates = [(node, _data(node)) for node in files.documents(origin.file)]
    matching = [node for node, data in candidates if _written_for(data, obj)]
    if not matching:
        return Spot(origin.file, 1, 1, False)
    best = max(matching, key=lambda node: len(str(dig(_data(node), ("metadata", "name")))))
    return _spot(origin.file, follow(best, path, obj), anchor)


def _data(node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader("").construct_document(node)
    except (yaml.YAMLError, TypeError, ValueError):
        return None


# Patches

@dataclass(frozen=True)
class _Patch:
    file: str  # where it is written (its own file, or the kustomization for an inline patch)
    nodes: list[yaml.Node]
    target: dict
    line_offset: int = 0
    column_offset: int = 0


def _from_patches(obj: Any, origin: Origin, chain: list[Kustomization], reads: dict[str, set[str]],
                  files: SourceFiles, path: tuple, anchor: str) -> Iterator[Spot]:
    source = origin.file or origin.generated_by
    for kustomization in chain:
        if source and not kustomization.is_component and source not in reads.get(kustomization.directory, set()):
            continue  # its patches never saw this object (it comes from another base)
        for patch in reversed(list(_patches(kustomization, files))):
            for node in patch.nodes:
                reached = _patch_reaches(node, patch.target, obj, path)
                if reached is not None:
                    yield _spot(patch.file, reached, anchor, patch.line_offset, patch.column_offset)
                    return


def _patch_reaches(node: yaml.Node, target: dict, obj: Any, path: tuple) -> Reached | None:
    data = _data(node)
    if isinstance(node, yaml.SequenceNode):  # JSON 6902 operations
        if not _targets(target, obj):
            return None
        return _operation_reaches(node, obj, path)
    if not (_targets(target, obj) if target else _written_for(data, obj)):
        return None
    if path[:2] in IDENTIFYING or path[:1] in IDENTIFYING:
        return None  # what names the patch's target, not a value it writes
    reached = follow(node, path, obj)
    return reached if reached.depth == len(path) else None


def _targets(target: dict, obj: Any) -> bool:
    if not target:
        return False
    for field, value in (("kind", obj.get("kind")), ("name", _name(obj)),
                         ("namespace", dig(obj, ("metadata", "namespace")))):
        wanted = target.get(field)
        if isinstance(wanted, str) and field != "namespace" and not re.search(wanted, str(value or "")):
            return False
    return True


def _operation_reaches(operations: yaml.SequenceNode, obj: Any, path: tuple) -> Reached | None:
    for operation in reversed(operations.value):
        data = _data(operation)
        if not isinstance(data, dict) or data.get("op") not in ("add", "replace") or not isinstance(data.get("path"), str):
            continue
        pointer = _pointer(data["path"])
        if len(pointer) > len(path) or any(p != "-" and str(p) != str(q) for p, q in zip(pointer, path)):
            continue
        value_node = next((v for k, v in operation.value if k.value == "value"), None)
        if value_node is None:
            continue
        rest = path[len(pointer):]
        reached = follow(value_node, rest, dig(obj, path[:len(pointer)]))
        if reached.depth == len(rest):
            return reached
        return Reached(value_node, reached.key, reached.depth, False)
    return None


def _pointer(text: str) -> tuple:
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in text.split("/")[1:])


def _patches(kustomization: Kustomization, files: SourceFiles) -> Iterator[_Patch]:
    """The kustomization's patches in the order they are applied."""
    root = next(iter(files.documents(kustomization.file)), None)
    entries = [(key, item) for key in ("patchesStrategicMerge", "patchesJson6902", "patches")
               for item in _list_node(root, key)]
    for key, item in entries:
        data = _data(item)
        if isinstance(data, str):  # patchesStrategicMerge: a file, or an inline patch
            inline = "\n" in data
            yield from _patch_from(kustomization, files, item if inline else None, None if inline else data, {})
        elif isinstance(data, dict):
            target: dict = data["target"] if isinstance(data.get("target"), dict) else {}
            inline_node = next((v for k, v in item.value if k.value == "patch"), None)
            yield from _patch_from(kustomization, files, inline_node, data.get("path"), target)


def _patch_from(kustomization: Kustomization, files: SourceFiles, inline: yaml.Node | None,
                path: Any, target: dict) -> Iterator[_Patch]:
    if isinstance(path, str):
        file = os.path.normpath(os.path.join(kustomization.directory, path))
        yield _Patch(file, files.documents(file), target)
    elif isinstance(inline, yaml.ScalarNode):
        line, column = _block_start(files.text(kustomization.file), inline)
        yield _Patch(kustomization.file, compose_all(inline.value), target, line, column)


def _block_start(text: str, node: yaml.ScalarNode) -> tuple[int, int]:
    """The line and column offsets of a block scalar's content in the file (`patch: |-`)."""
    if node.style not in ("|", ">"):
        return node.start_mark.line, node.start_mark.column
    lines = text.splitlines()
    for number in range(node.start_mark.line + 1, len(lines)):
        if lines[number].strip():
            return number, len(lines[number]) - len(lines[number].lstrip(" "))
    return node.start_mark.line, 0


def _list_node(root: yaml.Node | None, key: str) -> list[yaml.Node]:
    if not isinstance(root, yaml.MappingNode):
        return []
    value = next((v for k, v in root.value if k.value == key), None)
    return list(value.value) if isinstance(value, yaml.SequenceNode) else []


# Kustomizations' own fields

def _added_by_kustomization(obj: Any, chain: list[Kustomization], files: SourceFiles,
                            path: tuple, anchor: str) -> Spot | None:
    """The kustomization line that adds a label or sets the namespace at `path`."""
    for kustomization in chain:
        root = next(iter(files.documents(kustomization.file)), None)
        if not isinstance(root, yaml.MappingNode):
            continue
        if path == ("metadata", "namespace"):
            reached = follow(root, ("namespace",), dig(obj, path))
            if reached.depth == 1:
                return _spot(kustomization.file, reached, anchor)
        elif len(path) >= 1 and path[:-1] in LABEL_MAPS:
            label = path[-1]
            for entry in _list_node(root, "labels"):
                reached = follow(entry, ("pairs", label), dig(obj, path))
                if reached.depth == 2:
                    return _spot(kustomization.file, reached, anchor)
            reached = follow(root, ("commonLabels", label), dig(obj, path))
            if reached.depth == 2:
                return _spot(kustomization.file, reached, anchor)
    return None


def _generator_spot(obj: Any, kustomization_file: str, files: SourceFiles) -> Spot:
    root = next(iter(files.documents(kustomization_file)), None)
    for key in ("configMapGenerator", "secretGenerator"):
        for entry in _list_node(root, key):
            name = _data(entry).get("name") if isinstance(_data(entry), dict) else None
            if isinstance(name, str) and name in _name(obj):
                return Spot(kustomization_file, entry.start_mark.line + 1, entry.start_mark.column + 1, False)
    return Spot(kustomization_file, 1, 1, False)


# Helm

def _in_template(files: SourceFiles, template: str, path: tuple) -> Spot:
    """The template line that writes the last key of `path` (`nodePort:`), else line 1."""
    keys = [part for part in path if isinstance(part, str)]
    if keys:
        pattern = re.compile(r"(^|[\s{,-])" + re.escape(keys[-1]) + r"\s*:")
        for number, line in enumerate(files.text(template).splitlines(), start=1):
            found = pattern.search(line)
            if found:
                return Spot(template, number, found.start() + len(found[1]) + 1, False)
    return Spot(template, 1, 1, False)
