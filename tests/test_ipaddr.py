"""IP parsing as the API server does it: sloppy (leading zeros), v4-mapped counts as IPv4."""

from __future__ import annotations

import pytest

from svclint.model.ipaddr import (
    cidr_warnings,
    ip_warning,
    is_ipv6,
    parse_cidr,
    parse_ip,
    special_range,
)


@pytest.mark.parametrize("text", ["10.0.0.1", "010.000.000.001", "::1", "2001:db8::1", "::ffff:10.0.0.1"])
def test_addresses_the_api_server_accepts(text: str) -> None:
    assert parse_ip(text) is not None


@pytest.mark.parametrize("text", ["", "none", "10.0.0", "10.0.0.256", "10.0.0.1/32", "fe80::1%eth0", "host.example",
                                  " 10.0.0.1", "1.2.3.4.5", "0x0a.0.0.1"])
def test_addresses_the_api_server_rejects(text: str) -> None:
    assert parse_ip(text) is None


def test_ipv4_mapped_ipv6_is_ipv4_as_in_go() -> None:
    assert is_ipv6(parse_ip("::ffff:10.0.0.1")) is False
    assert is_ipv6(parse_ip("fd00::1")) is True


@pytest.mark.parametrize(("text", "reason"), [
    ("0.0.0.0", "may not be unspecified (0.0.0.0)"),
    ("::", "may not be unspecified (::)"),
    ("127.0.0.2", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
    ("::ffff:127.0.0.1", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
    ("169.254.1.1", "may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
    ("fe80::1", "may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
    ("224.0.0.251", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"),
    ("ff02::1", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"),
    ("224.0.1.1", None),
    ("203.0.113.10", None),
])
def test_special_ranges(text: str, reason: str | None) -> None:
    assert special_range(text, parse_ip(text)) == reason


def test_ip_warnings() -> None:
    assert ip_warning("f", "10.0.0.1") is None
    assert ip_warning("f", "2001:db8::1") is None
    assert ip_warning("f", "010.0.0.1") == ('f: non-standard IP address "010.0.0.1" will be considered invalid '
                                            'in a future Kubernetes release: use "10.0.0.1"')
    assert ip_warning("f", "::ffff:10.0.0.1").endswith('use "10.0.0.1"')
    assert ip_warning("f", "2001:DB8:0:0::1") == ('f: IPv6 address "2001:DB8:0:0::1" should be in RFC 5952 '
                                                  'canonical format ("2001:db8::1")')


@pytest.mark.parametrize("text", ["10.0.0.0/8", "10.0.0.1/32", "0.0.0.0/0", "2001:db8::/64", "010.0.0.0/8"])
def test_cidrs_accepted(text: str) -> None:
    assert parse_cidr(text) is not None


@pytest.mark.parametrize("text", ["10.0.0.0", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/8 ", "10.0.0.0/255.0.0.0",
                                  "host/24", "", "10.0.0.0/x"])
def test_cidrs_rejected(text: str) -> None:
    assert parse_cidr(text) is None


def test_cidr_warnings() -> None:
    assert cidr_warnings("f", "10.0.0.0/24") == []
    assert cidr_warnings("f", "10.0.0.1/24") == [
        'f: CIDR value "10.0.0.1/24" is ambiguous in this context (should be "10.0.0.0/24" or "10.0.0.1/32"?)']
    assert cidr_warnings("f", "010.0.0.0/8") == [
        'f: non-standard CIDR value "010.0.0.0/8" will be considered invalid in a future Kubernetes release: '
        'use "10.0.0.0/8"']
    assert cidr_warnings("f", "2001:DB8::/64") == [
        'f: IPv6 CIDR value "2001:DB8::/64" should be in RFC 5952 canonical format ("2001:db8::/64")']
