"""Read manifest files and parse them into documents, one document at a time.

libyaml (C) does the parsing (speed); plain documents are built by construct.py, others by
PyYAML's safe constructor; positions are not kept here but recomputed, only for documents
that have findings, by `positions.py`. Hostile documents are refused before construction
by `complexity.py`.
"""

from __future__ import annotations

import itertools
import math
import re
import sys
from array import array
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError, SafeConstructor

from svclint.complexity import Refusal, compose_documents, compose_unchecked, refusal_for
from svclint.construct import construct_plain
from svclint.discover import STDIN
from svclint.documents import complaints as object_complaints
from svclint.documents import is_object

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
    data: Any  # None for a document that was refused or could not be constructed
    span: Span


@dataclass
class SourceFile:
    path: str  # as shown to the user
    text: str
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# No integer of 64 bits is written with more characters ("-0b" and 64 binary digits); the
# schema check reports integers too large for their field.
LONGEST_64_BIT_INT = 67
DECIMAL = re.compile(r"[-+]?[0-9]+")
PLAIN_DECIMAL = re.compile(r"0|[1-9][0-9]{0,17}")  # no sign, octal zero, underscore or colon; fits in 64 bits


class ManifestConstructor(SafeConstructor):
    """PyYAML's safe constructor (no Python object is ever built from a tag), plus:
    timestamps stay strings, duplicate keys are recorded, and scalars that cannot be read
    are YAML errors at their position rather than Python exceptions."""

    def __init__(self) -> None:
        super().__init__()
        self.duplicate_keys: list[yaml.Node] = []
        self._own_pairs: dict[yaml.Node, list] = {}  # mappings with merge keys -> their own pairs

    def construct_document(self, node: yaml.Node) -> Any:
        try:
            return super().construct_document(node)
        except yaml.YAMLError:  # forget the failed document: the next one starts clean
            self.constructed_objects, self.recursive_objects, self.state_generators = {}, {}, []
            raise
        finally:
            self._own_pairs = {}

    def construct_fast(self, node: yaml.Node) -> Any:
        """The document's data, built by construct.py when it is plain (nearly always), else
        by PyYAML's constructor once complexity.py has not refused it (raises Refused).

        A plain document has no alias and nests less than construct.MAX_DEPTH: complexity.py
        would refuse none, and its walk of every node is spared."""
        try:
            return construct_plain(node, self._construct_scalar, self._record_duplicates)
        except Exception:  # NotPlain, or an error the generic constructor reports its own way
            self.duplicate_keys.clear()
        finally:
            self.constructed_objects = {}  # keys built for duplicate checks: keep no node alive
        refusal = refusal_for(node)
        if refusal is not None:
            raise Refused(refusal)
        return self.construct_document(node)

    def _construct_scalar(self, node: yaml.ScalarNode) -> Any:
        return self.yaml_constructors[node.tag](self, node)

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        pairs, count = node.value, len(node.value)
        super().flatten_mapping(node)
        # It deletes the merge keys from `pairs` in place and puts the merged pairs in front
        # of a new list: remember the mapping's own pairs before any other merge uses it.
        if (node.value is not pairs or len(pairs) != count) and node not in self._own_pairs:
            self._own_pairs[node] = pairs

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        count = len(node.value)
        mapping = super().construct_mapping(node, deep=deep)
        own_pairs = self._own_pairs.get(node)
        if own_pairs is not None or len(mapping) < count:
            self._record_duplicates(node.value if own_pairs is None else own_pairs)
        return mapping

    def _record_duplicates(self, pairs: list[tuple[yaml.Node, yaml.Node]]) -> None:
        seen = set()
        for key_node, _ in pairs:
            key = self.construct_object(key_node)  # already constructed: 0x10 and 16 are one key
            if key in seen:
                self.duplicate_keys.append(key_node)
            seen.add(key)

    def construct_yaml_int(self, node: yaml.Node) -> int | float | str:
        if isinstance(node, yaml.ScalarNode) and PLAIN_DECIMAL.fullmatch(node.value):  # nearly every integer
            return int(node.value)
        text = self.construct_scalar(node).replace("_", "")
        if len(text) <= LONGEST_64_BIT_INT:
            return _readable(node, "an integer", super().construct_yaml_int)
        # Longer: int() refuses more than 4,300 digits and 1:2:3:... takes quadratic time.
        # Read it as Kubernetes' YAML decoder does: a float when decimal and within a
        # float's range, otherwise a string.
        number = float(text) if DECIMAL.fullmatch(text) else math.inf
        return number if math.isfinite(number) else node.value

    def construct_yaml_float(self, node: yaml.Node) -> float:
        return _readable(node, "a number", super().construct_yaml_float)

    def construct_yaml_bool(self, node: yaml.Node) -> bool:
        return _readable(node, "a boolean", super().construct_yaml_bool)


