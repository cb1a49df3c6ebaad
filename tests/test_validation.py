"""jsonschema-rs and jsonschema give the same schema findings.

The schema rule takes jsonschema-rs's verdict and errors, and asks jsonschema only for data
jsonschema-rs cannot take; findings stay the same only if both libraries agree, on valid
and invalid Services alike. The Services of the rule examples, as written and mutated, are
compared in the inner loop; the corpus's (seconds to parse) in the whole suite (marked slow).
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from svclint.check.registry import load_rules
from svclint.check.validation import (
    SchemaError,
    _hit,
    detailed_errors,
    fast_errors,
    supported_versions,
)
from svclint.model.resources import objects_in
from svclint.source.documents import parse_source
from tests.conftest import CORPUS, lint_text

pytest.importorskip("jsonschema_rs")


def services_in(text: str) -> Iterator[dict]:
    for document in parse_source("x.yaml", text.encode()).documents:
        for data, _ in objects_in(document.data):
            if data.get("apiVersion") == "v1" and data.get("kind") == "Service":
                yield data


def example_services() -> list[dict]:
    return [s for rule in load_rules().values() for e in rule.examples for s in services_in(e.text)]


@functools.lru_cache(maxsize=None)  # seconds to parse: once for both versions
def corpus_services() -> list[dict]:
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml", ".json")) if CORPUS.is_dir() else []
    return [s for path in files for s in services_in(path.read_text(encoding="utf-8"))]


def _spec(service: dict) -> dict:
    if not isinstance(service.get("spec"), dict):
        service["spec"] = {}
    return service["spec"]


def _first_port(service: dict) -> dict:
    spec = _spec(service)
    if not isinstance(spec.get("ports"), list) or not spec["ports"] or not isinstance(spec["ports"][0], dict):
        spec["ports"] = [{"port": 80}]
    return spec["ports"][0]


# Each turns a Service into one the API server rejects (or, for some, still accepts).
MUTATIONS: dict[str, Callable[[dict], Any]] = {
    "port as a string": lambda s: _first_port(s).update(port="80"),
    "port as a float": lambda s: _first_port(s).update(port=80.5),
    "port as a whole float": lambda s: _first_port(s).update(port=80.0),
    "port as a boolean": lambda s: _first_port(s).update(port=True),
    "port with 30 digits": lambda s: _first_port(s).update(port=10**30),
    "port missing": lambda s: _first_port(s).pop("port", None),
    "protocol in lower case": lambda s: _first_port(s).update(protocol="tcp"),
    "unknown type": lambda s: _spec(s).update(type="Internal"),
    "misspelled field": lambda s: _spec(s).update(selecter={"app": "x"}),
    "ports as a string": lambda s: _spec(s).update(ports="80"),
    "selector value as a number": lambda s: _spec(s).update(selector={"app": 1}),
    "selector as a list": lambda s: _spec(s).update(selector=["app"]),
    "spec as a list": lambda s: s.update(spec=[]),
    "name as a mapping": lambda s: s.setdefault("metadata", {}).update(name={"a": 1}),
    "labels null": lambda s: s.setdefault("metadata", {}).update(labels=None),
    "annotation as a number": lambda s: s.setdefault("metadata", {}).update(annotations={"a": 1}),
    "unknown top-level field": lambda s: s.update(status2={}),
    "clusterIPs as a string": lambda s: _spec(s).update(clusterIPs="None"),
    "nodePort as a float": lambda s: _first_port(s).update(nodePort=30000.5),
    "another apiVersion": lambda s: s.update(apiVersion="v2"),
    "kind misspelled": lambda s: s.update(kind="Servic"),
    "apiVersion as a number": lambda s: s.update(apiVersion=1),
    "ports missing port and name as a number": lambda s: _spec(s).update(ports=[{"name": 1}, {"port": "x"}]),
    "targetPort as a list": lambda s: _first_port(s).update(targetPort=[8080]),
    "status with an unknown field": lambda s: s.update(status={"loadBalancer": {"ingres": []}}),
    "port beyond 32 bits": lambda s: _first_port(s).update(port=2**31),
    "port at the 32-bit bounds": lambda s: _spec(s).update(ports=[{"port": 2**31 - 1}, {"port": -(2**31)}]),
    "nodePort below 32 bits": lambda s: _first_port(s).update(nodePort=-(2**31) - 1),
    "port as a huge whole float": lambda s: _first_port(s).update(port=3e29),
    "healthCheckNodePort beyond 32 bits": lambda s: _spec(s).update(healthCheckNodePort=2**40),
    "generation beyond 64 bits": lambda s: s.setdefault("metadata", {}).update(generation=2**63),
}


@functools.lru_cache(maxsize=None)
def example_cases() -> list[tuple[str, dict]]:
    """The examples' Services as written, and the first eight mutated each way."""
    services = example_services()
    cases = [(f"as written #{n}", s) for n, s in enumerate(services)]
    for name, mutate in MUTATIONS.items():
        for number, service in enumerate(services[:8]):
            changed = copy.deepcopy(service)
            mutate(changed)
            cases.append((f"{name} #{number}", changed))
    return cases


