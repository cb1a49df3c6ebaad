"""IP addresses and CIDRs as the API server parses them (k8s.io/utils/net "sloppy" parsing).

The API server still accepts IPv4 octets with leading zeros (`010.0.0.1`, read as decimal)
and IPv4-mapped IPv6 addresses, with a warning; Python's ipaddress rejects the former, so
the parsing is done here. An IPv4-mapped IPv6 address counts as IPv4, as in Go.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

INVALID_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
INVALID_CIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"

_DIGITS = re.compile("[0-9]+")
_STRICT_IPV4 = re.compile(r"(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}")


def parse_ip(text: str) -> Address | None:
    """Parses like Go's ParseIPSloppy: None when the API server would say 'must be a valid IP address'."""
    if ":" in text:
        if "%" in text:  # zones are not IPs to Go
            return None
        try:
            return ipaddress.IPv6Address(text)
        except ValueError:
            return None
    octets = text.split(".")
    if len(octets) != 4 or not all(_DIGITS.fullmatch(o) and int(o) <= 255 for o in octets):
        return None
    return ipaddress.IPv4Address(".".join(str(int(o)) for o in octets))


def as_go_ip(address: Address) -> Address:
    """The address Go works with: an IPv4-mapped IPv6 address is an IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_mapped(address: Address) -> bool:
    return as_go_ip(address) is not address


def is_ipv6(address: Address) -> bool:
    return as_go_ip(address).version == 6


def special_range(text: str, address: Address) -> str | None:
    """Why an external IP may not be this address (ValidateNonSpecialIP), or None."""
    ip = as_go_ip(address)
    if ip.is_unspecified:
        return f"may not be unspecified ({text})"
    if ip.is_loopback:
        return "may not be in the loopback range (127.0.0.0/8, ::1/128)"
    if ip.is_link_local:
        return "may not be in the link-local range (169.254.0.0/16, fe80::/10)"
    if _link_local_multicast(ip):
        return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"
    return None


def _link_local_multicast(ip: Address) -> bool:
    if ip.version == 4:
        return ip in ipaddress.IPv4Network("224.0.0.0/24")
    packed = ip.packed
    return packed[0] == 0xFF and packed[1] & 0x0F == 0x02


def ip_warning(where: str, text: str) -> str | None:
    """The API server's warning for an accepted but non-standard IP (GetWarningsForIP)."""
    address = parse_ip(text)
    if address is None:
        return None
    go_form = str(as_go_ip(address))
    if _is_mapped(address) or (address.version == 4 and not _STRICT_IPV4.fullmatch(text)):
        return (f"{where}: non-standard IP address {_q(text)} will be considered invalid in a future "
                f"Kubernetes release: use {_q(go_form)}")
    if address.version == 6 and go_form != text:
        return f"{where}: IPv6 address {_q(text)} should be in RFC 5952 canonical format ({_q(go_form)})"
    return None


@dataclass(frozen=True)
class Cidr:
    address: Address  # as written, host bits included
    prefix: int
    network: ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_cidr(text: str) -> Cidr | None:
    """Parses like Go's ParseCIDRSloppy: None when the API server would say 'must be a valid CIDR value'."""
    ip_text, slash, bits = text.partition("/")
    address = parse_ip(ip_text)
    if not slash or address is None or not _DIGITS.fullmatch(bits) or int(bits) > address.max_prefixlen:
        return None
    network = ipaddress.ip_network(f"{address}/{int(bits)}", strict=False)
    return Cidr(address, int(bits), network)


def cidr_warnings(where: str, text: str) -> list[str]:
    """The API server's warnings for an accepted but non-standard CIDR (GetWarningsForCIDR)."""
    cidr = parse_cidr(text)
    if cidr is None:
        return []
    warnings = []
    network = _go_network(cidr.network)
    if cidr.address != cidr.network.network_address:
        single = f"{as_go_ip(cidr.address)}/{cidr.network.max_prefixlen}"
        warnings.append(f"{where}: CIDR value {_q(text)} is ambiguous in this context "
                        f"(should be {_q(network)} or {_q(single)}?)")
    ip_text, _, bits = text.partition("/")
    strict_bits = bits == str(int(bits))
    strict_ip = cidr.address.version == 6 or _STRICT_IPV4.fullmatch(ip_text)
    if not (strict_bits and strict_ip) or _is_mapped(cidr.address):
        warnings.append(f"{where}: non-standard CIDR value {_q(text)} will be considered invalid in a future "
                        f"Kubernetes release: use {_q(network)}")
    canonical = f"{cidr.address}/{cidr.prefix}"
    if not warnings and cidr.address.version == 6 and canonical != text:
        warnings.append(f"{where}: IPv6 CIDR value {_q(text)} should be in RFC 5952 canonical format "
                        f"({_q(canonical)})")
    return warnings


def _go_network(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str:
    """How Go prints a network: an IPv4-mapped IPv6 network prints as IPv4."""
    mapped = network.version == 6 and network.network_address.ipv4_mapped
    if mapped and network.prefixlen >= 96:
        return f"{mapped}/{network.prefixlen - 96}"
    return str(network)


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
