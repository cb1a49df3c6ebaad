"""The rule catalog: one `rules/<slug>.yaml` per rule, and beside it the check's module.

`rules/nodeport-out-of-range.yaml` holds the metadata, docs and examples; its check is
`check()` in `rules/nodeport_out_of_range.py` (installed as `svclint.rules`); a cross-object
rule (`scope: index`) also declares there, as `READS`, what it reads of the indexed objects
(see svclint/model/facts.py: only that is kept of them). Rules that
the loader itself reports (`produced-by: loader`), or the suppression machinery
(`produced-by: suppressions`), have no module.
"""

from __future__ import annotations

import functools
import importlib
import importlib.resources
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import yaml

from svclint.check.finding import Hit, Severity
from svclint.model.facts import Reads

RULES_PACKAGE = "svclint.rules"
Check = Callable[..., Iterator[Hit]]
ANY_KIND = "*"  # in `kinds:`, a rule that looks at objects of every kind


@dataclass(frozen=True)
class Example:
    title: str
    text: str
    bad: bool
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    slug: str
    code: str
    severity: Severity
    summary: str
    rationale: str
    kinds: tuple[str, ...]
    examples: tuple[Example, ...]
    options: dict[str, Any]
    produced_by: str  # "check", "loader" or "suppressions"
    scope: str  # "object": sees one object; "index": also reads the index of all objects

    def applies_to(self, qualified_kind: str) -> bool:
        return qualified_kind in self.kinds or ANY_KIND in self.kinds

    @functools.cached_property
    def check(self) -> Check | None:
        if self.produced_by != "check":
            return None
        return self._module().check

    @property
    def reads(self) -> Reads:
        """What a cross-object rule reads of the indexed objects (its module's READS); a
        per-object rule reads only the whole object it is given, never facts."""
        if self.scope != "index" or self.produced_by != "check":
            return {}
        module = self._module()
        if not hasattr(module, "READS"):
            raise ValueError(f"{module.__name__}: a rule with `scope: index` declares what it reads (READS)")
        return module.READS

    def _module(self) -> Any:
        return importlib.import_module(f"{RULES_PACKAGE}.{self.slug.replace('-', '_')}")


class RulesByKind:
    """The rules, each with its context, that apply to a kind, sorted out once per kind:
    a run has many objects but few kinds."""

    def __init__(self, rules: list[tuple[Rule, Any]]) -> None:
        self.rules = rules
        self._of_kind: dict[str, list[tuple[Rule, Any]]] = {}

    def of_kind(self, qualified_kind: str) -> list[tuple[Rule, Any]]:
        if qualified_kind not in self._of_kind:
            self._of_kind[qualified_kind] = [(r, c) for r, c in self.rules if r.applies_to(qualified_kind)]
        return self._of_kind[qualified_kind]


@functools.lru_cache(maxsize=1)
def load_rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for entry in sorted(importlib.resources.files(RULES_PACKAGE).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            rule = _parse_rule(entry.name[: -len(".yaml")], _load_yaml(entry.read_text("utf-8")))
            rules[rule.slug] = rule
    return rules


def _parse_rule(file_slug: str, data: dict) -> Rule:
    if data.get("slug") != file_slug:
        raise ValueError(f"rules/{file_slug}.yaml: slug {data.get('slug')!r} does not match the file name")
    examples = tuple(
        Example(e.get("title", ""), e["bad"] if "bad" in e else e["good"], "bad" in e, e.get("settings", {}))
        for e in data.get("examples", [])
    )
    return Rule(
        slug=data["slug"],
        code=data["code"],
        severity=Severity.parse(data["severity"]),
        summary=data["summary"].strip(),
        rationale=data["rationale"].strip(),
        kinds=tuple(data.get("kinds", ())),
        examples=examples,
        options=data.get("options", {}),
        produced_by=data.get("produced-by", "check"),
        scope=data.get("scope", "object"),
    )


def _load_yaml(text: str) -> Any:
    # The C loader: every run parses every rule file, and the pure-Python one takes ~15x longer.
    return yaml.load(text, Loader=yaml.CSafeLoader)