def findings(errors: list[SchemaError]) -> list[tuple]:
    return sorted((repr(hit.path), hit.message, hit.anchor) for hit in map(_hit, errors))


def compare(cases: list[tuple[str, dict]], version: str) -> tuple[int, int, int]:
    """Asserts that both libraries agree on each case; returns (compared, left to jsonschema, invalid)."""
    compared, left_to_jsonschema, invalid = 0, 0, 0
    for name, service in cases:
        detailed = detailed_errors(service, version)
        fast = fast_errors(service, version)
        invalid += bool(detailed)
        if fast is None:
            left_to_jsonschema += 1
            continue
        assert findings(fast) == findings(detailed), name
        compared += 1
    return compared, left_to_jsonschema, invalid


VERSIONS = [supported_versions()[0], supported_versions()[-1]]


@pytest.mark.parametrize("version", VERSIONS)
def test_both_libraries_give_the_same_findings(version: str) -> None:
    cases = example_cases()
    assert len(cases) > 100
    compared, left_to_jsonschema, invalid = compare(cases, version)
    assert invalid > 100 and compared - (len(cases) - invalid) > 100, "many invalid Services compared"
    assert 0 < left_to_jsonschema < invalid / 10  # the oneOf of targetPort


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/real is not beside this checkout")
@pytest.mark.parametrize("version", VERSIONS)
def test_both_libraries_give_the_same_findings_on_the_corpus(version: str) -> None:
    cases = [(f"corpus #{n}", s) for n, s in enumerate(corpus_services())]
    compared, left_to_jsonschema, invalid = compare(cases, version)
    assert compared > 50 and left_to_jsonschema <= invalid


def test_integers_beyond_64_bits_are_checked_by_jsonschema_rs_too() -> None:
    # kubectl's reader gives only JSON data; the largest integers are the only unusual part.
    version = supported_versions()[-1]
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},
               "spec": {"ports": [{"port": 2**70}]}}
    assert [e.keyword for e in fast_errors(service, version)] == [e.keyword for e in detailed_errors(service, version)]


def test_a_failed_one_of_goes_to_jsonschema() -> None:
    version = supported_versions()[-1]
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},
               "spec": {"ports": [{"port": 80, "targetPort": [8080]}]}}
    assert fast_errors(service, version) is None
    assert findings(detailed_errors(service, version)) == [
        ("('spec', 'ports', 0, 'targetPort')", "spec.ports[0].targetPort must be a string, not list ", "value"),
    ]


def test_the_schema_rule_reports_the_same_without_jsonschema_rs(tmp_path: Path, monkeypatch) -> None:
    def schema_findings() -> list[tuple[int, int, str]]:
        return [(f.line, f.column, f.message)
                for rule in load_rules().values() for example in rule.examples
                for f in lint_text(tmp_path, example.text).findings if f.rule == "schema"]

    with_rs = schema_findings()
    monkeypatch.setattr("svclint.check.validation.fast_errors", lambda data, version: None)
    assert schema_findings() == with_rs
    assert with_rs, "the examples hold schema errors"
