from __future__ import annotations

from typing import Callable, Hashable, Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import duplicate, with_hint
from svclint.model.resources import Resource
from svclint.model.services import (
    as_int,
    known_type,
    node_port,
    port_number,
    protocol_of,
    service_ports,
)

Ports = list[tuple[int, dict]]


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    ports = list(service_ports(service))
    for index, port, first in _repeats(ports, _name):
        yield Hit(("spec", "ports", index, "name"), with_hint(
            duplicate(f"spec.ports[{index}].name", port["name"]),
            f"spec.ports[{first}] is already named {port['name']}"))
    repeated = set()
    for index, port, first in _repeats(ports, _protocol_and_port):
        repeated.add(index)
        proto, number = _protocol_and_port(port) or ("", None)  # never None: _repeats keeps ports with one
        yield Hit(("spec", "ports", index, "port"), with_hint(
            f'spec.ports[{index}]: Duplicate value: core.ServicePort{{Protocol:"{proto}", Port:{number}}}',
            f"spec.ports[{first}] already exposes {number}/{proto}: remove one, or give it another port "
            "number or protocol"))
    kind = known_type(service)
    if kind in ("NodePort", "LoadBalancer"):
        conflicts, reserved = _allocate(ports, inputs.settings.node_port_range)
        yield from conflicts
        yield from _health_check_conflict(service, kind, reserved)
    elif kind == "ExternalName":  # nodePorts mean nothing there, but validation still compares them
        unique = [(index, port) for index, port in ports if index not in repeated]
        for index, port, _ in _repeats(unique, _protocol_and_node_port):
            yield Hit(("spec", "ports", index, "nodePort"), with_hint(
                duplicate(f"spec.ports[{index}].nodePort", node_port(port)),
                "An ExternalName Service opens no node ports: remove nodePort"))


def _name(port: dict) -> str | None:
    name = port.get("name")
    return name if isinstance(name, str) and name else None


def _protocol_and_port(port: dict) -> tuple | None:
    number = port_number(port.get("port"))
    return (protocol_of(port), number) if number is not None else None


def _protocol_and_node_port(port: dict) -> tuple | None:
    return (protocol_of(port), node_port(port)) if node_port(port) else None


def _repeats(ports: Ports, key: Callable[[dict], Hashable | None]) -> Iterator[tuple[int, dict, int]]:
    """(index, port, index of the first port with the same key) for each port repeating a key."""
    first: dict = {}
    for index, port in ports:
        value = key(port)
        if value is not None and value in first:
            yield index, port, first[value]
        elif value is not None:
            first[value] = index


def _allocate(ports: Ports, node_range: tuple[int, int]) -> tuple[list[Hit], dict[int, int]]:
    """Node ports one Service asks for twice: the allocator's `provided port is already allocated`.

    As in the allocator, ports with the same port number form a group that takes the first
    nodePort requested in it (so 53/TCP and 53/UDP may both ask for the same one); another
    nodePort in the group is reserved on its own. Out-of-range requests are nodeport-out-of-range's.
    Returns those conflicts, and the reserved node ports with the index of the port asking for each.
    """
    low, high = node_range
    by_index = dict(ports)
    wanted = {i: node_port(p) for i, p in ports if port_number(p.get("port")) and low <= node_port(p) <= high}
    conflicts: list[Hit] = []
    reserved: dict[int, int] = {}
    group: dict[int, int | None] = {}  # port number -> node port of the group (None: auto-allocated)
    for index, port in ports:
        number = port_number(port.get("port"))
        if number is None:
            continue
        if number not in group:
            holder = next((i for i in wanted if port_number(by_index[i].get("port")) == number), None)
            group[number] = wanted[holder] if holder is not None else None
        elif index in wanted and wanted[index] != group[number]:
            holder = index
        else:
            continue
        if holder is not None and wanted[holder] in reserved:
            conflicts.append(Hit(("spec", "ports", holder, "nodePort"), with_hint(
                f"spec.ports[{holder}].nodePort: Invalid value: {wanted[holder]}: provided port is already allocated",
                f"spec.ports[{reserved[wanted[holder]]}] already asks for node port {wanted[holder]}; only ports "
                "with the same port number (e.g. 53/TCP and 53/UDP) may share one")))
        elif holder is not None:
            reserved[wanted[holder]] = holder
    return conflicts, reserved


def _health_check_conflict(service: Resource, kind: str, reserved: dict[int, int]) -> Iterator[Hit]:
    health = as_int(service.get("spec", "healthCheckNodePort"))
    if kind == "LoadBalancer" and service.get("spec", "externalTrafficPolicy") == "Local" and health in reserved:
        yield Hit(("spec", "healthCheckNodePort"), with_hint(
            f"Internal error occurred: failed to allocate requested HealthCheck NodePort {health}: "
            "provided port is already allocated",
            f"spec.ports[{reserved[health]}] already uses node port {health}: pick another one, or omit "
            "healthCheckNodePort"))
