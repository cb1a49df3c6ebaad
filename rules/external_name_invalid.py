from __future__ import annotations

import re
from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import invalid, required, with_hint
from svclint.model.apimachinery import is_dns1123_subdomain
from svclint.model.resources import Resource
from svclint.model.services import known_type


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    if known_type(service) != "ExternalName":
        return
    name = service.get("spec", "externalName")
    if name is not None and not isinstance(name, str):
        return  # the schema's
    clean = (name or "").removesuffix(".")
    if not clean:
        yield Hit(("spec", "externalName"), with_hint(
            required("spec.externalName"),
            "An ExternalName Service is a DNS alias: set externalName to the host name it points to"))
    elif is_dns1123_subdomain(clean):
        yield Hit(("spec", "externalName"), with_hint(
            invalid("spec.externalName", clean, is_dns1123_subdomain(clean)), _hint(clean)))


def _hint(name: str) -> str:
    host = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", name)  # a URL's scheme
    host = re.split(r"[/:?#]", host)[0].lower()  # its path, port, query
    example = f': "{host}"' if host and not is_dns1123_subdomain(host) else ""
    return ("externalName is a lower-case DNS name, without scheme, port or path; "
            f"the Service resolves to it as a CNAME{example}")
