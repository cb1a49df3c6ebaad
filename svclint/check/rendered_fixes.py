"""A rendered finding's fix, made a fix of the source file that wrote the value.

A rule's fix names JSON paths of the rendered object; the text to edit is the resource or
patch file the value came from. Only scalar edits (replace a value, quote it) are carried
over, and only where the mapping is exact for every edit: the value's spot in the source
file holds the very scalar that was rendered, in the same file as the finding. Deletions
and added keys are never carried over (a key a base writes may be overridden or added by a
patch: removing or adding it in one file does not do the same to the rendered object), nor
anything written by a Helm template or a kustomization's own fields (never exact).
"""

from __future__ import annotations

from typing import Any

import yaml

from svclint.check.fixes import QUOTE, REPLACE, Edit, Fix
from svclint.render.layout import Kustomization
from svclint.render.origins import SourceFiles, Spot, source_spot
from svclint.render.rendering import Rendering
from svclint.source.complexity import Refusal, compose_documents
from svclint.source.kubectl_yaml import KubectlError, build

SCALAR_ACTIONS = (REPLACE, QUOTE)


def source_fix(fix: Fix | None, spot: Spot, rendering: Rendering, chain: list[Kustomization],
               reads: dict[str, set[str]], files: SourceFiles, number: int) -> Fix | None:
    """`fix` (on rendered object `number`) re-targeted to the document and paths of the file
    at `spot`, where the finding now points; None when it cannot be made there exactly."""
    if fix is None or not spot.exact or not fix.edits:
        return None
    if any(edit.action not in SCALAR_ACTIONS for edit in fix.edits):
        return None
    rendered = rendering.objects[number]
    documents: set[int] = set()
    edits = []
    for edit in fix.edits:
        at = source_spot(rendering, chain, reads, files, number, tuple(edit.path), "value")
        if not at.exact or at.file != spot.file:
            return None
        text = files.text(at.file)
        found = _scalar_at(text, at.line, at.column)
        if found is None or not _same_value(found[2], text, _value_at(rendered, tuple(edit.path))):
            return None
        documents.add(found[0])
        edits.append(Edit(edit.action, found[1], edit.value))
    if len(documents) != 1:
        return None
    return Fix(tuple(edits), fix.safe, fix.description, doc_index=documents.pop())


def _scalar_at(text: str, line: int, column: int) -> tuple[int, tuple, yaml.ScalarNode] | None:
    """The document index, JSON path and node of the scalar that starts at `line`:`column`
    (1-based), numbered as the fix stage numbers documents (svclint/fix/text_edits.py)."""
    documents = compose_documents(text)
    try:
        for index, root in enumerate(documents):
            if isinstance(root, Refusal):
                continue
            found = _find(root, line - 1, column - 1)
            if found is not None:
                return index, found[0], found[1]
    except yaml.YAMLError:
        pass
    finally:
        documents.close()
    return None


def _find(root: yaml.Node, line: int, column: int) -> tuple[tuple, yaml.ScalarNode] | None:
    pending: list[tuple[yaml.Node, tuple]] = [(root, ())]
    while pending:
        node, path = pending.pop()
        if isinstance(node, yaml.ScalarNode):
            if (node.start_mark.line, node.start_mark.column) == (line, column):
                return path, node
        elif isinstance(node, yaml.MappingNode):
            pending.extend((value, path + (key.value,)) for key, value in node.value
                           if isinstance(key, yaml.ScalarNode))
        elif isinstance(node, yaml.SequenceNode):
            pending.extend((item, path + (i,)) for i, item in enumerate(node.value))
    return None


def _value_at(value: Any, path: tuple) -> Any:
    for part in path:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        else:
            return _MISSING
    return value


_MISSING = object()


def _same_value(node: yaml.ScalarNode, text: str, rendered: Any) -> bool:
    """Whether the source scalar, read as kubectl reads it, is the rendered value (the same
    type and value: `tcp` is not `TCP`, `"8080"` not 8080)."""
    if rendered is _MISSING or isinstance(rendered, (dict, list)):
        return False
    try:
        loaded, _ = build(node, text, shared=True)
    except (KubectlError, yaml.YAMLError, TypeError, ValueError):
        return False
    return type(loaded) is type(rendered) and loaded == rendered
