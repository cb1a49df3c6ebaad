"""Rule documentation for people: the `svclint rules` table and the `svclint explain` page.

The explain page is Markdown (as `ruff rule` prints it), so the SARIF report reuses it as
each rule's help shown on a code scanning alert.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any, Iterable

from svclint.check.registry import ANY_KIND, Example, Option, Rule
from svclint.check.settings import shown_default
from svclint.model.workloads import BUILT_IN, EACH, PROJECTS, PodSource, WorkloadKind
from svclint.source.positions import Path

_EXPECT_MARKER = re.compile(r"#\s*expect:\s*([a-z0-9-]+)")  # the test marker in bad examples


def by_code(rules: Iterable[Rule]) -> list[Rule]:
    return sorted(rules, key=lambda rule: rule.code)


def table(rules: Iterable[Rule]) -> str:
    rows = [("RULE", "CODE", "SEVERITY", "SUMMARY")]
    rows += [(r.slug, r.code, r.severity.label, r.summary) for r in by_code(rules)]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3] for row in rows
    )


def markdown_table(rules: Iterable[Rule]) -> str:
    """The README's rule table (between its rules-table markers): `svclint rules --format markdown`."""
    rows = ["| rule | code | severity | what | fix | settings and options |", "|---|---|---|---|---|---|"]
    for rule in by_code(rules):
        tuning = [f"`{key}`" for key in rule.settings] + [f"`{name}` (option)" for name in rule.options]
        fix = "" if rule.fix == "none" else rule.fix
        rows.append(f"| `{rule.slug}` | {rule.code} | {rule.severity.label} | {_cell(rule.summary)} | {fix} | "
                    f"{', '.join(tuning)} |")
    return "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def as_json(rules: Iterable[Rule]) -> list[dict[str, Any]]:
    return [
        {"slug": r.slug, "code": r.code, "severity": r.severity.label, "summary": r.summary,
         "kinds": list(r.kinds), "fix": r.fix}
        for r in by_code(rules)
    ]


def find(name: str, rules: dict[str, Rule]) -> Rule | None:
    """The rule named by its slug or its code (any case)."""
    wanted = name.strip().lower()
    return next((r for r in rules.values() if wanted in (r.slug, r.code.lower())), None)


def suggestions(name: str, rules: dict[str, Rule]) -> list[str]:
    return difflib.get_close_matches(name.strip().lower(), list(rules), n=3, cutoff=0.6)


def section(rule: Rule, heading: str) -> str:
    """The text under `## heading` in the rule's rationale; empty when there is none."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", rule.rationale, re.S | re.M)
    return match[1].strip() if match else ""


def explain(rule: Rule, workload_kinds: dict[str, WorkloadKind] | None = None) -> str:
    """The rule's page; `workload_kinds` (the built-in ones, and the configuration's) are listed
    for a rule that the `workloads` setting changes."""
    scope = ", ".join(rule.kinds) if rule.kinds else "every input file"
    if ANY_KIND in rule.kinds:
        scope = "objects of every kind"
    parts = [
        f"# {rule.slug} ({rule.code})",
        rule.summary,
        f"Severity: {rule.severity.label}. Checks: {scope}.",
        rule.rationale,
    ]
    if rule.fix != "none":
        parts.append(f"## Fix availability\n\n{_FIX_AVAILABILITY[rule.fix]} {rule.fix_summary}")
    if rule.options:
        parts.append(_options(rule))
    if rule.settings:
        parts.append("## Settings\n\nRun settings (configuration keys and flags) that change what it reports:\n\n"
                     + "\n".join(f"- `{key}` (default: {shown_default(key)}): {text}"
                                  for key, text in rule.settings.items()))
    if "workloads" in rule.settings:
        parts.append(_workload_kinds(BUILT_IN if workload_kinds is None else workload_kinds))
    if rule.examples:
        parts.append("## Examples\n\n" + "\n\n".join(_example(e) for e in rule.examples))
    return "\n\n".join(parts) + "\n"


_FIX_AVAILABILITY = {
    "safe": "A safe fix is available: `svclint --fix` applies it.",
    "unsafe": "An unsafe fix is available: `svclint --fix --unsafe-fixes` applies it.",
}


def _workload_kinds(kinds: dict[str, WorkloadKind]) -> str:
    """Every kind whose pods the rule knows, with where it keeps its pod template."""
    lines = []
    for name, kind in kinds.items():
        origin = "from the configuration" if BUILT_IN.get(name) != kind else PROJECTS.get(name, "")
        lines.append(f"- `{name}`" + (f" ({origin})" if origin else "") + ": "
                     + "; ".join(_source(source) for source in kind.sources))
    return ("## Workload kinds\n\nPods come from the pod templates of these kinds (`group/Kind`: that API group "
            "only; `Kind`: any group), at these paths; add yours under `workloads:` in the configuration:\n\n"
            + "\n".join(lines))


def _source(source: PodSource) -> str:
    where = f"`{_dotted(source.template)}`" if source.template else "the object itself"
    return where + (f" with the labels of `{_dotted(source.labels)}`" if source.labels else "")


def _dotted(path: Path) -> str:
    return ".".join(map(str, path)).replace(f".{EACH}", "[]")


def _options(rule: Rule) -> str:
    """The rule's own options, as ruff documents a rule's options: each with its type, default and
    meaning, then how to set them in the configuration file."""
    entries = "\n".join(f"- `{name}` ({_constraints(option)}; default: {_show(option.default)}): "
                         f"{option.description}" for name, option in rule.options.items())
    name, option = next(iter(rule.options.items()))
    yaml_value = json.dumps(list(option.default) if option.type == "array" else option.default)
    toml_value = yaml_value if option.type != "boolean" else yaml_value.lower()
    return (f"## Options\n\n{entries}\n\nSet them under `rule-options` in `.svclint.yaml` or in "
            f"`pyproject.toml`:\n\n```yaml\nrule-options:\n  {rule.slug}:\n    {name}: {yaml_value}\n```\n\n"
            f"```toml\n[tool.svclint.rule-options.{rule.slug}]\n{name} = {toml_value}\n```")


def _constraints(option: Option) -> str:
    text = option.type_label
    if option.enum is not None:
        text += ": one of " + ", ".join(f"`{value}`" for value in option.enum)
    if option.minimum is not None or option.maximum is not None:
        low = "" if option.minimum is None else f"{option.minimum:g}"
        high = "" if option.maximum is None else f"{option.maximum:g}"
        text += f", {low}..{high}"
    return text


def _example(example: Example) -> str:
    heading = ("### Bad" if example.bad else "### Good") + (f": {example.title}" if example.title else "")
    if example.settings:
        heading += " (with " + ", ".join(f"`{k}: {_show(v)}`" for k, v in _flat_settings(example.settings)) + ")"
    manifest = _EXPECT_MARKER.sub(r"# <- \1", example.text).rstrip("\n")
    return f"{heading}\n\n```yaml\n{manifest}\n```"


def _flat_settings(settings: dict[str, Any]) -> list[tuple[str, Any]]:
    """An example's settings, with `rule-options: {rule: {name: value}}` shown as `name: value`."""
    flat = []
    for key, value in settings.items():
        if key == "rule-options" and isinstance(value, dict):
            flat += [item for options in value.values() for item in options.items()]
        else:
            flat.append((key, value))
    return flat


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "none"
    return value if isinstance(value, str) else json.dumps(value)
