"""Shared by the tests of the Service validation rules: the SVC1xx family, what the API server
rejects (and warns about) in a Service on its own. Context rules (selectorless Services,
NodePort exposure, ...) speak about other things, so these tests select the family."""

from __future__ import annotations

from pathlib import Path

from svclint.check.registry import load_rules
from tests.conftest import lint_text, problems

VALIDATION_RULES = tuple(slug for slug, rule in load_rules().items() if rule.code.startswith("SVC1"))


def validation_report(tmp_path: Path, text: str, *also: str, **settings):
    return lint_text(tmp_path, text, select=VALIDATION_RULES + also, **settings)


def validation_problems(tmp_path: Path, text: str, *also: str, **settings) -> list[tuple[int, int, str]]:
    return problems(validation_report(tmp_path, text, *also, **settings))
