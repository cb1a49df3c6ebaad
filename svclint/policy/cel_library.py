"""The Kubernetes CEL libraries that the CEL package lacks, as Python functions.

Kubernetes adds to standard CEL (k8s.io/apiserver/pkg/cel/library and cel-go's ext): extended
strings, lists, regex, URLs, quantities, IP addresses and CIDRs, formats and sets. The CEL
package calls a function registered under a name with the receiver of a method call as its
first argument (`s.lowerAscii()` is `lowerAscii(s)`), and carries only CEL's own value types:
so the values of Kubernetes' own types (URL, Quantity, IP, CIDR, a format) are maps tagged
with TYPE_KEY, which two such values compare equal as the API server's do.

Each library has the Kubernetes version that introduced it (svclint/model/versions.py);
`functions(minor, optional)` is what a policy may call on that version.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable
from urllib.parse import urlsplit

from svclint.model import versions
from svclint.model.apimachinery import (
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    label_value_errors,
)

TYPE_KEY = "@kubernetesType"
Library = dict[str, Callable[..., Any]]


class CelError(ValueError):
    """A runtime error of a Kubernetes library function, worded as Kubernetes words it."""


def _typed(kind: str, **fields: Any) -> dict[str, Any]:
    return {TYPE_KEY: kind, **fields}


def _of_type(value: Any, kind: str) -> bool:
    return isinstance(value, dict) and value.get(TYPE_KEY) == kind


# --- extended strings (cel-go ext.Strings) -----------------------------------------------

def char_at(s: str, i: int) -> str:
    if not 0 <= i <= len(s):
        raise CelError(f"index out of range: {i}")
    return s[i:i + 1]


def index_of(receiver: Any, item: Any, offset: int = 0) -> int:
    if isinstance(receiver, list):  # the lists library's indexOf
        return next((i for i, x in enumerate(receiver) if x == item), -1)
    if not 0 <= offset <= len(receiver):
        raise CelError(f"index out of range: {offset}")
    return receiver.find(item, offset)


def last_index_of(receiver: Any, item: Any, offset: int | None = None) -> int:
    if isinstance(receiver, list):
        return next((i for i in range(len(receiver) - 1, -1, -1) if receiver[i] == item), -1)
    if offset is None:
        return receiver.rfind(item)
    if not 0 <= offset <= len(receiver):
        raise CelError(f"index out of range: {offset}")
    return receiver.rfind(item, 0, offset + len(item))


def substring(s: str, start: int, end: int | None = None) -> str:
    end = len(s) if end is None else end
    if not 0 <= start <= len(s) or not 0 <= end <= len(s):
        raise CelError(f"index out of range: {start if not 0 <= start <= len(s) else end}")
    if start > end:
        raise CelError(f"invalid substring range. start: {start}, end: {end}")
    return s[start:end]


def replace(s: str, old: str, new: str, limit: int = -1) -> str:
    return s.replace(old, new, limit if limit >= 0 else -1)


def split(s: str, sep: str, limit: int = -1) -> list[str]:
    if limit == 0:
        return []
    if sep == "":
        parts = list(s)
        return parts if limit < 0 or limit >= len(parts) else [*parts[:limit - 1], "".join(parts[limit - 1:])]
    return s.split(sep, limit - 1) if limit > 0 else s.split(sep)


def join(items: list, sep: str = "") -> str:
    return sep.join(items)


def _format_one(spec: str, value: Any) -> str:
    if spec == "s":
        if isinstance(value, bool):
            return "true" if value else "false"
        return "null" if value is None else str(value)
    if spec == "d":
        return str(int(value))
    if spec in "fe":
        return f"{float(value):.6{spec}}"
    if spec == "x":
        return value.hex() if isinstance(value, bytes) else format(value, "x")
    if spec == "X":
        return value.hex().upper() if isinstance(value, bytes) else format(value, "X")
    if spec == "o":
        return format(value, "o")
    if spec == "b":
        return format(value, "b")
    raise CelError(f"could not parse formatting clause: unrecognized formatting clause \"{spec}\"")


def format_string(template: str, args: list) -> str:
    """`"%s has %d ports".format([name, n])` (ext.Strings version 1)."""
    out, i, n = [], 0, 0
    while i < len(template):
        ch = template[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        if template[i + 1:i + 2] == "%":
            out.append("%")
            i += 2
            continue
        match = re.match(r"(?:\.(\d+))?([a-zA-Z])", template[i + 1:])
        if match is None or n >= len(args):
            raise CelError("index " + str(n) + " out of range" if match else "could not parse formatting clause")
        precision, spec = match.groups()
        value = args[n]
        out.append(f"{float(value):.{int(precision)}{spec}}" if precision and spec in "fe" else _format_one(spec, value))
        n += 1
        i += 1 + match.end()
    return "".join(out)


def quote(s: str) -> str:
    escaped = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return f'"{escaped}"'


def reverse(s: str) -> str:
    return s[::-1]


STRINGS: Library = {
    "charAt": char_at, "indexOf": index_of, "lastIndexOf": last_index_of, "lowerAscii": lambda s: s.lower()
    if s.isascii() else "".join(c.lower() if c.isascii() else c for c in s),
    "upperAscii": lambda s: "".join(c.upper() if c.isascii() else c for c in s),
    "replace": replace, "split": split, "substring": substring, "trim": lambda s: s.strip(), "join": join,
}
STRINGS_V2: Library = {"format": format_string, "strings.quote": quote}


# --- regex (k8s library.Regex) ------------------------------------------------------------

@functools.lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise CelError(f"invalid regular expression: {exc}") from None


def find(s: str, pattern: str) -> str:
    match = _regex(pattern).search(s)
    return match[0] if match else ""


def find_all(s: str, pattern: str, limit: int = -1) -> list[str]:
    found = [m[0] for m in _regex(pattern).finditer(s)]
    return found if limit < 0 else found[:limit]


REGEX: Library = {"find": find, "findAll": find_all}


def matches(s: str, pattern: str) -> bool:
    """Standard CEL's `matches`: the package compiles the pattern at every call (~40 µs);
    compiled once here, the call costs ~2 µs."""
    return _regex(pattern).search(s) is not None


# Standard functions svclint runs itself, for speed.
FASTER: Library = {"matches": matches}


# --- lists (k8s library.Lists) ------------------------------------------------------------

def is_sorted(items: list) -> bool:
    return all(a <= b for a, b in zip(items, items[1:]))


def _nonempty(items: list, what: str) -> list:
    if not items:
        raise CelError(f"{what} called on empty list")
    return items


LISTS: Library = {
    "isSorted": is_sorted, "sum": lambda items: sum(items) if items else 0,
    "min": lambda items: min(_nonempty(items, "min")), "max": lambda items: max(_nonempty(items, "max")),
    # indexOf and lastIndexOf serve strings and lists alike (see index_of)
}


# --- URLs (k8s library.URLs) --------------------------------------------------------------

def url(text: str) -> dict[str, Any]:
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise CelError(f"URL parse error during conversion from string: {exc}") from None
    if not parts.scheme and not text.startswith("/"):
        raise CelError(f"URL is not absolute: {text}")
    return _typed("URL", value=text)


def _url_part(value: dict, part: str) -> str:
    parts = urlsplit(value["value"])
    if part == "scheme":
        return parts.scheme
    if part == "host":
        return parts.netloc.rsplit("@", 1)[-1]
    if part == "hostname":
        return parts.hostname or ""
    if part == "port":
        return str(parts.port) if parts.port is not None else ""
    return parts.path


def _is_url(text: str) -> bool:
    try:
        url(text)
    except CelError:
        return False
    return True


def get_query(value: dict) -> dict[str, list[str]]:
    from urllib.parse import parse_qs
    return parse_qs(urlsplit(value["value"]).query, keep_blank_values=True)


URLS: Library = {
    "url": url, "isURL": _is_url, "getScheme": lambda u: _url_part(u, "scheme"),
    "getHost": lambda u: _url_part(u, "host"), "getHostname": lambda u: _url_part(u, "hostname"),
    "getPort": lambda u: _url_part(u, "port"), "getEscapedPath": lambda u: _url_part(u, "path"),
    "getQuery": get_query,
}


# --- quantities (k8s library.Quantity) ----------------------------------------------------

_SUFFIX: dict[str, Decimal | int] = {"Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60,
           "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": 1, "k": 10 ** 3, "M": 10 ** 6,
           "G": 10 ** 9, "T": 10 ** 12, "P": 10 ** 15, "E": 10 ** 18}
_QUANTITY = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)")


def _amount(text: str) -> Decimal | None:
    match = _QUANTITY.fullmatch(text)
    if match is None:
        return None
    try:
        number = Decimal(match[1] + (match[2] or ""))
    except InvalidOperation:
        return None
    return number * _SUFFIX[match[3] or ""]


def quantity(text: str) -> dict[str, Any]:
    amount = _amount(text)
    if amount is None:
        raise CelError("quantities must match the regular expression "
                       "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    return _as_quantity(amount)  # in one spelling, so that equal quantities are equal values


def _q(value: Any) -> Decimal:
    if isinstance(value, int):
        return Decimal(value)
    amount = _amount(value["value"]) if _of_type(value, "Quantity") else None
    if amount is None:
        raise CelError("no such overload")
    return amount


def _as_quantity(amount: Decimal) -> dict[str, Any]:
    return _typed("Quantity", value=format(amount.normalize(), "f"))


def as_integer(value: dict) -> int:
    amount = _q(value)
    if amount != amount.to_integral_value() or not -2 ** 63 <= amount < 2 ** 63:
        raise CelError("cannot convert value to integer")
    return int(amount)


QUANTITIES: Library = {
    "quantity": quantity, "isQuantity": lambda text: _amount(text) is not None,
    "sign": lambda q: (_q(q) > 0) - (_q(q) < 0), "isInteger": lambda q: _q(q) == _q(q).to_integral_value(),
    "asInteger": as_integer, "asApproximateFloat": lambda q: float(_q(q)),
    "add": lambda a, b: _as_quantity(_q(a) + _q(b)), "sub": lambda a, b: _as_quantity(_q(a) - _q(b)),
    "isGreaterThan": lambda a, b: _q(a) > _q(b), "isLessThan": lambda a, b: _q(a) < _q(b),
    "compareTo": lambda a, b: (_q(a) > _q(b)) - (_q(a) < _q(b)),
}


# --- IP addresses and CIDRs (k8s library.IP, library.CIDR) --------------------------------

def _strict_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """As netip.ParseAddr: no leading zeros, no zone, no IPv4-mapped IPv6 (the library refuses those)."""
    if not isinstance(text, str) or "%" in text:
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return None
    return address


def ip(value: Any) -> dict[str, Any]:
    if _of_type(value, "CIDR"):  # cidr.ip(): the CIDR's address
        return _typed("IP", value=str(ipaddress.ip_interface(value["value"]).ip))
    address = _strict_ip(value)
    if address is None:
        raise CelError(f"IP Address {value!r} parse error during conversion from string: ParseAddr({value!r}): "
                       "invalid IP address")
    return _typed("IP", value=str(address))


def _addr(value: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if _of_type(value, "IP"):
        return ipaddress.ip_address(value["value"])
    address = _strict_ip(value)
    if address is None:
        raise CelError(f"IP Address {value!r} parse error during conversion from string")
    return address


def _is_canonical(text: str) -> bool:
    address = _addr(text)
    return str(address) == text


def cidr(text: str) -> dict[str, Any]:
    try:
        interface = ipaddress.ip_interface(text)
    except ValueError:
        interface = None
    if interface is None or "/" not in text or "%" in text:
        raise CelError(f"network address parse error during conversion from string: netip.ParsePrefix({text!r}): "
                       "invalid prefix")
    return _typed("CIDR", value=str(interface))


def _net(value: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    text = value["value"] if _of_type(value, "CIDR") else cidr(value)["value"]
    return ipaddress.ip_interface(text).network


def _is_cidr(text: str) -> bool:
    try:
        cidr(text)
    except CelError:
        return False
    return True


def contains_ip(network: Any, address: Any) -> bool:
    net, addr = _net(network), _addr(address)
    return addr.version == net.version and addr in net


def contains_cidr(network: Any, other: Any) -> bool:
    net, sub = _net(network), _net(other)
    return sub.version == net.version and sub.subnet_of(net)  # type: ignore[arg-type]


IPS: Library = {
    "ip": ip, "isIP": lambda text: _strict_ip(text) is not None, "ip.isCanonical": _is_canonical,
    "family": lambda value: _addr(value).version, "isUnspecified": lambda value: _addr(value).is_unspecified,
    "isLoopback": lambda value: _addr(value).is_loopback,
    "isLinkLocalMulticast": lambda value: _addr(value).is_multicast and (
        _addr(value) in ipaddress.ip_network("224.0.0.0/24") or _addr(value) in ipaddress.ip_network("ff02::/16")),
    "isLinkLocalUnicast": lambda value: _addr(value).is_link_local and not _addr(value).is_multicast,
    "isGlobalUnicast": lambda value: not (_addr(value).is_unspecified or _addr(value).is_loopback
                                          or _addr(value).is_multicast or _addr(value).is_link_local
                                          or _addr(value) == ipaddress.ip_address("255.255.255.255")),
}
CIDRS: Library = {
    "cidr": cidr, "isCIDR": _is_cidr, "containsIP": contains_ip, "containsCIDR": contains_cidr,
    "masked": lambda value: _typed("CIDR", value=str(_net(value))),
    "prefixLength": lambda value: _net(value).prefixlen,
}


# --- formats (k8s library.Format) ---------------------------------------------------------

def _uri_errors(text: str) -> list[str]:
    return [] if _is_url(text) else ["must be a valid URI"]


_FORMATS: dict[str, Callable[[str], list[str]]] = {
    "dns1123Label": is_dns1123_label, "dns1123Subdomain": is_dns1123_subdomain,
    "dns1035Label": is_dns1035_label, "qualifiedName": is_qualified_name, "labelValue": label_value_errors,
    "dns1123LabelPrefix": lambda s: is_dns1123_label(s.rstrip("-") or "a"),
    "dns1123SubdomainPrefix": lambda s: is_dns1123_subdomain(s.rstrip("-") or "a"),
    "dns1035LabelPrefix": lambda s: is_dns1035_label(s.rstrip("-") or "a"),
    "uri": _uri_errors,
    "uuid": lambda s: [] if re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", s)
    else ["does not match the UUID format"],
    "byte": lambda s: [] if re.fullmatch(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?", s)
    else ["invalid base64"],
    "date": lambda s: [] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s) else ["an invalid date"],
    "datetime": lambda s: [] if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", s)
    else ["an invalid datetime"],
}


def validate(optional: Any, fmt: dict, text: str) -> Any:
    """`format.dns1123Label().validate(s)`: optional.none() when valid, else the errors
    (`optional`: the OptionalValue of the CEL module that runs the expression)."""
    errors = _FORMATS[fmt["name"]](text)
    return optional.of(errors) if errors else optional.none()


FORMATS: dict[str, Callable[..., Any]] = {
    f"format.{name}": (lambda n: lambda: _typed("Format", name=n))(name) for name in _FORMATS}
FORMATS["format.named"] = lambda name: _typed("Format", name=name) if name in _FORMATS else None
FORMATS["validate"] = validate


# --- sets (cel-go ext.Sets) ---------------------------------------------------------------

SETS: Library = {
    "sets.contains": lambda a, b: all(x in a for x in b),
    "sets.equivalent": lambda a, b: all(x in a for x in b) and all(x in b for x in a),
    "sets.intersects": lambda a, b: any(x in a for x in b),
}


# The libraries, each with the minor version that introduced it (the base ones before any
# bundled schema: FIRST_SCHEMA).
LIBRARIES: tuple[tuple[str, int, dict[str, Callable[..., Any]]], ...] = (
    ("extended strings", versions.FIRST_SCHEMA, STRINGS),
    ("regex", versions.FIRST_SCHEMA, REGEX),
    ("lists", versions.FIRST_SCHEMA, LISTS),
    ("URLs", versions.FIRST_SCHEMA, URLS),
    ("quantity", versions.CEL_QUANTITY, QUANTITIES),
    ("extended strings v2 (format, strings.quote)", versions.CEL_STRINGS_V2, STRINGS_V2),
    ("sets", versions.CEL_SETS, SETS),
    ("IP", versions.CEL_IP_CIDR, IPS),
    ("CIDR", versions.CEL_IP_CIDR, CIDRS),
    ("format", versions.CEL_FORMAT, FORMATS),
)


def functions(minor: int, optional: Any) -> dict[str, Callable[..., Any]]:
    """Every library function a policy may call on Kubernetes 1.<minor>; `optional` is the
    running CEL module's OptionalValue type (another copy's would not be recognised)."""
    found: dict[str, Callable[..., Any]] = {}
    for _, introduced, library in LIBRARIES:
        if minor >= introduced:
            found.update(library)
    if "validate" in found:
        found["validate"] = functools.partial(validate, optional)
    return found


def introduced(name: str) -> tuple[str, int] | None:
    """The library that has a function (`sets.contains`, or a method by its name) and the
    minor that introduced it."""
    for library, minor, members in LIBRARIES:
        if name in members:
            return library, minor
    for library, minor, members in LIBRARIES:
        if any(member.rsplit(".", 1)[-1] == name for member in members):
            return library, minor
    return None
