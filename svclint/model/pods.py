"""What the pods of a pod template expose: container ports, as Services resolve them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

from svclint.model.facts import EACH
from svclint.model.resources import PodTemplate
from svclint.model.services import protocol_of
from svclint.source.positions import Path

# What container_ports reads of a pod template, for the READS of rules that call it.
CONTAINER_PORT_FIELDS: list[Path] = [
    ("spec", key, EACH, field) for key in ("containers", "initContainers") for field in ("name", "ports", "restartPolicy")]


@dataclass(frozen=True)
class ContainerPort:
    name: str | None
    number: int | None
    protocol: str
    container: str
    serving: bool  # False for a port of an init container that is not a native sidecar


def container_ports(template: PodTemplate) -> Iterator[ContainerPort]:
    """Ports of the containers and init containers, in order. Only regular containers and
    native sidecars (init containers with `restartPolicy: Always`) serve traffic: those
    are the ones the EndpointSlice controller's findPort looks at."""
    spec = template.spec if isinstance(template.spec, dict) else {}
    for key in ("containers", "initContainers"):
        containers = spec.get(key)
        for container in containers if isinstance(containers, list) else []:
            if not isinstance(container, dict):
                continue
            serving = key == "containers" or container.get("restartPolicy") == "Always"
            ports = container.get("ports")
            for port in ports if isinstance(ports, list) else []:
                if isinstance(port, dict):
                    number = port.get("containerPort")
                    yield ContainerPort(
                        port.get("name") if isinstance(port.get("name"), str) else None,
                        number if isinstance(number, int) and not isinstance(number, bool) else None,
                        protocol_of(port), str(container.get("name", "?")), serving,
                    )


def describe_owners(templates: Sequence[PodTemplate], limit: int = 3) -> str:
    """`Deployment shop/web, Deployment shop/web-v2 and 2 more` (an owner of several templates,
    such as an Argo Rollout with canary labels, named once)."""
    owners = list(dict.fromkeys(t.owner.ref.describe() for t in templates))
    names = owners[:limit]
    more = len(owners) - limit
    if more > 0:
        return ", ".join(names) + f" and {more} more"
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]
