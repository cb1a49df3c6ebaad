from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.resources import Resource


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    addresses = service.get("spec", "externalIPs")
    if not isinstance(addresses, list) or not addresses:
        return
    shown = ", ".join(str(a) for a in addresses[:3]) + (", ..." if len(addresses) > 3 else "")
    yield Hit(("spec", "externalIPs"), f"externalIPs ({shown}) can intercept traffic (CVE-2020-8554) and are often "
                                       "blocked; use a LoadBalancer Service",
              anchor="key")
