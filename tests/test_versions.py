"""One table holds every Kubernetes-version cut-off: svclint/model/versions.py."""

from __future__ import annotations

import io
import re
import tokenize

from svclint.check.validation import bundled_schema_versions, supported_versions
from svclint.model import versions
from tests.conftest import REPO

# A Kubernetes minor version (`1.33`) in code, outside comments and docstrings.
MINOR_VERSION = re.compile(r"(?<![\d.])1\.\d{2}(?![\d.])")
TEXT_TOKENS = {tokenize.STRING, tokenize.NUMBER, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
# Format examples in messages about how to write a version, not cut-offs.
ALLOWED = {("svclint/check/settings.py", "1.30"), ("svclint/check/settings.py", "1.33")}


def code_tokens(path):
    """(line, text) of the string and number tokens of `path`, docstrings left out."""
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))
    previous = tokenize.NEWLINE
    for token in tokens:
        docstring = token.type == tokenize.STRING and previous in (tokenize.NEWLINE, tokenize.INDENT,
                                                                   tokenize.DEDENT, tokenize.NL)
        if token.type in TEXT_TOKENS and not docstring:
            yield token.start[0], token.string
        if token.type not in (tokenize.COMMENT, tokenize.NL):
            previous = token.type


def test_no_module_but_the_table_writes_a_kubernetes_minor_version() -> None:
    paths = [p for p in sorted((REPO / "svclint").rglob("*.py")) if p.name != "versions.py"]
    paths += sorted((REPO / "rules").glob("*.py"))
    found = []
    for path in paths:
        shown = str(path.relative_to(REPO))
        for line, text in code_tokens(path):
            for version in MINOR_VERSION.findall(text):
                if (shown, version) not in ALLOWED:
                    found.append(f"{shown}:{line}: {version}")
    assert found == [], "name a constant of svclint/model/versions.py instead"


def test_no_module_compares_the_minor_version_with_a_number() -> None:
    paths = [*(REPO / "svclint").rglob("*.py"), *(REPO / "rules").glob("*.py")]
    pattern = re.compile(r"(minor|kubernetes_minor)\s*(<|>|<=|>=|==)\s*\d|\d\s*(<|>|<=|>=)\s*\w*minor")
    found = [f"{p.relative_to(REPO)}:{n}" for p in paths if p.name != "versions.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert found == []


def test_the_schema_rows_are_the_bundled_schemas() -> None:
    assert supported_versions() == bundled_schema_versions()
    assert supported_versions()[0] == f"1.{versions.FIRST_SCHEMA}"
    assert supported_versions()[-1] == f"1.{versions.LAST_SCHEMA}"


def test_every_cutoff_constant_is_a_row_of_the_table() -> None:
    constants = {name: value for name, value in vars(versions).items() if name.isupper() and isinstance(value, int)}
    rows = {row.name: row.minor for row in versions.CUTOFFS}
    assert rows == constants
    assert all(row.what and row.where for row in versions.CUTOFFS)
