"""Read manifest files and parse them into documents, one document at a time, as kubectl reads them.

libyaml (C) composes the nodes (speed); kubectl_yaml.py builds the data kubectl would send
from them; positions are not kept here but recomputed, only for documents that have
findings, by `positions.py`. Hostile documents are refused before construction by
`complexity.py`.
"""

from __future__ import annotations

import bisect
import codecs
import itertools
import os
import re
import sys
from array import array
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import yaml
from yaml.composer import ComposerError

from svclint.source.complexity import (
    Refusal,
    compose_documents,
    compose_unchecked,
    refusal_for,
)
from svclint.source.discover import STDIN
from svclint.source.json_reading import load_json
from svclint.source.kubectl_yaml import Duplicate, KubectlError, NeedsCheck, build
from svclint.source.lines import Lines, blanked, split_lines
from svclint.source.objects import Complaint, is_object
from svclint.source.objects import complaints as object_complaints
from svclint.source.streams import read_once

STDIN_NAME = "<stdin>"
MAX_COMPLAINTS = 1_000  # not-an-object findings listed one by one in a file


@dataclass(frozen=True)
class Header:
    """The apiVersion, kind, namespace and name written at the root of a document, read from
    its nodes so that a document kubectl cannot decode is still named in its findings."""

    api_version: str  # "" when not written
    kind: str
    namespace: str  # "" when not written
    name: str


@dataclass(frozen=True)
class Problem:
    """A problem the loader itself finds (bad YAML, duplicate keys), with its position."""

    rule: str
    line: int
    column: int
    message: str
    document: int | None = None  # index of the document it is about, when it is about one
    header: Header | None = None  # that document's identity, when readable


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
    # Its nodes (positions in the whole text), while it is being checked: locating a finding
    # then needs no second composition. None for JSON read as JSON and refused documents.
    root: yaml.Node | None = field(default=None, compare=False, repr=False)


@dataclass
class SourceFile:
    path: str  # as shown to the user
    text: str
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class Refused(Exception):
    """complexity.py refuses the document: it is not constructed."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def construct(root: yaml.Node, text: str, json_stream: bool = False,
              tagged: bool = True) -> tuple[Any, list[Duplicate]]:
    """The data kubectl reads from a composed document, and its duplicate keys.

    Plain documents (no alias, less than 64 levels: nearly all) are built at once; others
    only once complexity.py has not refused them. Raises Refused or KubectlError."""
    try:
        return build(root, text, json_stream, tagged=tagged)
    except NeedsCheck:
        pass
    refusal = refusal_for(root)
    if refusal is not None:
        raise Refused(refusal)
    return build(root, text, json_stream, shared=True, tagged=tagged)


def shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def load_single_document(text: str) -> tuple[yaml.Node | None, Any, list[yaml.ScalarNode]]:
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
    try:
        data, duplicates = construct(found[0], text)
    except KubectlError as error:
        raise yaml.MarkedYAMLError(problem=error.message, problem_mark=error.mark) from None
    return found[0], data, [duplicate.key for duplicate in duplicates]


def parse_source(display: str, raw: bytes) -> SourceFile:
    """Decodes and parses the bytes of a file shown to the user as `display`."""
    source = decode_source(display, raw)
    source.documents.extend(iter_documents(source))
    return source


def read_raw(path: str) -> tuple[str, bytes, bool]:
    """The name to show and the bytes of a file (or of stdin), read once, and whether it is a
    regular file, which can be read again (a pipe cannot); raises OSError."""
    if path == STDIN:
        return STDIN_NAME, sys.stdin.buffer.read(), False
    raw, regular = read_once(path)
    return path, raw, regular


def decode_source(display: str, raw: bytes) -> SourceFile:
    """The text of a file, not parsed yet (see iter_documents)."""
    text, problems = decode(raw)
    return SourceFile(display, text, problems=problems)


def read_text(path: str) -> str:
    """The decoded text of a file read before (to locate findings in it again)."""
    with open(path, "rb") as handle:
        return decode(handle.read())[0]


def source_lines(path: str, wanted: Iterable[int]) -> dict[int, str]:
    """Lines (numbered from 1, counted as in lines.py) of a regular file read before, to show
    under findings; none from stdin, a pipe or a file that cannot be read again."""
    if path == STDIN_NAME or not os.path.isfile(path):
        return {}
    try:
        lines = split_lines(read_text(path))
    except OSError:
        return {}
    return {number: lines[number - 1] for number in wanted if 0 < number <= len(lines)}


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


UTF8_BOM = b"\xef\xbb\xbf"
_BYTE_SEPARATOR = re.compile(rb"^---", re.MULTILINE)


def decode(raw: bytes) -> tuple[str, list[Problem]]:
    """The text kubectl reads from a file's bytes: UTF-8, or UTF-16 with a byte-order mark
    (cli-runtime transcodes it), and a byte that is not UTF-8 replaced by U+FFFD. Such a
    byte is an error in its own document; the other documents read as they are."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "", [Problem("invalid-yaml", 1, 1, "file is UTF-32 text, which kubectl cannot read; "
                                                  "Kubernetes manifests must be UTF-8")]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), []
        except UnicodeDecodeError:
            return "", [Problem("invalid-yaml", 1, 1, "file is not valid UTF-16 text")]
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _position(raw, nul)
        return "", [Problem("invalid-yaml", line, column, "binary file (a NUL byte here), not YAML or JSON text")]
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM):]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    _undecodable.clear()
    text = raw.decode("utf-8", "svclint-replace-and-record")
    return text, _undecodable_problems(raw, _undecodable)


