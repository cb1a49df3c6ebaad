"""Kubernetes' generic name and value validators, with the API server's own messages.

Each `is_*` function mirrors the function of the same name in
k8s.io/apimachinery/pkg/util/validation: it returns the list of problems (empty when valid).
Lengths are counted in bytes, as Go's len() does.
"""

from __future__ import annotations

import re

DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + r"(\." + DNS1123_LABEL_FMT + ")*"
DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
LABEL_VALUE_FMT = f"({QUALIFIED_NAME_FMT})?"

LABEL_MAX = 63
SUBDOMAIN_MAX = 253
PORT_NAME_MAX = 15

_DNS1123_LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
                      "and must start and end with an alphanumeric character")
_DNS1123_SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                          "'-' or '.', and must start and end with an alphanumeric character")
_DNS1035_LABEL_MSG = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
                      "an alphabetic character, and end with an alphanumeric character")
_QUALIFIED_NAME_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
                       "an alphanumeric character")
_LABEL_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
                    "or '.', and must start and end with an alphanumeric character")


def max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def regex_error(message: str, fmt: str, *examples: str) -> str:
    shown = " or ".join(f"'{e}', " for e in examples)
    return f"{message} (e.g. {shown}regex used for validation is '{fmt}')"


def is_dns1123_label(value: str) -> list[str]:
    errors = _too_long(value, LABEL_MAX)
    if not re.fullmatch(DNS1123_LABEL_FMT, value):
        if re.fullmatch(DNS1123_SUBDOMAIN_FMT, value):
            errors.append("must not contain dots")
        else:
            errors.append(regex_error(_DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errors


def is_dns1123_subdomain(value: str) -> list[str]:
    errors = _too_long(value, SUBDOMAIN_MAX)
    if not re.fullmatch(DNS1123_SUBDOMAIN_FMT, value):
        errors.append(regex_error(_DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errors


def is_dns1035_label(value: str) -> list[str]:
    errors = _too_long(value, LABEL_MAX)
    if not re.fullmatch(DNS1035_LABEL_FMT, value):
        errors.append(regex_error(_DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errors


def mask_trailing_dash(name: str) -> str:
    """generateName may end in '-': apimachinery masks it (and the character before it) this way."""
    return name[:-2] + "a" if len(name) > 1 and name.endswith("-") else name


def is_qualified_name(value: str) -> list[str]:
    """`[prefix/]name`: what label keys, annotation keys, appProtocol and loadBalancerClass must be."""
    errors: list[str] = []
    parts = value.split("/")
    if len(parts) > 2:
        return ["a qualified name " + regex_error(_QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name",
                                                  "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    name = parts[-1]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            errors.extend("prefix part " + message for message in is_dns1123_subdomain(prefix))
    if not name:
        errors.append("name part must be non-empty")
    elif len(name.encode()) > LABEL_MAX:
        errors.append("name part " + max_len_error(LABEL_MAX))
    if not re.fullmatch(QUALIFIED_NAME_FMT, name):
        errors.append("name part " + regex_error(_QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name",
                                                 "123-abc"))
    return errors


def label_value_errors(value: str) -> list[str]:
    errors = _too_long(value, LABEL_MAX)
    if not re.fullmatch(LABEL_VALUE_FMT, value):
        errors.append(regex_error(_LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errors


def port_number_errors(port: int) -> list[str]:
    return [] if 1 <= port <= 65535 else ["must be between 1 and 65535, inclusive"]


def port_name_errors(port: str) -> list[str]:
    """An IANA_SVC_NAME: what a named targetPort (and a container port name) must be."""
    errors = _too_long(port, PORT_NAME_MAX)
    if not re.fullmatch("[-a-z0-9]+", port):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search("[a-z]", port):
        errors.append("must contain at least one letter (a-z)")
    if "--" in port:
        errors.append("must not contain consecutive hyphens")
    if port.startswith("-") or port.endswith("-"):
        errors.append("must not begin or end with a hyphen")
    return errors


def _too_long(value: str, limit: int) -> list[str]:
    return [max_len_error(limit)] if len(value.encode()) > limit else []
