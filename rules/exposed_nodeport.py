from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit, Severity
from svclint.check.rule_inputs import RuleInputs
from svclint.model.facts import Reads
from svclint.model.resources import Resource
from svclint.model.services import TYPE_FIELDS, service_type

READS: Reads = {"Service": TYPE_FIELDS}

# On local clusters a NodePort is the documented way in from the host; elsewhere it is a
# hint, and a warning where the target is known to be a cloud.
SEVERITY_BY_TARGET = {"generic": None, "cloud": Severity.WARNING}


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    if service_type(service) != "NodePort" or inputs.target not in SEVERITY_BY_TARGET:
        return
    yield Hit(("spec", "type"), "type NodePort opens the port on every node, outside the load balancer; prefer "
                                "a LoadBalancer, or an Ingress or Gateway",
              severity=SEVERITY_BY_TARGET[inputs.target])