_undecodable: list[int] = []  # offsets found by the error handler below, for one decode() at a time


def _replace_and_record(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    _undecodable.append(error.start)
    return "\ufffd", error.end


codecs.register_error("svclint-replace-and-record", _replace_and_record)


def _undecodable_problems(raw: bytes, bad: list[int]) -> list[Problem]:
    """The first byte that is not UTF-8 in each document, and how many more it holds."""
    starts = [0] + [match.start() for match in _BYTE_SEPARATOR.finditer(raw)]
    by_document: dict[int, list[int]] = {}
    for offset in bad:
        by_document.setdefault(bisect.bisect_right(starts, offset), []).append(offset)
    problems = []
    for offsets in by_document.values():
        line, column = _position(raw, offsets[0])
        more = f" ({len(offsets) - 1} more in this document)" if len(offsets) > 1 else ""
        problems.append(Problem("invalid-yaml", line, column, (
            f"byte 0x{raw[offsets[0]]:02x} is not UTF-8{more}: kubectl reads it as U+FFFD, so what it applies "
            "is not what was written; save the file as UTF-8")))
    return problems


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, as editors count) of a byte offset."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[line_start:offset].decode("utf-8", "replace")) + 1


_JSON_STREAM = re.compile(r"[ \t\r\n]*\{")
# kubectl splits a stream into documents at lines starting with `---` before reading YAML,
# and refuses one with more than a comment after it. The line break leads the pattern so
# that the regex engine skips to each line start rather than trying every character.
_REFUSED_LINE_START = r"(?:---[ \t]*(?P<content>[^ \t\r\n#])|%)"
_REFUSED_LINE = re.compile(r"\n" + _REFUSED_LINE_START)
_REFUSED_FIRST_LINE = re.compile(_REFUSED_LINE_START)


def is_json_stream(text: str) -> bool:
    """kubectl reads a stream whose first character is `{` as JSON, not YAML."""
    return _JSON_STREAM.match(text) is not None


def stream_problems(text: str) -> Iterator[Problem]:
    """What kubectl's document splitter rejects though YAML allows it."""
    first = _REFUSED_FIRST_LINE.match(text)
    starts = ([(0, first)] if first else []) + [(m.start() + 1, m) for m in _REFUSED_LINE.finditer(text)]
    for offset, match in starts:
        if match.group("content") is None:
            yield _problem_at(text, offset, (
                "kubectl does not read YAML directives: it splits the stream at `---` lines and fails on "
                "this line as a document of its own; delete it"))
        else:
            yield _problem_at(text, offset, (
                "kubectl rejects content after `---` on the same line (invalid Yaml document separator); "
                "move it to the next line"))


def _problem_at(text: str, offset: int, message: str, rule: str = "invalid-yaml") -> Problem:
    return Problem(rule, text.count("\n", 0, offset) + 1, 1, message)


