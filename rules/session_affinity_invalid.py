from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import invalid, with_hint
from svclint.model.resources import Resource
from svclint.model.services import as_int

TIMEOUT = ("spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds")
MAX_TIMEOUT = 86400  # one day


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    # With sessionAffinity None (the default) the API server drops sessionAffinityConfig.
    if service.get("spec", "sessionAffinity") != "ClientIP":
        return
    timeout = as_int(service.get(*TIMEOUT))
    if timeout is not None and not 0 < timeout <= MAX_TIMEOUT:
        yield Hit(TIMEOUT, with_hint(
            invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout,
                    [f"must be greater than 0 and less than {MAX_TIMEOUT}"]),
            f"{MAX_TIMEOUT} (one day) is the most; leave it out for the default, 10800 (three hours)"))
