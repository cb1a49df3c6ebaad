"""Rule selectors, as ruff has them: a slug (`selector-no-match`), a code (`SVC201`) or a
code prefix (`SVC2`, `SVC`), in `select`, `ignore`, `severity`, `per-file-ignores` and
suppressions alike.

A ValidatingAdmissionPolicy's findings have the rule `policy:<name>`: the selector
`policy:<name>` names that policy exactly, `policy` every policy.

When a rule is both selected and ignored, the more specific selector wins (a slug or a full
code over a prefix, a longer prefix over a shorter one); on a tie, ignore wins.
"""

from __future__ import annotations

import difflib
import functools
from typing import Iterable

from svclint.check.registry import Rule, load_rules

EXACT = 1000  # specificity of a slug or a full code; a prefix's is its length
# Findings that say svclint could not read a file or a document at all. They are reported
# whatever select, ignore, per-file-ignores, severity overrides and suppressions say (as ruff
# reports syntax errors): a run that selects a few rules must not pass on a file nobody read.
# not-an-object is not among them: svclint read that document, and says what it holds.
BROKEN_INPUT = frozenset({"invalid-yaml", "document-too-complex"})


class UnknownRuleError(ValueError):
    """A selector names no rule; the message says which and suggests one."""


def specificity(selector: str, rule: Rule) -> int | None:
    """How specifically `selector` names `rule`, or None when it does not name it."""
    if selector in (rule.slug, rule.code):
        return EXACT
    if selector.startswith("SVC") and rule.code.startswith(selector):
        return len(selector)
    return None


POLICY_PREFIX = "policy:"
ALL_POLICIES = "policy"


def is_policy_selector(selector: str) -> bool:
    return selector == ALL_POLICIES or (selector.startswith(POLICY_PREFIX) and len(selector) > len(POLICY_PREFIX))


def policy_specificity(selector: str, rule: str) -> int | None:
    """How specifically `selector` names the policy rule `rule` (`policy:<name>`), or None."""
    if selector == rule:
        return EXACT
    return 1 if selector == ALL_POLICIES else None


@functools.lru_cache(maxsize=4096)  # asked for each verdict: tens of thousands in a run, for a few policies
def policy_enabled(rule: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    """Whether `select` (every policy when empty) and `ignore` leave a policy's findings on."""
    chosen = [s for s in (policy_specificity(sel, rule) for sel in select) if s is not None]
    ignored = [s for s in (policy_specificity(sel, rule) for sel in ignore) if s is not None]
    selected = max(chosen) if chosen else (0 if not select else None)
    return selected is not None and (not ignored or selected > max(ignored))


def matches(selector: str, slug: str) -> bool:
    if slug.startswith(POLICY_PREFIX):
        return policy_specificity(selector, slug) is not None
    rule = load_rules().get(slug)
    return rule is not None and specificity(selector, rule) is not None


def check_selector(selector: str) -> None:
    """Raises UnknownRuleError unless `selector` names at least one rule."""
    if is_policy_selector(selector):
        return
    rules = load_rules().values()
    if any(specificity(selector, rule) is not None for rule in rules):
        return
    names = [rule.slug for rule in rules] + [rule.code for rule in rules]
    close = difflib.get_close_matches(selector, names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else " (expected a rule slug, a code such as SVC201, or a prefix such as SVC2)"
    raise UnknownRuleError(f"unknown rule {selector!r}{hint}")


def enabled(rules: Iterable[Rule], select: Iterable[str], ignore: Iterable[str]) -> list[Rule]:
    """The rules that `select` (all rules when empty) and `ignore` leave switched on, and
    those reporting broken input, always."""
    select, ignore = tuple(select), tuple(ignore)
    chosen = []
    for rule in rules:
        if rule.slug in BROKEN_INPUT:
            chosen.append(rule)
            continue
        selected = _best(select, rule) if select else 0
        ignored = _best(ignore, rule)
        if selected is not None and (ignored is None or selected > ignored):
            chosen.append(rule)
    return chosen


def most_specific(selectors: Iterable[str], rule: Rule) -> str | None:
    """The selector among `selectors` that names `rule` most specifically (the first on a tie)."""
    best, best_specificity = None, -1
    for selector in selectors:
        found = specificity(selector, rule)
        if found is not None and found > best_specificity:
            best, best_specificity = selector, found
    return best


def _best(selectors: tuple[str, ...], rule: Rule) -> int | None:
    found = [s for s in (specificity(selector, rule) for selector in selectors) if s is not None]
    return max(found) if found else None
