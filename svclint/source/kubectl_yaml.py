"""Build a document's data as kubectl reads it: the JSON that `kubectl apply` would send.

kubectl turns each YAML document into JSON with sigs.k8s.io/yaml, whose YAML reader is a
fork of go-yaml v2: a YAML 1.1 dialect that differs from PyYAML's resolver (`y` is a
boolean, `080` the number 80, `1:20` a string, `!Ref x` the string "x", and so on), with
merge keys applied where they stand, tags on collections ignored, and map keys turned
into JSON strings. docs/yaml-reading.md lists every form, with a test per row
(tests/test_yaml_reading.py).

PyYAML (libyaml) only composes the nodes here: `Loader.resolve` gives a plain scalar the
PLAIN tag, and this module resolves it the way go-yaml v2 does. The result holds only
what JSON holds: dicts with string keys, lists, str, int, float, bool and None. A float
with an integral value is an int, as encoding/json writes it (`80.0` is sent as `80`).
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import struct
import sys
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

PLAIN = "tag:svclint,2026:plain"  # a plain scalar without a tag: resolved below
STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
BINARY = "tag:yaml.org,2002:binary"
MERGE = "tag:yaml.org,2002:merge"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
RESOLVABLE = frozenset((INT, FLOAT, BOOL, NULL, TIMESTAMP))

INT64_MAX = 2**63 - 1
UINT64_MAX = 2**64 - 1
LARGEST_EXACT_JSON_INT = 1e21  # encoding/json writes floats below this without an exponent
MAX_PLAIN_DEPTH = 64  # deeper documents are checked by complexity.refusal_for first
MAX_MEMO_VALUE = 64  # characters: keys, names, ports and flags repeat; long texts rarely do
MEMO_ENTRIES = 4096

# go-yaml v2's table of words (resolve.go), looked up when the first character hints at one.
WORDS: dict[str, Any] = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
WORD_HINTS = frozenset("yYnNtTfFoO~")
NUMBER_HINTS = frozenset("+-0123456789")
# strconv.ParseInt(s, 0, 64) and ParseUint: a base prefix, else a leading 0 means octal.
GO_INT = re.compile(r"([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|(0[0-7]*)|([1-9][0-9]*))")
YAML_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
# Go's ParseFloat on text that starts with a dot (go-yaml tries it for those alone).
DOT_FLOAT = re.compile(r"\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?")
TIMESTAMP_TEXT = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2})"
    r"| [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?)?")
# The properties before a plain scalar tagged `!` (libyaml passes it on as untagged).
NON_SPECIFIC_TAG = re.compile(r"(?:&[^ \t\r\n]+\s+)?!\s")
# Escapes libyaml reads in double-quoted scalars but go-yaml v2's scanner rejects.
UNSUPPORTED_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\(/)")


class KubectlError(Exception):
    """kubectl cannot turn the document into JSON."""

    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.mark = node.start_mark
        self.message = message


class NeedsCheck(Exception):
    """The document has aliases or nests deep: complexity.refusal_for must see it first."""


@dataclass(frozen=True)
class Duplicate:
    key: ScalarNode  # the later key, whose value kubectl keeps
    dropped: str  # the earlier value, as written
    same_key: bool  # False when two different keys make one JSON key (`80` and "80")


def is_merge_key(node: Node) -> bool:
    """`<<` plain or tagged !!merge (quoted, it is an ordinary key), as go-yaml v2 decides."""
    return node.__class__ is ScalarNode and node.value == "<<" and node.tag in (PLAIN, MERGE)


def tag_of(kind: type, tag: str | None, plain: bool) -> str:
    """The tag a node gets when composed: its own, else PLAIN (to resolve here) or the default."""
    if tag is not None and tag != "!":
        return tag
    if kind is ScalarNode:
        return PLAIN if plain and tag is None else STR
    return SEQ if kind is SequenceNode else MAP


def build(root: Node, text: str, json_stream: bool = False, shared: bool = False,
          tagged: bool = True) -> tuple[Any, list[Duplicate]]:
    """The data of a composed document and its duplicate keys. Raises KubectlError, and
    NeedsCheck unless `shared` (aliases and deep nesting allowed: checked already). `tagged`
    False says the text has no `!` at all, so no scalar can carry a tag of its own."""
    builder = _Builder(text, json_stream, shared, tagged)
    return builder.value(root, 0), builder.duplicates


class _Builder:
    def __init__(self, text: str, json_stream: bool, shared: bool, tagged: bool) -> None:
        self.text = text
        self.json_stream = json_stream  # kubectl decodes a stream starting with `{` as JSON
        self.shared = shared
        self.tagged = tagged
        self.duplicates: list[Duplicate] = []
        self.built: dict[int, Any] = {}  # id(node) -> data: aliased collections built once
        self.reported: set[int] = set()  # mappings whose duplicates are recorded

    def value(self, node: Node, depth: int) -> Any:
        if node.__class__ is ScalarNode:
            return _json_value(node, self.scalar(node))
        if id(node) in self.built:  # an alias, or a mapping merged before
            if not self.shared:
                raise NeedsCheck
            built = self.built[id(node)]
            if built is not None:
                return built
        if depth == MAX_PLAIN_DEPTH and not self.shared:
            raise NeedsCheck
        if node.__class__ is MappingNode:
            mapping: dict = {}
            self.built[id(node)] = mapping
            self.fill(node, mapping, depth)
            return mapping
        items: list = []
        self.built[id(node)] = items
        items.extend(self.value(item, depth + 1) for item in node.value)
        return items

    def fill(self, node: MappingNode, into: dict, depth: int) -> None:
        """Writes the pairs in order, as go-yaml v2 does: a merge key merges where it stands,
        so keys after it override merged ones and merged ones override keys before it."""
        own: dict[str, tuple[Any, Node]] = {}  # JSON key -> the key as go-yaml read it, the value
        for key_node, value_node in node.value:
            if is_merge_key(key_node):
                self.merge(value_node, into, depth)
                continue
            read = self.scalar(key_node) if key_node.__class__ is ScalarNode else None
            key = self.key(key_node, read)
            earlier = own.get(key)
            if earlier is not None and id(node) not in self.reported:
                same = earlier[0] == read and earlier[0].__class__ is read.__class__
                self.duplicates.append(Duplicate(key_node, _written(earlier[1]), same))
            own[key] = (read, value_node)
            into[key] = self.value(value_node, depth + 1)
        self.reported.add(id(node))

    def merge(self, node: Node, into: dict, depth: int) -> None:
        if node.__class__ is MappingNode:
            self.note_alias(node)
            self.fill(node, into, depth + 1)
            return
        if node.__class__ is SequenceNode and all(item.__class__ is MappingNode for item in node.value):
            for item in reversed(node.value):  # the first mapping listed wins
                self.note_alias(item)
                self.fill(item, into, depth + 1)
            return
        raise KubectlError(node, "a merge key (<<) must merge a mapping or a list of mappings; "
                                 "kubectl rejects this document")

    def note_alias(self, node: Node) -> None:
        """A merged mapping is usually an alias: meeting it twice needs the complexity check."""
        if id(node) in self.built and not self.shared:
            raise NeedsCheck
        self.built.setdefault(id(node), None)

    @staticmethod
    def key(node: Node, value: Any) -> str:
        """The JSON key sigs.k8s.io/yaml makes of a key that go-yaml v2 read as `value`."""
        if node.__class__ is not ScalarNode:
            raise KubectlError(node, "a mapping or list used as a key: kubectl rejects this document "
                                     "(invalid map key)")
        if value.__class__ is str:
            return value
        if value is None:
            raise KubectlError(node, f"the key {_shown(node)} is null: kubectl rejects this document "
                                     "(unsupported map key); quote it")
        if value.__class__ is bool:
            return "true" if value else "false"
        if value.__class__ is int:
            if value > INT64_MAX:
                raise KubectlError(node, f"the key {_shown(node)} is beyond 64-bit integers: kubectl rejects "
                                         "this document (unsupported map key); quote it")
            return str(value)
        return go_float_key(value)

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == PLAIN:
            if self.tagged and self.text.startswith(("!", "&"), node.start_mark.index) \
                    and NON_SPECIFIC_TAG.match(self.text, node.start_mark.index):
                return node.value  # `! 80`: libyaml calls it plain; go-yaml leaves it a string
            return resolve_plain(node.value)
        if tag == STR:
            if node.style == '"' and not self.json_stream and "/" in node.value:
                self.check_escapes(node)
            return sys.intern(node.value) if len(node.value) <= MAX_MEMO_VALUE else node.value
        if tag in RESOLVABLE:
            try:
                return resolve_tagged(tag, node.value)
            except ValueError as error:
                raise KubectlError(node, str(error)) from None
        if tag == BINARY:
            return _binary(node)
        return node.value  # any other tag (`!Ref`, `!!set`, ...) is ignored: the text itself

    def check_escapes(self, node: ScalarNode) -> None:
        written = self.text[node.start_mark.index:node.end_mark.index]
        if UNSUPPORTED_ESCAPE.search(written):
            raise KubectlError(node, "`\\/` is not an escape kubectl's YAML reader knows: it rejects this "
                                     "document; write `/`")


def _json_value(node: ScalarNode, value: Any) -> Any:
    """A scalar as kubectl sends it: integral floats as integers (encoding/json writes 80.0 as
    80), integers beyond int64 as the float64 its re-decoding makes of them, no NaN or infinity."""
    if value.__class__ is int and value > INT64_MAX:
        value = float(value)
    if value.__class__ is not float:
        return value
    if not math.isfinite(value):
        raise KubectlError(node, f"{_shown(node)} is not a number JSON can hold: kubectl rejects this document "
                                 "(json: unsupported value); quote it if a string is meant")
    return int(value) if value.is_integer() and abs(value) < LARGEST_EXACT_JSON_INT else value


_plain_memo: dict[str, Any] = {}


def resolve_plain(text: str) -> Any:
    """A plain scalar's value, as go-yaml v2 resolves it (memoised: manifests repeat values)."""
    if len(text) > MAX_MEMO_VALUE:
        return _resolve(text, "")
    try:
        return _plain_memo[text]
    except KeyError:
        pass
    if len(_plain_memo) >= MEMO_ENTRIES:
        _plain_memo.clear()
    value = _plain_memo[text] = _resolve(text, "")
    return value