_DOCUMENT_END = re.compile(r"(?:\A|(?<=\n))\.\.\.(?=[ \t\r\n]|\Z)[^\n]*\n?")
_NEXT_SEPARATOR = re.compile(r"^---", re.MULTILINE)


def without_ignored_text(text: str, problems: list[Problem]) -> str:
    """The text with what kubectl never reads blanked out (line breaks kept, so positions
    hold): after a `...` line, kubectl's YAML reader stops until the next `---` line."""
    if "\n..." not in text and not text.startswith("..."):  # nearly every file: no document-end line
        return text
    parts, done = [], 0
    for end in _DOCUMENT_END.finditer(text):
        if end.start() < done:
            continue
        separator = _NEXT_SEPARATOR.search(text, end.end())
        stop = separator.start() if separator else len(text)
        ignored = text[end.end():stop]
        content = re.search(r"^[ \t]*[^ \t\r\n#]", ignored, re.MULTILINE)
        if content is None:
            continue
        problems.append(_problem_at(text, end.end() + content.start(), (
            "kubectl never reads this: after a `...` line it ignores everything up to the next `---` line; "
            "start the document with `---`"), "ignored-by-kubectl"))
        parts += [text[done:end.end()], blanked(ignored)]
        done = stop
    return "".join(parts) + text[done:] if parts else text


def iter_documents(source: SourceFile) -> Iterator[Document]:
    """Parses the text one document at a time, so that the caller can drop each after use.

    A document that cannot be constructed, or is refused as too complex, is a problem (added
    to `source.problems`, as the loader's other problems) and comes with no data; invalid YAML
    ends the file.
    """
    text, lines = source.text, Lines(source.text)
    json_stream = is_json_stream(text)
    if json_stream:
        document = _json_document(text, lines)
        if document is not None:
            yield document
            return
    if not json_stream:
        source.problems.extend(stream_problems(text))
        text = without_ignored_text(text, source.problems)
    holds_objects, complaints = False, _Complaints()
    tagged = "!" in text  # once a file: most have no tag at all
    roots = compose_unchecked(text)
    try:
        for index, root in enumerate(roots):
            data, duplicates = None, list[Duplicate]()
            try:
                if isinstance(root, Refusal):
                    raise Refused(root)
                data, duplicates = construct(root, text, json_stream, tagged)
            except Refused as refused:
                source.problems.append(_problem(lines, "document-too-complex", refused.refusal.mark,
                                                refused.refusal.message))
                yield Document(index, None, Span(0, 0, 0))
                continue
            except KubectlError as error:
                source.problems.append(_problem(lines, "invalid-yaml", error.mark, error.message,
                                                index, header_of(root)))
            else:
                holds_objects = holds_objects or is_object(data)
                found = object_complaints(root, data)
                if found:
                    complaints.add(found, index, header_of(root))
            if duplicates:
                header = header_of(root)
                source.problems.extend(_problem(lines, "duplicate-key", d.key.start_mark, _duplicate_message(d),
                                                index, header) for d in duplicates)
            yield Document(index, data, _span(lines, root), root)  # type: ignore[arg-type]  # a node: refusals went on above
    except yaml.MarkedYAMLError as exc:
        source.problems.append(_invalid_yaml(lines, exc))
    except yaml.reader.ReaderError as exc:
        source.problems.append(_unreadable_character(text, exc))
    except yaml.YAMLError as exc:
        source.problems.append(Problem("invalid-yaml", 1, 1, f"cannot parse: {exc}"))
    finally:
        roots.close()
    source.problems.extend(complaints.problems(lines, holds_objects))


def _json_document(text: str, lines: Lines) -> Document | None:
    """The one object of a JSON file read with the json module (see json_reading.py), when it
    is one the YAML path would read alike and find nothing wrong with; else None."""
    loaded = load_json(text)
    if loaded is None or not _clean_object(loaded[0]):
        return None
    data, start, end = loaded
    line = lines.at(start)[0]
    return Document(0, data, Span(start - lines.at(start)[1] + 1, end, line - 1))


def _clean_object(data: Any) -> bool:
    """An object, or a List of objects: nothing for not-an-object to say (its messages point
    at nodes, which only the YAML path composes)."""
    if not is_object(data) or not data["kind"].endswith("List") or "items" not in data:
        return is_object(data)
    return isinstance(data["items"], list) and all(is_object(item) for item in data["items"])


