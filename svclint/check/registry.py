"""The rule catalog: one `rules/<slug>.yaml` per rule, and beside it the check's module.

`rules/nodeport-out-of-range.yaml` holds the metadata, docs and examples; its check is
`check()` in `rules/nodeport_out_of_range.py` (installed as `svclint.rules`); a cross-object
rule (`scope: index`) also declares there, as `READS`, what it reads of the indexed objects
(see svclint/model/facts.py: only that is kept of them). Rules that
the loader itself reports (`produced-by: loader`), or the suppression machinery
(`produced-by: suppressions`), have no module.

Every file is checked against `schemas/rule.schema.json` as the catalog loads: a misspelled
key is a RuleFileError naming the file, the line and the key, not a KeyError later.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import importlib.resources
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

import yaml

from svclint.check.finding import Hit, Severity
from svclint.model.facts import Reads

RULES_PACKAGE = "svclint.rules"
SCHEMAS_PACKAGE = "svclint.schemas"
RULE_SCHEMA = "rule.schema.json"
Check = Callable[..., Iterator[Hit]]
ANY_KIND = "*"  # in `kinds:`, a rule that looks at objects of every kind


@dataclass(frozen=True)
class Example:
    title: str
    text: str
    bad: bool
    settings: dict = field(default_factory=dict)
    file: str = "manifest.yaml"  # the name it is written to (kustomization.yaml renders it as an overlay)


class RuleFileError(ValueError):
    """A rules/*.yaml file does not match schemas/rule.schema.json; the message names file, line and key."""


class OptionError(ValueError):
    """A value does not fit a rule option's type; the message says what was expected."""


_TYPE_NAMES = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
               "array": "a list"}
_ITEM_NAMES = {"string": "strings", "integer": "integers", "number": "numbers", "boolean": "booleans"}


def _has_type(value: Any, type_name: str) -> bool:
    if type_name == "boolean":
        return isinstance(value, bool)
    if type_name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if type_name == "string":
        return isinstance(value, str)
    return isinstance(value, (list, tuple))


@dataclass(frozen=True)
class Option:
    """A rule's own option, as `options:` in its YAML declares it (typed, with a default)."""

    name: str
    type: str  # string, integer, number, boolean or array
    default: Any
    description: str
    items: str | None = None  # for arrays: the type of each item
    enum: tuple | None = None
    minimum: float | None = None
    maximum: float | None = None

    @property
    def type_label(self) -> str:
        return f"list of {_ITEM_NAMES[self.items]}" if self.type == "array" and self.items else self.type

    def parse(self, value: Any) -> Any:
        """`value` checked against the option's type; lists become tuples. Raises OptionError."""
        expected = f"a list of {_ITEM_NAMES[self.items]}" if self.type == "array" and self.items else \
            _TYPE_NAMES[self.type]
        if not _has_type(value, self.type):
            raise OptionError(f"expected {expected}, got {value!r}")
        values = list(value) if self.type == "array" else [value]
        for item in values:
            if self.type == "array" and self.items and not _has_type(item, self.items):
                raise OptionError(f"expected {expected}, got {value!r}")
            if self.enum is not None and item not in self.enum:
                raise OptionError(f"expected one of {', '.join(map(str, self.enum))}, got {item!r}")
            if self.minimum is not None and item < self.minimum:
                raise OptionError(f"expected at least {self.minimum:g}, got {item!r}")
            if self.maximum is not None and item > self.maximum:
                raise OptionError(f"expected at most {self.maximum:g}, got {item!r}")
        return tuple(value) if self.type == "array" else value


@dataclass(frozen=True)
class Rule:
    slug: str
    code: str
    severity: Severity
    summary: str
    rationale: str
    kinds: tuple[str, ...]
    examples: tuple[Example, ...]
    options: dict[str, Option]  # the rule's own options (`rule-options:` in the configuration)
    settings: dict[str, str]  # run settings that change what it reports: setting key -> how
    produced_by: str  # "check", "loader", "suppressions", "renderer" or "policies"
    scope: str  # "object": sees one object; "index": also reads the index of all objects
    fix: str = "none"  # what --fix does for its findings: none, safe or unsafe (rules/*.yaml `fix`)
    fix_summary: str = ""  # one sentence on what the fix does

    def applies_to(self, qualified_kind: str) -> bool:
        return qualified_kind in self.kinds or ANY_KIND in self.kinds

    def options_for(self, rule_options: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
        """The value of each option: the defaults, overridden by the run's `rule-options` for this rule."""
        chosen = rule_options.get(self.slug, {})
        return {name: chosen.get(name, option.default) for name, option in self.options.items()}

    @functools.cached_property
    def check(self) -> Check | None:
        if self.produced_by != "check":
            return None
        return self._module().check

    def hits(self, resource: Any, inputs: Any) -> Iterable[Hit]:
        """What the rule's check() finds on `resource` (nothing for a rule the loader or the
        suppressions produce)."""
        return self.check(resource, inputs) if self.check else ()

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
    return load_rule_directory(importlib.resources.files(RULES_PACKAGE))


def load_rule_directory(directory: Any) -> dict[str, Rule]:
    """The rules of every `*.yaml` in `directory` (a Traversable or a pathlib.Path), each
    checked against the rule schema; raises RuleFileError for the first bad one."""
    rules: dict[str, Rule] = {}
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            rule = parse_rule_file(entry.read_text("utf-8"), f"rules/{entry.name}")
            if rule.code in {r.code for r in rules.values()}:
                raise RuleFileError(f"rules/{entry.name}: code {rule.code} is already "
                                    f"{next(r.slug for r in rules.values() if r.code == rule.code)}'s")
            rules[rule.slug] = rule
    return rules


def parse_rule_file(text: str, shown: str) -> Rule:
    """The rule in `text`, the file shown as `shown` (rules/<slug>.yaml) in errors."""
    try:
        data = _load_yaml(text)
    except yaml.YAMLError as exc:
        raise RuleFileError(f"{shown}: invalid YAML: {exc}") from None
    problem = schema_problem(data)
    if problem is not None:
        path, message = problem
        line = _line_of(text, path)
        raise RuleFileError(f"{shown}{f':{line}' if line else ''}: {message}")
    file_slug = shown.rsplit("/", 1)[-1].removesuffix(".yaml")
    if data["slug"] != file_slug:
        raise RuleFileError(f"{shown}: slug {data['slug']!r} does not match the file name")
    options = {}
    for name, spec in data.get("options", {}).items():
        option = Option(name, spec["type"], spec["default"], spec["description"].strip(),
                        spec.get("items", {}).get("type"), tuple(spec["enum"]) if "enum" in spec else None,
                        spec.get("minimum"), spec.get("maximum"))
        try:
            option = Option(**{**option.__dict__, "default": option.parse(option.default)})
            if option.enum is not None:
                for value in option.enum:
                    option.parse([value] if option.type == "array" else value)
        except OptionError as exc:
            line = _line_of(text, ("options", name, "default"))
            raise RuleFileError(f"{shown}{f':{line}' if line else ''}: options.{name}: the default does not fit "
                                f"the option: {exc}") from None
        options[name] = option
    return _parse_rule(data, options)


def _parse_rule(data: dict, options: dict[str, Option]) -> Rule:
    examples = tuple(
        Example(e.get("title", ""), e["bad"] if "bad" in e else e["good"], "bad" in e, e.get("settings", {}),
                e.get("file", "manifest.yaml"))
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
        options=options,
        settings={key: " ".join(text.split()) for key, text in data.get("settings", {}).items()},
        produced_by=data.get("produced-by", "check"),
        scope=data.get("scope", "object"),
        fix=data.get("fix", "none"),
        fix_summary=" ".join(data.get("fix-summary", "").split()),
    )


@functools.lru_cache(maxsize=1)
def rule_schema() -> dict:
    return json.loads(importlib.resources.files(SCHEMAS_PACKAGE).joinpath(RULE_SCHEMA).read_text("utf-8"))


@functools.lru_cache(maxsize=1)
def _fast_validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(rule_schema())


def schema_problem(data: Any) -> tuple[tuple, str] | None:
    """None when `data` matches the rule schema, else the path to the first problem and what
    it is. jsonschema-rs says "valid" in microseconds; jsonschema (slow to import) words the errors."""
    try:
        if _fast_validator().is_valid(data):
            return None
    except (ImportError, ValueError, TypeError):  # not installed, or data it cannot take: ask jsonschema
        pass
    import jsonschema

    validator = jsonschema.Draft202012Validator(rule_schema())
    # The most specific first: the deepest, and a plain keyword before a `not` (`items` without type array).
    errors = sorted(validator.iter_errors(data), key=lambda e: (-len(e.absolute_path), e.validator == "not"))
    if not errors:
        return None
    return _describe(_most_specific(errors[0]))


def _most_specific(error: Any) -> Any:
    """For a failed oneOf or if/then (an example with both bad and good, ...), the inner error."""
    while error.context:
        error = min(error.context, key=lambda e: (-len(e.absolute_path), e.validator == "required"))
    return error


def _describe(error: Any) -> tuple[tuple, str]:
    path = tuple(error.absolute_path)
    where = _dotted(path)
    prefix = f"{where}: " if where else ""
    if error.validator == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        unknown = [key for key in error.instance if key not in known]
        key = unknown[0]
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(known)})"
        return path + (key,), f"{prefix}unknown key {key!r}{hint}"
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return path, f"{prefix}missing key {missing!r}"
    if error.validator == "enum":
        return path, f"{prefix}{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "not" and "required" in error.validator_value:  # `items` on an option not an array
        return path, f"{prefix}key {error.validator_value['required'][0]!r} is not allowed here"
    if error.validator == "oneOf":  # an example with both `bad` and `good`
        keys = [key for option in error.validator_value for key in option.get("required", ())]
        return path, f"{prefix}expected exactly one of the keys {', '.join(map(repr, keys))}"
    return path, f"{prefix}{error.message}"


def _dotted(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line_of(text: str, path: tuple) -> int | None:
    """The line of the key (or list item) at `path` in the YAML `text`; None when it cannot be found."""
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _load_yaml(text: str) -> Any:
    # The C loader: every run parses every rule file, and the pure-Python one takes ~15x longer.
    return yaml.load(text, Loader=yaml.CSafeLoader)