def resolve_tagged(tag: str, text: str) -> Any:
    """A scalar with an explicit tag (`!!int "80"`): the tag must fit what the text resolves to,
    except that an integer is a fine !!float. Raises ValueError."""
    value = _resolve(text, tag)
    if _tag_of_value(value, text) == tag:
        return value
    if tag == FLOAT and value.__class__ is int:
        return float(value)
    raise ValueError(f"cannot read {text!r} as !!{tag.rsplit(':', 1)[1]}: kubectl rejects this document")


def _tag_of_value(value: Any, text: str) -> str:
    if value is None:
        return NULL
    if value.__class__ is bool:
        return BOOL
    if value.__class__ is int:
        return INT
    if value.__class__ is float:
        return FLOAT
    return TIMESTAMP if TIMESTAMP_TEXT.fullmatch(text) else STR


def _resolve(text: str, tag: str) -> Any:
    """go-yaml v2's resolve(): the first character hints at what the text may be."""
    hint = text[:1]
    if hint and hint not in WORD_HINTS and hint not in NUMBER_HINTS and hint != ".":
        return text
    if text in WORDS:
        return WORDS[text]
    if hint == ".":
        return float(text.replace("_", "")) if DOT_FLOAT.fullmatch(text) else text
    if hint in NUMBER_HINTS:
        if tag in ("", TIMESTAMP) and TIMESTAMP_TEXT.fullmatch(text):
            return text  # a timestamp: go-yaml hands it over as the string it is
        return _number(text.replace("_", ""), text)
    return text


