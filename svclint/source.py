"""Read manifest files and parse them into documents, one parse per file.

PyYAML's C loader does the parsing (speed); positions are not kept here but recomputed,
only for documents that have findings, by `positions.py`.
"""

from __future__ import annotations

import sys
from array import array
from dataclasses import dataclass, field
from typing import Any, Iterator

import yaml

from svclint.construct import construct_plain
from svclint.discover import STDIN

STDIN_NAME = "<stdin>"


@dataclass(frozen=True)
class Problem:
    """A problem the loader itself finds (bad YAML, duplicate keys), with its position."""

    rule: str
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class Span:
    """Where a document's root node lies in the text, to compose that document alone again."""

    start: int  # character offset of the start of the line where the root node begins
    end: int  # character offset just past the root node
    line: int  # 0-based number of that line


class SpanList:
    """The spans of a file's documents in 24 bytes each, where Span objects take ten times
    that: a file's result keeps one per document, and 20 MB of manifests are 15,000."""

    def __init__(self) -> None:
        self._values = array("q")

    def append(self, span: Span) -> None:
        self._values.extend((span.start, span.end, span.line))

    def __getitem__(self, index: int) -> Span:
        start, end, line = self._values[3 * index:3 * index + 3]
        return Span(start, end, line)

    def __len__(self) -> int:
        return len(self._values) // 3


@dataclass
class Document:
    index: int  # 0-based position of the document in its file
    data: Any
    span: Span


@dataclass
class SourceFile:
    path: str  # as shown to the user
    text: str
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class ManifestLoader(yaml.CSafeLoader):
    """The C safe loader, plus: timestamps stay strings, duplicate keys are recorded, and plain
    documents (nearly all) are built by construct.py at a third of PyYAML's cost."""

    def __init__(self, stream: str | TextChunks) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[yaml.Node] = []

    def construct_document(self, node: yaml.Node) -> Any:
        try:
            return construct_plain(node, self._construct_scalar, self._record_duplicates)
        except Exception:  # NotPlain, or an error PyYAML's constructor will report its own way
            self.duplicate_keys.clear()
            return super().construct_document(node)

    def _construct_scalar(self, node: yaml.ScalarNode) -> Any:
        return self.yaml_constructors[node.tag](self, node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        own_pairs = list(node.value)  # flatten_mapping rewrites node.value for merge keys
        mapping = super().construct_mapping(node, deep=deep)
        if len(mapping) < len(own_pairs):
            self._record_duplicates(own_pairs)
        return mapping

    def _record_duplicates(self, pairs: list[tuple[yaml.Node, yaml.Node]]) -> None:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in pairs:
            if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                continue
            key = (key_node.tag, key_node.value)
            if key in seen:
                self.duplicate_keys.append(key_node)
            seen.add(key)


ManifestLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def read_source(path: str) -> SourceFile:
    """Reads and parses one file; raises OSError when it cannot be read."""
    return parse_source(*read_raw(path))


def parse_source(display: str, raw: bytes) -> SourceFile:
    """Decodes and parses the bytes of a file shown to the user as `display`."""
    source = decode_source(display, raw)
    source.documents.extend(iter_documents(source))
    return source


def read_raw(path: str) -> tuple[str, bytes]:
    """The name to show and the bytes of a file (or of stdin); raises OSError."""
    if path == STDIN:
        return STDIN_NAME, sys.stdin.buffer.read()
    with open(path, "rb") as handle:
        return path, handle.read()


def decode_source(display: str, raw: bytes) -> SourceFile:
    """The text of a file, not parsed yet (see iter_documents)."""
    text, problem = decode(raw)
    return SourceFile(display, text, problems=[problem] if problem else [])


def read_text(path: str) -> str:
    """The decoded text of a file read before (to locate findings in it again)."""
    with open(path, "rb") as handle:
        return decode(handle.read())[0]


class AsciiFileText:
    """The text of an ASCII file read before, read again a slice at a time (its character
    offsets are byte offsets), so that locating a finding in a big file does not hold the
    whole file in memory again."""

    def __init__(self, path: str) -> None:
        self._path = path

    def __getitem__(self, part: slice) -> bytes:
        start = part.start or 0
        with open(self._path, "rb") as handle:
            handle.seek(start)
            return handle.read(-1 if part.stop is None else part.stop - start)


def decode(raw: bytes) -> tuple[str, Problem | None]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), None
        except UnicodeDecodeError:
            return "", Problem("invalid-yaml", 1, 1, "file is not valid UTF-16 text")
    if b"\x00" in raw[:8192]:
        return "", Problem("invalid-yaml", 1, 1, "binary file (contains NUL bytes), not YAML or JSON")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return "", Problem(
            "invalid-yaml", line, column,
            f"file is not UTF-8 (byte 0x{raw[exc.start]:02x}); Kubernetes manifests must be UTF-8",
        )


def iter_documents(source: SourceFile) -> Iterator[Document]:
    """Parses the text one document at a time, so that the caller can drop each after use;
    the loader's problems are added to `source.problems` as they are met."""
    loader = ManifestLoader(TextChunks(source.text))
    index = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            data = loader.construct_document(node)
            for key_node in loader.duplicate_keys:
                source.problems.append(Problem(
                    "duplicate-key", key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                    f"duplicate key {key_node.value!r}: the API server rejects it "
                    "(strict decoding) and YAML tools silently keep only the last value",
                ))
            loader.duplicate_keys.clear()
            yield Document(index, data, _span(node))
            index += 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        source.problems.append(Problem("invalid-yaml", line, column, _describe(exc)))
    except yaml.YAMLError as exc:  # reader errors carry no mark
        source.problems.append(Problem("invalid-yaml", 1, 1, f"cannot parse: {exc}"))
    finally:
        loader.dispose()


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


def _span(node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark  # libyaml counts characters, not bytes
    return Span(start.index - start.column, end.index, start.line)


def _describe(exc: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    return "invalid YAML: " + ", ".join(parts) if parts else "invalid YAML"
