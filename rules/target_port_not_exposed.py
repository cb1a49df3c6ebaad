from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit, Severity
from svclint.check.rule_inputs import RuleInputs
from svclint.model.facts import POD_TEMPLATES, Reads
from svclint.model.pods import CONTAINER_PORT_FIELDS, container_ports, describe_owners
from svclint.model.resources import Resource
from svclint.model.services import (
    PORTS_FIELDS,
    SELECTOR_FIELDS,
    protocol_of,
    selector_of,
    service_ports,
    target_number,
)

READS: Reads = {"Service": [*SELECTOR_FIELDS, *PORTS_FIELDS], POD_TEMPLATES: CONTAINER_PORT_FIELDS}


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    selector = selector_of(service)
    templates = inputs.index.select(service.namespace, selector) if selector else []
    if not templates:
        return
    declared = [port for template in templates for port in container_ports(template)
                if port.serving and port.number is not None]
    if not declared:
        # Declaring ports is optional: containers that declare none say nothing to compare with.
        return
    for number, port in service_ports(service):
        target, protocol = target_number(port), protocol_of(port)
        if target is None or any(p.number == target and p.protocol == protocol for p in declared):
            continue
        path = ("spec", "ports", number, "targetPort" if "targetPort" in port else "port")
        owners = describe_owners(templates)  # only for a finding: it costs more than the check
        other_protocols = sorted({p.protocol for p in declared if p.number == target})
        if other_protocols:
            declared_as = " and ".join(other_protocols)
            yield Hit(path, f"the selected pods ({owners}) declare containerPort {target} for {declared_as} "
                            f"only, but this Service port sends {protocol}",
                      severity=Severity.WARNING)
            continue
        numbers = sorted({f"{p.number}/{p.protocol}" for p in declared})
        yield Hit(path, f"no container of the selected pods ({owners}) declares containerPort {target}/{protocol} "
                        f"(they declare {', '.join(numbers)})")
