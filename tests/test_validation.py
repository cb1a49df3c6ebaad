"""The fast validity check (jsonschema-rs) and the detailed one (jsonschema) agree.

The schema rule trusts the fast check's "valid" and asks jsonschema for the errors only
otherwise, so findings stay the same only if both say "valid" for exactly the same Services.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from svclint.registry import load_rules
from svclint.resources import objects_in
from svclint.source import parse_source
from svclint.validation import fast_validator, passes_fast_check, supported_versions, validator
from tests.conftest import CORPUS, lint_text

pytest.importorskip("jsonschema_rs")


def services_in(text: str) -> Iterator[dict]:
    for document in parse_source("x.yaml", text.encode()).documents:
        for data, _ in objects_in(document.data):
            if data.get("apiVersion") == "v1" and data.get("kind") == "Service":
                yield data


def example_services() -> list[dict]:
    return [s for rule in load_rules().values() for e in rule.examples for s in services_in(e.text)]


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
}


def all_cases() -> list[tuple[str, dict]]:
    services = example_services() + corpus_services()
    cases = [(f"as written #{n}", s) for n, s in enumerate(services)]
    for name, mutate in MUTATIONS.items():
        for number, service in enumerate(services[:8]):
            changed = copy.deepcopy(service)
            mutate(changed)
            cases.append((f"{name} #{number}", changed))
    return cases


CASES = all_cases()


@pytest.mark.parametrize("version", [supported_versions()[0], supported_versions()[-1]])
def test_fast_and_detailed_checks_agree(version: str) -> None:
    assert len(CASES) > 100
    disagreements = [
        name for name, service in CASES
        if passes_fast_check(service, version) != (not list(validator(version).iter_errors(service)))
    ]
    assert disagreements == []
    verdicts = {passes_fast_check(service, version) for _, service in CASES}
    assert verdicts == {True, False}, "the cases hold valid and invalid Services"


def test_data_the_fast_check_cannot_take_goes_to_the_detailed_check() -> None:
    import datetime

    version = supported_versions()[-1]
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},
               "spec": {"selector": {1: "a"}, "externalName": datetime.date(2024, 1, 1)}}
    with pytest.raises(ValueError):
        fast_validator(version).is_valid(service)
    assert passes_fast_check(service, version) is False
    assert list(validator(version).iter_errors(service)) != []


def test_the_schema_rule_reports_the_same_with_and_without_the_fast_check(tmp_path: Path, monkeypatch) -> None:
    def schema_findings() -> list[tuple[int, int, str]]:
        return [(f.line, f.column, f.message)
                for rule in load_rules().values() for example in rule.examples
                for f in lint_text(tmp_path, example.text).findings if f.rule == "schema"]

    with_fast = schema_findings()
    monkeypatch.setattr("svclint.validation.passes_fast_check", lambda data, version: False)
    assert schema_findings() == with_fast
    assert with_fast, "the examples hold schema errors"
