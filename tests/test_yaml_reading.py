"""docs/yaml-reading.md is the reference of how kubectl reads YAML: every row is a test.

Scalars and keys are read in `v: <form>` and `<form>: x`; structures are whole files. A
row whose JSON column says `error` is one kubectl rejects: svclint reports an error there.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
import yaml

from svclint.source.documents import parse_source
from svclint.source.kubectl_yaml import PLAIN, STR, Loader
from tests.conftest import REPO

REFERENCE = REPO / "docs" / "yaml-reading.md"
ROW = re.compile(r"^\| `(?P<yaml>(?:[^`]|``)*)` \| (?P<json>`[^`]*`|error) \|", re.MULTILINE)
CASE = re.compile(r"^### (?P<title>.+?)\n\n```yaml\n(?P<yaml>.*?)```\n\n```(?P<kind>json|text)\n(?P<json>.*?)```",
                  re.MULTILINE | re.DOTALL)


def section(name: str) -> str:
    text = REFERENCE.read_text(encoding="utf-8")
    start = text.index(f"\n## {name}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def rows(name: str) -> list:
    found = [(m["yaml"].replace("\\|", "|"), m["json"]) for m in ROW.finditer(section(name))]
    assert len(found) >= 40, f"the {name} table lost its rows"
    return [pytest.param(form, expected, id=form) for form, expected in found]


def read(text: str) -> tuple[list[Any], list[str]]:
    """The data of each document, and the rules of svclint's error-level findings on it."""
    source = parse_source("reference.yaml", text.encode("utf-8"))
    errors = [p.rule for p in source.problems if p.rule in ("invalid-yaml", "not-an-object", "document-too-complex")]
    return [d.data for d in source.documents], errors


def same(found: Any, expected: Any) -> bool:
    """Equal as JSON: numbers by value (kubectl sends integers beyond int64 as float64)."""
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return (isinstance(found, (int, float)) and not isinstance(found, bool)
                and math.isclose(found, expected, rel_tol=1e-15))
    if isinstance(expected, dict):
        return isinstance(found, dict) and found.keys() == expected.keys() and all(
            same(found[k], expected[k]) for k in expected)
    if isinstance(expected, list):
        return isinstance(found, list) and len(found) == len(expected) and all(map(same, found, expected))
    return type(found) is type(expected) and found == expected


def check_row(text: str, expected: str, read_back) -> None:
    """`expected` is the JSON column: `error`, or the value `read_back(data)` must equal."""
    documents, errors = read(text)
    if expected == "error":
        assert errors == ["invalid-yaml"]
    else:
        assert errors == []
        assert same(read_back(documents[0]), json.loads(expected.strip("`"))), documents[0]


@pytest.mark.parametrize(("form", "expected"), rows("Scalars"))
def test_scalar(form: str, expected: str) -> None:
    check_row(f"v: {form}\n", expected, lambda data: data["v"])


@pytest.mark.parametrize(("form", "expected"), rows("Keys"))
def test_key(form: str, expected: str) -> None:
    check_row(f"{form}: x\n", expected, lambda data: list(data)[0])


def cases() -> list:
    found = [pytest.param(m["yaml"], m["json"].strip(), id=m["title"]) for m in CASE.finditer(section("Structures"))]
    assert len(found) >= 20, "the Structures section lost its cases"
    return found


@pytest.mark.parametrize(("text", "expected"), cases())
def test_structure(text: str, expected: str) -> None:
    documents, errors = read(text)
    if expected == "error":
        assert errors, documents
    else:
        assert errors == []
        objects = [d for d in documents if d is not None]
        assert same(objects[0], json.loads(expected))


def test_pyyaml_still_asks_the_loader_for_every_tag() -> None:
    """kubectl_yaml.Loader overrides `resolve`, which libyaml's composer calls for each node
    without a tag: if a PyYAML release stops calling it, this fails, not the users."""
    node = yaml.compose("plain: 'quoted'\n\"key\": [x]\n", Loader=Loader)
    [(plain, quoted), (key, sequence)] = node.value
    assert (plain.tag, quoted.tag, key.tag, sequence.tag) == (PLAIN, STR, STR, "tag:yaml.org,2002:seq")
    assert node.tag == "tag:yaml.org,2002:map"
