"""The generic validators: same verdicts and messages as k8s.io/apimachinery's."""

from __future__ import annotations

import pytest

from svclint.model.apimachinery import (
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    label_value_errors,
    mask_trailing_dash,
    port_name_errors,
)


@pytest.mark.parametrize("value", ["a", "web", "2fa-api", "a" * 63, "123"])
def test_dns1123_labels_accepted(value: str) -> None:
    assert is_dns1123_label(value) == []


def test_dns1123_label_with_dots_says_so() -> None:
    assert is_dns1123_label("my.svc") == ["must not contain dots"]


def test_dns1123_label_too_long_and_malformed_gives_both_messages() -> None:
    problems = is_dns1123_label("A" * 64)
    assert problems[0] == "must be no more than 63 characters"
    assert problems[1].startswith("a lowercase RFC 1123 label must consist of lower case alphanumeric")
    assert problems[1].endswith("(e.g. 'my-name',  or '123-abc', regex used for validation is "
                                "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')")


@pytest.mark.parametrize(("value", "valid"), [("web", True), ("2fa", False), ("web-", False), ("a" * 63, True),
                                              ("a" * 64, False), ("Web", False)])
def test_dns1035_label(value: str, valid: bool) -> None:
    assert (is_dns1035_label(value) == []) is valid


def test_generate_name_may_end_with_a_dash() -> None:
    assert is_dns1035_label(mask_trailing_dash("web-")) == []
    assert is_dns1035_label(mask_trailing_dash("web--")) == []
    assert is_dns1035_label(mask_trailing_dash("2fa-")) != []


@pytest.mark.parametrize("value", ["app", "app.kubernetes.io/name", "MyName", "a_b.c", "example.com/" + "a" * 63])
def test_qualified_names_accepted(value: str) -> None:
    assert is_qualified_name(value) == []


@pytest.mark.parametrize(("value", "start"), [
    ("a/b/c", "a qualified name must consist of"),
    ("/name", "prefix part must be non-empty"),
    ("Example.com/name", "prefix part a lowercase RFC 1123 subdomain"),
    ("app name", "name part must consist of"),
    ("a" * 64, "name part must be no more than 63 characters"),
    ("example.com/", "name part must be non-empty"),
])
def test_qualified_name_messages(value: str, start: str) -> None:
    assert is_qualified_name(value)[0].startswith(start)


@pytest.mark.parametrize(("value", "valid"), [("", True), ("v1.10", True), ("a" * 63, True), ("a" * 64, False),
                                              ("front end", False), ("-x", False), ("x_", False)])
def test_label_values(value: str, valid: bool) -> None:
    assert (label_value_errors(value) == []) is valid


@pytest.mark.parametrize(("value", "problems"), [
    ("http", []),
    ("a" * 15, []),
    ("a" * 16, ["must be no more than 15 characters"]),
    ("8080", ["must contain at least one letter (a-z)"]),
    ("a--b", ["must not contain consecutive hyphens"]),
    ("-ab", ["must not begin or end with a hyphen"]),
    ("HTTP", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
              "must contain at least one letter (a-z)"]),
])
def test_port_names(value: str, problems: list[str]) -> None:
    assert port_name_errors(value) == problems


def test_subdomain_accepts_ipv4_literal_and_rejects_upper_case() -> None:
    assert is_dns1123_subdomain("10.0.0.1") == []
    assert is_dns1123_subdomain("DB.example.com") != []