class _Complaints:
    """The not-an-object complaints of a file, kept until it is known whether the file holds
    objects: the first MAX_COMPLAINTS one by one, the others counted (a million `- a`
    documents would otherwise keep a million marks and messages, 200 MB)."""

    def __init__(self) -> None:
        self.kept: list[tuple[Complaint, int, Header | None]] = []  # with the document it is about
        self.more: dict[bool, tuple[int, yaml.Mark]] = {}  # only among objects -> count, first mark

    def add(self, complaints: list[Complaint], document: int, header: Header | None) -> None:
        for complaint in complaints:
            if len(self.kept) < MAX_COMPLAINTS:
                self.kept.append((complaint, document, header))
            else:
                count, mark = self.more.get(complaint[0], (0, complaint[1]))
                self.more[complaint[0]] = count + 1, mark

    def problems(self, lines: Lines, holds_objects: bool) -> Iterator[Problem]:
        for (only_among_objects, mark, message), document, header in self.kept:
            if holds_objects or not only_among_objects:
                yield _problem(lines, "not-an-object", mark, message, document, header)
        counted = [(count, mark) for only, (count, mark) in self.more.items() if holds_objects or not only]
        if counted:
            yield _problem(lines, "not-an-object", min((m for _, m in counted), key=lambda m: m.index),
                           f"and {sum(c for c, _ in counted):,} more documents or items from here on are "
                           "not Kubernetes objects either (not listed one by one)")


def _span(lines: Lines, node: yaml.Node) -> Span:
    start = node.start_mark  # libyaml counts characters, not bytes
    return Span(lines.line_start(start), node.end_mark.index, lines.of(start)[0] - 1)


def _problem(lines: Lines, rule: str, mark: yaml.Mark, message: str,
             document: int | None = None, header: Header | None = None) -> Problem:
    return Problem(rule, *lines.of(mark), message, document, header)


def header_of(root: yaml.Node | Refusal) -> Header | None:
    """`apiVersion`, `kind`, `metadata.namespace` and `metadata.name` as scalars of the root
    mapping (the last of duplicate keys, as kubectl keeps), or None without a kind and a name."""
    top = _scalars(root)
    metadata = _scalars(top.get("metadata"))
    kind, name = top.get("kind"), metadata.get("name")
    if not isinstance(kind, str) or not isinstance(name, str) or not kind or not name:
        return None
    api_version, namespace = top.get("apiVersion"), metadata.get("namespace")
    return Header(api_version if isinstance(api_version, str) else "", kind,
                  namespace if isinstance(namespace, str) else "", name)


def _scalars(node: Any) -> dict[str, Any]:
    """A mapping node's scalar keys to their values: text for scalar values, else the node."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: value.value if isinstance(value, yaml.ScalarNode) else value
            for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _duplicate_message(duplicate: Duplicate) -> str:
    key = shorten(duplicate.key.value)
    if duplicate.same_key:
        return (f"duplicate key {key!r}: kubectl keeps this value and silently drops the earlier one "
                f"({duplicate.dropped})")
    return (f"key {key!r} is the same JSON key as an earlier one: kubectl keeps only one of the two "
            f"values, this one or {duplicate.dropped}")


def _invalid_yaml(lines: Lines, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = lines.of(mark) if mark else (1, 1)
    return Problem("invalid-yaml", line, column, _describe(lines, exc))


def _describe(lines: Lines, exc: yaml.MarkedYAMLError) -> str:
    """libyaml's problem, then its context and where that started: `while parsing a flow
    mapping (from line 2, column 11)` points at the bracket left open."""
    parts = [exc.problem] if exc.problem else []
    if exc.context:
        started = exc.context_mark
        where = " (from line {}, column {})".format(*lines.of(started)) if started else ""
        parts.append(exc.context + where)
    return "invalid YAML: " + ", ".join(parts) if parts else "invalid YAML"


def _unreadable_character(text: str, exc: yaml.reader.ReaderError) -> Problem:
    # libyaml counts the offset in bytes of the UTF-8 text it was given.
    before = text.encode("utf-8")[: exc.position].decode("utf-8", "ignore")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return Problem("invalid-yaml", line, column,
                   f"invalid YAML: {exc.reason} (character #x{exc.character:04x})")