def _number(plain: str, text: str) -> Any:
    match = GO_INT.fullmatch(plain)
    if match is not None:
        sign, hexa, octal, binary, zero_octal, decimal = match.groups()
        digits, base = ((hexa, 16) if hexa else (octal, 8) if octal else (binary, 2) if binary
                        else (zero_octal, 8) if zero_octal else (decimal, 10))
        if len(digits.lstrip("0")) <= 64:  # longer is beyond 64 bits in any base (and int() may refuse it)
            number = -int(digits, base) if sign == "-" else int(digits, base)
            if -INT64_MAX - 1 <= number <= (UINT64_MAX if sign == "" else INT64_MAX):
                return number
    if YAML_FLOAT.fullmatch(plain):
        real = float(plain)
        if math.isfinite(real):  # ParseFloat fails on overflow: the text stays a string
            return real
    return text


def go_float_key(value: float) -> str:
    """A float key as sigs.k8s.io/yaml writes it: strconv.FormatFloat(v, 'g', -1, 32)."""
    if math.isnan(value):
        return ".nan"
    try:
        single = struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        single = math.copysign(math.inf, value)
    if math.isinf(single):
        return ".inf" if single > 0 else "-.inf"
    digits = next(d for d in range(1, 10) if _single(float(f"{single:.{d - 1}e}")) == single)
    mantissa, exponent = f"{single:.{digits - 1}e}".split("e")
    power = int(exponent)
    if power < -4 or power >= 6:  # shortest 'g' switches to an exponent from 1e+06 on
        return f"{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
    return f"{single:.{max(digits - 1 - power, 0)}f}"


def _single(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def _binary(node: ScalarNode) -> str:
    # Go's base64 decoder skips line breaks and nothing else; the bytes become a JSON string.
    try:
        data = base64.b64decode(node.value.replace("\r", "").replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        raise KubectlError(node, "!!binary value contains invalid base64 data: kubectl rejects this document") from None
    return data.decode("utf-8", "replace")


def _written(node: Node) -> str:
    if node.__class__ is ScalarNode:
        return _shown(node)
    return "a mapping" if node.__class__ is MappingNode else "a list"


def _shown(node: Node, limit: int = 40) -> str:
    text = node.value if isinstance(node.value, str) else ""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


class Loader(yaml.CSafeLoader):
    """libyaml's parser and composer; scalars are resolved by this module, not by PyYAML.

    The composer asks `resolve` for the tag of every node without one. A plain scalar gets
    PLAIN, so that `build` resolves it as go-yaml v2 does; tests/test_yaml_reading.py fails
    first if a PyYAML release stops calling it.
    """

    def resolve(self, kind: type, value: str | None, implicit: Any) -> str:
        if kind is ScalarNode:  # implicit: (plain, quoted); a bool for collections
            return PLAIN if implicit[0] else STR
        return SEQ if kind is SequenceNode else MAP