class Refused(Exception):
    """complexity.py refuses the document: it is not constructed."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def _readable(node: yaml.Node, what: str, construct: Callable[[yaml.Node], Any]) -> Any:
    try:
        return construct(node)
    except (ValueError, IndexError, KeyError):  # an explicit tag on text it does not fit: !!int abc
        raise ConstructorError(None, None, f"cannot read {shorten(node.value)!r} as {what} "
                                           f"(tag {node.tag})", node.start_mark) from None


ManifestConstructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)
ManifestConstructor.add_constructor("tag:yaml.org,2002:int", ManifestConstructor.construct_yaml_int)
ManifestConstructor.add_constructor("tag:yaml.org,2002:float", ManifestConstructor.construct_yaml_float)
ManifestConstructor.add_constructor("tag:yaml.org,2002:bool", ManifestConstructor.construct_yaml_bool)


def shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def load_single_document(text: str) -> tuple[yaml.Node | None, Any, list[yaml.Node]]:
    """The only document of a small file (a configuration): its root node, its data and its
    duplicate keys, or (None, None, []) when empty. Raises yaml.YAMLError, refusals included."""
    roots = compose_documents(text)
    try:
        found = list(itertools.islice(roots, 2))
    finally:
        roots.close()
    if not found:
        return None, None, []
    if len(found) > 1:
        second = found[1].mark if isinstance(found[1], Refusal) else found[1].start_mark
        raise ComposerError("expected a single document", None, "but found another document", second)
    if isinstance(found[0], Refusal):
        raise yaml.MarkedYAMLError(problem=found[0].message, problem_mark=found[0].mark)
    constructor = ManifestConstructor()
    return found[0], constructor.construct_document(found[0]), constructor.duplicate_keys


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
    """UTF-8 (a byte-order mark allowed) or UTF-16 with a byte-order mark, as kubectl reads them."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "", Problem("invalid-yaml", 1, 1, "file is UTF-32 text; Kubernetes manifests must be UTF-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), None
        except UnicodeDecodeError:
            return "", Problem("invalid-yaml", 1, 1, "file is not valid UTF-16 text")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _position(raw, nul)
        return "", Problem("invalid-yaml", line, column,
                           "binary file (a NUL byte here), not YAML or JSON text")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line, column = _position(raw, exc.start)
        return "", Problem(
            "invalid-yaml", line, column,
            f"file is not UTF-8 (byte 0x{raw[exc.start]:02x}); Kubernetes manifests must be UTF-8",
        )


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, as editors count) of a byte offset."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[line_start:offset].decode("utf-8", "replace")) + 1


def iter_documents(source: SourceFile) -> Iterator[Document]:
    """Parses the text one document at a time, so that the caller can drop each after use.

    A document that cannot be constructed, or is refused as too complex, is a problem (added
    to `source.problems`, as the loader's other problems) and comes with no data; invalid YAML
    ends the file.
    """
    constructor = ManifestConstructor()
    holds_objects, complaints = False, []
    roots = compose_unchecked(source.text)
    try:
        for index, root in enumerate(roots):
            data = None
            try:
                if isinstance(root, Refusal):
                    raise Refused(root)
                data = constructor.construct_fast(root)
            except Refused as refused:
                source.problems.append(_problem("document-too-complex", refused.refusal.mark, refused.refusal.message))
                yield Document(index, None, Span(0, 0, 0))
                continue
            except yaml.MarkedYAMLError as exc:  # a tag or scalar it cannot construct
                source.problems.append(_invalid_yaml(exc))
            else:
                holds_objects = holds_objects or is_object(data)
                complaints += object_complaints(root, data)
            source.problems.extend(_problem("duplicate-key", key.start_mark, _duplicate_message(key))
                                   for key in constructor.duplicate_keys)
            constructor.duplicate_keys.clear()
            yield Document(index, data, _span(root))
    except yaml.MarkedYAMLError as exc:
        source.problems.append(_invalid_yaml(exc))
    except yaml.reader.ReaderError as exc:
        source.problems.append(_unreadable_character(source.text, exc))
    except yaml.YAMLError as exc:
        source.problems.append(Problem("invalid-yaml", 1, 1, f"cannot parse: {exc}"))
    finally:
        roots.close()
    source.problems.extend(_problem("not-an-object", mark, message)
                           for only_among_objects, mark, message in complaints
                           if holds_objects or not only_among_objects)


def _span(node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark  # libyaml counts characters, not bytes
    return Span(start.index - start.column, end.index, start.line)


def _problem(rule: str, mark: yaml.Mark, message: str) -> Problem:
    return Problem(rule, mark.line + 1, mark.column + 1, message)


def _duplicate_message(key_node: yaml.Node) -> str:
    return (f"duplicate key {shorten(key_node.value)!r}: the API server rejects it (strict decoding) and YAML tools "
            "silently keep only the last value")


def _invalid_yaml(exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem("invalid-yaml", line, column, _describe(exc))


def _describe(exc: yaml.MarkedYAMLError) -> str:
    """libyaml's problem, then its context and where that started: `while parsing a flow
    mapping (from line 2, column 11)` points at the bracket left open."""
    parts = [exc.problem] if exc.problem else []
    if exc.context:
        started = exc.context_mark
        where = f" (from line {started.line + 1}, column {started.column + 1})" if started else ""
        parts.append(exc.context + where)
    return "invalid YAML: " + ", ".join(parts) if parts else "invalid YAML"


def _unreadable_character(text: str, exc: yaml.reader.ReaderError) -> Problem:
    # libyaml counts the offset in bytes of the UTF-8 text it was given.
    before = text.encode("utf-8")[: exc.position].decode("utf-8", "ignore")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return Problem("invalid-yaml", line, column,
                   f"invalid YAML: {exc.reason} (character #x{exc.character:04x})")
