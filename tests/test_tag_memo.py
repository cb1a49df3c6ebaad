"""complexity.Loader remembers the tags of plain scalars: they must be exactly PyYAML's."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from svclint import complexity

SCALARS = [
    "80", "0x1F", "0o17", "017", "1_000", "+12", "-0", "190:20:30", "1.5", "1e3", "6.8523015e+5", ".inf",
    "-.Inf", ".NaN", "yes", "No", "on", "OFF", "true", "y", "~", "null", "Null", "", "2001-12-14t21:59:43.10-05:00",
    "2002-12-14", "TCP", "app.kubernetes.io/name", "<<", "=", "'80'", '"true"', "! 80", "!!str 80", "!!int '7'",
    "|\n  block\n", "x" * 65, "1" * 65, "1" * 64,
]


def tags(text: str, loader: type) -> list[tuple[str, str]]:
    node = yaml.compose(text, Loader=loader)
    found = []
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            found.append((node.value, node.tag))
        elif isinstance(node, yaml.MappingNode):
            stack += [part for pair in node.value for part in pair]
        else:
            stack += node.value
    return found


def document(values: list[str]) -> str:
    return "".join(f"k{number}: {value}\n" if "\n" not in value else f"k{number}: {value}"
                   for number, value in enumerate(values))


@pytest.mark.parametrize("loader", [complexity.Loader, complexity._PythonComposer])
def test_tags_are_pyyaml_s_also_when_remembered(loader: type) -> None:
    text = document(SCALARS) + "list: [80, '80', yes, ~, 1.5]\n"
    expected = tags(text, yaml.CSafeLoader)
    assert ("80", "tag:yaml.org,2002:int") in expected and ("80", "tag:yaml.org,2002:str") in expected
    assert tags(text, loader) == expected
    assert tags(text, loader) == expected  # now from the memo


def test_a_full_memo_starts_afresh(monkeypatch) -> None:
    monkeypatch.setattr(complexity, "MEMO_ENTRIES", 3)
    monkeypatch.setattr(complexity.Loader, "_plain_tags", {})
    text = document(SCALARS)
    assert tags(text, complexity.Loader) == tags(text, yaml.CSafeLoader)
    assert len(complexity.Loader._plain_tags) <= 3


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789+-._:eExXoObBtTyYnN~ ", min_size=1, max_size=12), min_size=1, max_size=8))
def test_generated_plain_scalars(values: list[str]) -> None:
    text = document([value.strip() or "0" for value in values])
    try:
        expected = tags(text, yaml.CSafeLoader)
    except yaml.YAMLError:
        assume(False)
    assert tags(text, complexity.Loader) == expected
