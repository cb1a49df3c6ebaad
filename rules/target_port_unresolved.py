from __future__ import annotations

import difflib
from typing import Iterator, Sequence

from svclint.check.finding import Hit
from svclint.check.fixes import Fix, replace_value
from svclint.check.rule_inputs import RuleInputs
from svclint.model.facts import POD_TEMPLATES, Reads
from svclint.model.pods import (
    CONTAINER_PORT_FIELDS,
    ContainerPort,
    container_ports,
    describe_owners,
)
from svclint.model.resources import PodTemplate, Resource
from svclint.model.services import (
    PORTS_FIELDS,
    SELECTOR_FIELDS,
    protocol_of,
    selector_of,
    service_ports,
    target_name,
)

READS: Reads = {"Service": [*SELECTOR_FIELDS, *PORTS_FIELDS], POD_TEMPLATES: CONTAINER_PORT_FIELDS}

NO_ENDPOINTS = "no endpoints for this port"


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    selector = selector_of(service)
    templates = inputs.index.select(service.namespace, selector) if selector else []
    if not templates:  # nothing selected: selector-no-match says why
        return
    declared = [port for template in templates for port in container_ports(template)]
    for number, port in service_ports(service):
        name, protocol = target_name(port), protocol_of(port)
        if name is None or any(p.serving and p.name == name and p.protocol == protocol for p in declared):
            continue
        yield Hit(("spec", "ports", number, "targetPort"), _message(name, protocol, declared, templates),
                  fix=_only_port(number, name, protocol, declared))


def _only_port(number: int, name: str, protocol: str, declared: list[ContainerPort]) -> Fix | None:
    """When no container port has the name and the selected containers expose exactly one
    port, of this protocol: that port, by its name (unsafe: the containers may be what is wrong)."""
    if any(p.name == name for p in declared):
        return None  # a port of that name exists (another protocol, an init container): not a typo
    serving = {(p.name, p.number) for p in declared if p.serving}
    if len(serving) != 1 or any(p.protocol != protocol for p in declared if p.serving):
        return None
    port_name, port_number = serving.pop()
    target = port_name or port_number
    if target is None:
        return None
    return replace_value(("spec", "ports", number, "targetPort"), target,
                         f"target {target}, the one port the selected containers expose", safe=False)


def _message(name: str, protocol: str, declared: list[ContainerPort], templates: Sequence[PodTemplate]) -> str:
    same_name = [p for p in declared if p.name == name]
    serving = [p for p in same_name if p.serving]
    if serving:
        found = serving[0]
        return (f"targetPort `{name}` names container port {found.number}/{found.protocol} of container "
                f"`{found.container}`, but this Service port is {protocol}: {NO_ENDPOINTS}")
    if same_name:
        return (f"targetPort `{name}` names a port of init container `{same_name[0].container}`, which "
                f"does not keep running (it is not a sidecar with `restartPolicy: Always`): {NO_ENDPOINTS}")
    names = sorted({f"{p.name}/{p.protocol}" for p in declared if p.serving and p.name})
    message = (f"targetPort `{name}` names no container port of the selected pods "
               f"({describe_owners(templates)}")
    message += f", whose named ports are {', '.join(names)}): " if names else ", which name no ports): "
    message += NO_ENDPOINTS
    close = difflib.get_close_matches(name, [p.name for p in declared if p.serving and p.name], n=1)
    return message + (f"; did you mean `{close[0]}`?" if close else "")
