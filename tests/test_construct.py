"""Plain documents are built in one pass; documents with aliases or deep nesting are checked
by complexity.py first and built again: both paths give the same data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from svclint.check.registry import load_rules
from svclint.source.complexity import refusal_for
from svclint.source.documents import Refused, construct, decode_source, iter_documents
from svclint.source.kubectl_yaml import KubectlError, Loader, build
from tests.conftest import CORPUS, REPO, lint_text, problems

FEATURES = {
    "integers": "a: [0x1F, 0o17, 017, 1_000, '7', 1:30, +5, -0, 0b101, 123456789012345678901234567890]\n",
    "floats": "a: [1e3, 1.5, .inf, -.Inf, .NaN, 1_0.5, 6.8523015e+5, 190:20:30.15]\n",
    "booleans and nulls": "a: [yes, No, on, OFF, true, False, ~, null, '']\nb:\nc: Null\n",
    "timestamps stay strings": "a: 2001-12-14t21:59:43.10-05:00\nb: 2002-12-14\nc: [2001-12-14 21:59:43.10 -5]\n",
    "strings of every style": "a: 'q'\nb: \"d\\tq\"\nc: |\n  block\nd: >-\n  folded\n  text\ne: plain text\n",
    "explicit tags": "a: !!str 5\nb: !!int '7'\nc: !!float 1\nd: !!bool 'yes'\ne: !!null ''\n",
    "binary, set, omap, pairs": "a: !!binary aGVsbG8=\nb: !!set {x, y}\nc: !!omap [{k: 1}]\nd: !!pairs [{k: 1}, {k: 2}]\n",
    "merge keys": "base: &b {x: 1, y: 2}\none:\n  <<: *b\n  y: 3\ntwo:\n  <<: [*b, {z: 4}]\n  x: 0\n",
    "shared aliases": "a: &x [1, {b: 2}]\nc: *x\nd: &s text\ne: *s\n",
    "recursive alias": "a: &r\n  self: *r\n",
    "duplicate keys": "a: 1\nb: 2\na: 3\nc: {d: 1, d: 2}\ne: [{f: 1, f: 1}]\n",
    "duplicates under a merge key": "base: &b {x: 1}\nm:\n  <<: *b\n  x: 2\n  y: 1\n  y: 2\n",
    "keys of other types": "1: int\n1.5: float\ntrue: bool\n~: null key\n2001-12-14: date\n",
    "keys that look alike": "yes: a\ntrue: b\n'1': c\n1: d\n",
    "a complex key": "? [a, b]\n: c\n",
    "a mapping key": "? {a: 1}\n: c\n",
    "value key": "=: equals\n",
    "an unknown tag": "a: !thing {b: 1}\n",
    "an unknown tag on a key": "!thing k: v\n",
    "deep nesting": "a: " + "[" * 300 + "]" * 300 + "\n" + "b:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 120)),
    "scalar documents": "--- 5\n--- text\n--- ~\n---\n--- [1, 2]\n",
    "a list of documents with anchors in each": "--- &a {x: 1}\n--- &a {y: 2}\n---\nz: *a\n",
}


def outcome(fast: bool, text: str) -> list[tuple]:
    """Per document: repr of its data and where duplicate keys are, or the error raised; built
    by the one-pass path (falling back to the checked one) or by the checked path alone."""
    loader = Loader(text)
    results = []
    try:
        while loader.check_node():
            node = loader.get_node()
            try:
                data, duplicates = construct(node, text) if fast else checked_construct(node, text)
            except Refused as refused:
                results.append(("refused", refused.refusal.mark.line, refused.refusal.message))
                continue
            except KubectlError as error:
                results.append(("kubectl error", error.mark.line, error.message))
                continue
            where = sorted((d.key.start_mark.line, d.key.start_mark.column) for d in duplicates)
            results.append((repr(data), where, _types(data)))
    except yaml.YAMLError as exc:
        results.append(("error", type(exc).__name__, str(exc)))
    finally:
        loader.dispose()
    return results


def checked_construct(node: yaml.Node, text: str):
    refusal = refusal_for(node)
    if refusal is not None:
        raise Refused(refusal)
    return build(node, text, shared=True)


def load(text: str):
    return construct(yaml.compose(text, Loader=Loader), text)[0]


def _types(data, depth: int = 0) -> str:
    """The types at every level (repr does not tell a str key 'True' from the bool)."""
    if depth > 150:  # also ends recursive structures
        return "..."
    if isinstance(data, dict):
        return "{" + ",".join(f"{_types(k, depth + 1)}:{_types(v, depth + 1)}" for k, v in data.items()) + "}"
    if isinstance(data, list):
        return "[" + ",".join(_types(v, depth + 1) for v in data) + "]"
    return type(data).__name__


@pytest.mark.parametrize("name", FEATURES)
def test_yaml_features(name: str) -> None:
    assert outcome(True, FEATURES[name]) == outcome(False, FEATURES[name])


def test_aliases_stay_shared_objects_and_recursion_is_refused() -> None:
    # One object, not copies: an alias bomb stays small (complexity.py refuses big ones).
    data = load("a: &x [1]\nb: *x\n")
    assert data["a"] is data["b"]
    with pytest.raises(Refused):
        load("r: &r {self: *r}\n")


def manifests() -> list:
    """Every real manifest; the few above 500 kB (a second or more each) only in the whole suite."""
    roots = [CORPUS, REPO / "examples"]
    paths = sorted(p for root in roots if root.is_dir() for p in root.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
    return [pytest.param(p, id=f"{p.parent.name}/{p.name}", marks=[pytest.mark.slow] if p.stat().st_size > 500_000 else [])
            for p in paths]


@pytest.mark.parametrize("path", manifests())
def test_real_manifests(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert outcome(True, text) == outcome(False, text)


def test_rule_examples() -> None:
    texts = [example.text for rule in load_rules().values() for example in rule.examples]
    assert [outcome(True, t) for t in texts] == [outcome(False, t) for t in texts]


REDEFINED_ANCHORS = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: before}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: again
  annotations: {first: &value a, second: &value b, third: *value}
data:
  list: &items x
  other: &items y
  last: *items
---
apiVersion: v1
kind: Service
metadata: {name: web, labels: &labels {app: one}}
spec:
  selector: &labels {app: two}
  type: NodePort
  ports: [{port: 80, nodePort: 80}]
  sessionAffinity: *labels
"""


def test_an_anchor_defined_again_is_what_later_aliases_refer_to() -> None:
    """libyaml refuses a second anchor of one name; YAML 1.2 and kubectl's decoder let the
    alias refer to the latest, and so does svclint (from the document where it happens on)."""
    source = decode_source("anchors.yaml", REDEFINED_ANCHORS.encode())
    documents = [document.data for document in iter_documents(source)]
    assert source.problems == []
    assert documents[0]["metadata"] == {"name": "before"}
    assert documents[1]["metadata"]["annotations"] == {"first": "a", "second": "b", "third": "b"}
    assert documents[1]["data"] == {"list": "x", "other": True, "last": True}  # `y` is a boolean for kubectl
    assert documents[2]["spec"]["sessionAffinity"] == {"app": "two"}


def test_findings_in_a_document_with_a_redefined_anchor_are_located(tmp_path) -> None:
    report = lint_text(tmp_path, REDEFINED_ANCHORS, select=["nodeport-out-of-range", "invalid-yaml", "schema"])
    # An aliased value is located where its (latest) anchor defines it.
    assert problems(report) == [(19, 13, "schema"), (21, 32, "nodeport-out-of-range")]
