"""Generated scalars in every position where their type matters: svclint accepts or rejects
each as the API server would, given the value kubectl sends for it.

The expected value is known by construction (an integer written in one of the syntaxes
go-yaml v2 reads, a word of its boolean lists, a plain string), not by asking svclint's
reader, so the reader is checked against docs/yaml-reading.md's rules, not against itself.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svclint.check.finding import Severity
from tests.conftest import lint_text

TRUE_WORDS = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]
FALSE_WORDS = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]
NULL_WORDS = ["~", "null", "Null", "NULL"]
LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")


def _underscored(digits: str, draw: Callable) -> str:
    """go-yaml strips every `_` from a number before reading it, once its first character
    (a digit) says it may be one: `_10` is a string."""
    at = draw(st.integers(1, len(digits)))
    return digits[:at] + "_" + digits[at:] if len(digits) > 1 else digits


@st.composite
def integers(draw: Callable) -> tuple[str, Any]:
    n = draw(st.one_of(st.integers(0, 70_000), st.integers(0, 2**40)))
    syntax = draw(st.sampled_from(["decimal", "plus", "hex", "HEX", "octal-o", "octal-O", "octal-zero", "binary",
                                   "underscore", "float", "exponent", "trailing-dot", "leading-zero-decimal",
                                   "quoted"]))
    form = {
        "decimal": str(n), "plus": f"+{n}", "hex": f"0x{n:x}", "HEX": f"0X{n:X}", "octal-o": f"0o{n:o}",
        "octal-O": f"0O{n:o}", "octal-zero": f"0{n:o}", "binary": f"0b{n:b}",
        "underscore": _underscored(str(n), draw), "float": f"{n}.0", "exponent": f"{n}e0",
        "trailing-dot": f"{n}.", "quoted": f'"{n}"',
        # 08 and 09 are no octal numbers: go-yaml reads them as the floats 8 and 9.
        "leading-zero-decimal": f"0{n}" if "8" in str(n) or "9" in str(n) else str(n),
    }[syntax]
    return form, (str(n) if syntax == "quoted" else n)


@st.composite
def words(draw: Callable) -> tuple[str, Any]:
    word = draw(st.sampled_from(TRUE_WORDS + FALSE_WORDS + NULL_WORDS))
    value = True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
    if draw(st.booleans()):
        return f"'{word}'", word  # quoted: a string
    return word, value


@st.composite
def strings(draw: Callable) -> tuple[str, Any]:
    text = draw(st.from_regex(r"[a-z][a-z0-9.-]{0,12}[a-z0-9]|[a-z]:[0-9]{2}|[0-9]{1,3}:[0-9]{2}", fullmatch=True))
    if text.lower() in {w.lower() for w in TRUE_WORDS + FALSE_WORDS + NULL_WORDS}:
        text += "x"
    return text, text  # sexagesimal forms (1:20) included: go-yaml has none


SCALARS = st.one_of(integers(), words(), strings())
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    probe: {label}
spec:
  publishNotReadyAddresses: {flag}
  selector: {{app: web}}
  ports:
    - port: {port}
"""
VALID = {"label": "ok", "flag": "true", "port": "80"}
LINES = {"label": 6, "flag": 8, "port": 11}


def api_server_accepts(position: str, value: Any) -> bool:
    if position == "port":
        return type(value) is int and 1 <= value <= 65535
    if position == "label":
        return value is None or (type(value) is str and len(value) <= 63 and LABEL_VALUE.fullmatch(value) is not None)
    return value is None or type(value) is bool


def svclint_accepts(tmp_path, position: str, form: str) -> bool:
    text = SERVICE.format(**{**VALID, position: form})
    report = lint_text(tmp_path, text, select=["SVC0", "SVC1"])
    return not [f for f in report.findings if f.severity is Severity.ERROR and f.line == LINES[position]]


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(scalar=SCALARS)
def test_ports(tmp_path, scalar: tuple[str, Any]) -> None:
    form, value = scalar
    assert svclint_accepts(tmp_path, "port", form) == api_server_accepts("port", value), form


@SETTINGS
@given(scalar=SCALARS)
def test_label_values(tmp_path, scalar: tuple[str, Any]) -> None:
    form, value = scalar
    assert svclint_accepts(tmp_path, "label", form) == api_server_accepts("label", value), form


@SETTINGS
@given(scalar=SCALARS)
def test_booleans(tmp_path, scalar: tuple[str, Any]) -> None:
    form, value = scalar
    assert svclint_accepts(tmp_path, "flag", form) == api_server_accepts("flag", value), form
