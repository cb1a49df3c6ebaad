"""A document composed alone from its slice of the text has the positions it has in the whole file."""

from __future__ import annotations

from typing import Iterator

import pytest
import yaml

from svclint.source.documents import AsciiFileText, parse_source
from svclint.source.kubectl_yaml import Loader, is_merge_key
from svclint.source.lines import Lines
from svclint.source.positions import PositionResolver
from tests.conftest import CORPUS, REPO

TRICKY = {
    "flow and tagged roots on the --- line": "--- {a: 1, b: [x, y]}\n--- !!map\nc: 2\n--- [p, {q: r}]\n",
    "directives and document end markers": "%YAML 1.1\n---\na: 1\n...\n# between\n---\nb:\n  c: 3\n...\n",
    "CRLF line ends": "a: 1\r\nb:\r\n  - x\r\n---\r\nc:\r\n  d: 4\r\n",
    "indented root and comments": "# head\n---\n  a: 1\n  b:\n    c: 2\n# tail\n---\n\n\n   x: y\n",
    "block scalar root": "--- |\n  text\n--- >-\n  folded\n---\nk: v\n",
    "non-ASCII and astral characters": "a: é😀é\nb: {c: 'ü😀', d: 2}\n---\n😀: 1\nx: [é, 😀]\n",
    "line and paragraph separators": "a: 'x\u2028y'\nb: 1\n---\nc: 'p\u2029q'\nd: 2\n",
    "anchors, aliases and merge keys": "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  z: 3\n---\nl: &l [1, 2]\nr: *l\n",
    "tag directive (composed from the whole file)": "%TAG !e! tag:yaml.org,2002:\n---\n!e!map {a: 1}\n---\nb: 2\n",
    "no final newline": "a: 1\n---\nb: [1,\n  2]",
    "empty documents": "---\n---\na: 1\n---\n# only a comment\n---\nb: 2\n",
}


def walk(node: yaml.Node, path: tuple = ()) -> Iterator[tuple[tuple, yaml.Node | None, yaml.Node]]:
    """Every (path, key node, value node) under `node`, keys as written (merge keys skipped)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and not is_merge_key(key):
                yield path + (key.value,), key, value
                yield from walk(value, path + (key.value,))
    elif isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value):
            yield path + (number,), None, item
            yield from walk(item, path + (number,))


def whole_file_roots(text: str) -> list[yaml.Node]:
    loader = Loader(text)
    try:
        return [loader.get_node() for _ in iter(loader.check_node, False)]
    finally:
        loader.dispose()


def mismatches(text: str, source: str | AsciiFileText | None = None) -> list[str]:
    """Where positions found from `source` (default: the text itself) differ from a whole-file compose."""
    roots, lines = whole_file_roots(text), Lines(text)  # lines as editors count them, whatever YAML counts
    documents = parse_source("x.yaml", text.encode()).documents
    assert len(documents) == len(roots)
    positions = PositionResolver(text if source is None else source, [document.span for document in documents])
    found = []
    for number, root in enumerate(roots):
        expected_root = lines.of(root.start_mark)
        if positions.locate(number, ()) != expected_root:
            found.append(f"document {number}: root at {positions.locate(number, ())}, not {expected_root}")
        for path, key, value in walk(root):
            expected = lines.of(value.start_mark)
            if positions.locate(number, path) != expected:
                found.append(f"document {number} {path}: {positions.locate(number, path)}, not {expected}")
            if key is not None and positions.locate(number, path, "key") != lines.of(key.start_mark):
                found.append(f"document {number} {path} key: {positions.locate(number, path, 'key')}")
            if isinstance(value, yaml.ScalarNode) and positions.written(number, path) != value.value:
                found.append(f"document {number} {path} written: {positions.written(number, path)!r}")
    return found


@pytest.mark.parametrize("name", TRICKY)
def test_tricky_texts(name: str) -> None:
    assert mismatches(TRICKY[name]) == []


@pytest.mark.parametrize("name", TRICKY)
def test_nodes_held_while_parsing_locate_as_a_second_composition(name: str) -> None:
    text = TRICKY[name]
    documents = parse_source("x.yaml", text.encode()).documents
    spans = [document.span for document in documents]
    held, composed = PositionResolver(text, spans), PositionResolver(text, spans)
    for document in documents:
        held.hold(document.index, document.root)
        for path, _, _ in walk(document.root) if document.root else ():
            for anchor in ("key", "value"):
                assert held.locate(document.index, path, anchor) == composed.locate(document.index, path, anchor)


# Files above this size take seconds here (every node located, twice): in the whole suite only.
BIG_FILE = 500_000


def manifest_files() -> list:
    roots = [CORPUS, REPO / "examples"]
    paths = sorted(p for root in roots if root.is_dir() for p in root.rglob("*") if p.suffix in (".yaml", ".yml"))
    return [pytest.param(p, id=p.name, marks=[pytest.mark.slow] if p.stat().st_size > BIG_FILE else [])
            for p in paths]


@pytest.mark.parametrize("path", manifest_files())
def test_real_manifests(path) -> None:
    text = path.read_bytes().decode("utf-8")
    assert mismatches(text) == []
    if text.isascii():  # read back in slices, as for cross-object findings
        assert mismatches(text, AsciiFileText(str(path))) == []


def test_slices_of_an_ascii_file(tmp_path) -> None:
    for name, text in TRICKY.items():
        if text.isascii():
            path = tmp_path / "x.yaml"
            path.write_bytes(text.encode())
            assert mismatches(text, AsciiFileText(str(path))) == [], name


def spans(text: str) -> list:
    return [document.span for document in parse_source("x.yaml", text.encode()).documents]


def test_a_missing_field_is_reported_at_its_parent_key() -> None:
    text = "a: 1\n---\nspec:\n  ports:\n    - port: 80\n"
    positions = PositionResolver(text, spans(text))
    assert positions.locate(1, ("spec", "ports", 0, "targetPort")) == (5, 7)
    assert positions.locate(1, ("spec", "selector")) == (3, 1)


def test_only_the_documents_own_slice_is_composed_again() -> None:
    text = "a: 1\n---\nspec:\n  ports:\n    - port: 80\n"
    # Text before the document no longer parses; its own slice still does.
    garbled = "[{" + text[2:]
    assert PositionResolver(garbled, spans(text)).locate(1, ("spec", "ports", 0, "port")) == (5, 13)


def test_cross_object_findings_keep_their_place_in_non_ascii_and_bom_files(tmp_path) -> None:
    from svclint.check.engine import lint_paths
    from svclint.check.settings import Settings

    service = ("# e\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n"
               "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: worker\n  labels: {app: worker}\n")
    places = {}
    for name, data in {"ascii": service.encode(), "utf8": service.replace("# e", "# é").encode(),
                       "bom": b"\xef\xbb\xbf" + service.encode(), "utf16": service.encode("utf-16")}.items():
        (tmp_path / f"{name}.yaml").write_bytes(data)
        report = lint_paths([str(tmp_path / f"{name}.yaml")], Settings())
        places[name] = [(f.line, f.column) for f in report.findings if f.rule == "selector-no-match"]
    assert places == {name: [(9, 5)] for name in places}
