from __future__ import annotations

from typing import Iterator

from svclint.apierrors import duplicate, with_hint
from svclint.context import RuleContext
from svclint.finding import Hit
from svclint.resources import Resource
from svclint.services import as_int, known_type, node_port, port_number, protocol, service_ports


def check(service: Resource, ctx: RuleContext) -> Iterator[Hit]:
    ports = list(service_ports(service))
    yield from _duplicate_names(ports)
    repeated = set()
    for index, first in _repeats(ports, _protocol_port):
        repeated.add(index)
        proto, number = _protocol_port(dict(ports)[index])
        yield Hit(("spec", "ports", index, "port"), with_hint(
            f'spec.ports[{index}]: Duplicate value: core.ServicePort{{Protocol:"{proto}", Port:{number}}}',
            f"spec.ports[{first}] already exposes {number}/{proto}: remove one, or give it another port "
            "number or protocol"))
    kind = known_type(service)
    if kind in ("NodePort", "LoadBalancer"):
        yield from _allocation_conflicts(service, ports, ctx.settings.node_port_range)
    elif kind == "ExternalName":
        unique = [(index, port) for index, port in ports if index not in repeated]
        for index, _ in _repeats(unique, _protocol_node_port):
            yield Hit(("spec", "ports", index, "nodePort"), with_hint(
                duplicate(f"spec.ports[{index}].nodePort", node_port(dict(ports)[index])),
                "An ExternalName Service opens no node ports: remove nodePort"))


def _protocol_port(port: dict) -> tuple | None:
    number, proto = port_number(port), protocol(port)
    return (proto, number) if number is not None and isinstance(proto, str) else None


def _protocol_node_port(port: dict) -> tuple | None:
    proto = protocol(port)
    return (proto, node_port(port)) if node_port(port) and isinstance(proto, str) else None


def _repeats(ports: list[tuple[int, dict]], key) -> Iterator[tuple[int, int]]:
    """(index, index of the first port with the same key) for every port that repeats a key."""
    first: dict = {}
    for index, port in ports:
        value = key(port)
        if value is None:
            continue
        if value in first:
            yield index, first[value]
        else:
            first[value] = index


def _duplicate_names(ports: list[tuple[int, dict]]) -> Iterator[Hit]:
    named = lambda port: port.get("name") if isinstance(port.get("name"), str) and port.get("name") else None
    for index, first in _repeats(ports, named):
        name = dict(ports)[index]["name"]
        yield Hit(("spec", "ports", index, "name"), with_hint(
            duplicate(f"spec.ports[{index}].name", name), f"spec.ports[{first}] is already named {name}"))


def _allocation_conflicts(service: Resource, ports: list[tuple[int, dict]], node_range: tuple[int, int]
                          ) -> Iterator[Hit]:
    """Node ports one Service asks for twice: the allocator's `provided port is already allocated`.

    As in the allocator, ports with the same port number form a group that shares the first
    nodePort requested in it (so 53/TCP and 53/UDP may both ask for the same one); a different
    nodePort in the group is reserved on its own. Out-of-range requests are nodeport-out-of-range's.
    """
    low, high = node_range
    by_index = dict(ports)
    wanted = {i: node_port(p) for i, p in ports if port_number(p) and low <= node_port(p) <= high}
    reserved: dict[int, int] = {}  # node port -> index of the port that asked for it
    group: dict[int, int | None] = {}  # port number -> node port the group got (None: auto-allocated)
    for index, port in ports:
        number = port_number(port)
        if number is None:
            continue
        if number not in group:
            holder = next((i for i in wanted if port_number(by_index[i]) == number), None)
            group[number] = wanted.get(holder)
        elif index in wanted and wanted[index] != group[number]:
            holder = index
        else:
            continue
        if holder is None:
            continue
        if wanted[holder] in reserved:
            yield _taken(holder, wanted[holder], reserved[wanted[holder]])
        else:
            reserved[wanted[holder]] = holder
    health = as_int(service.get("spec", "healthCheckNodePort"))
    if health in reserved and service.get("spec", "externalTrafficPolicy") == "Local" \
            and known_type(service) == "LoadBalancer":
        yield Hit(("spec", "healthCheckNodePort"), with_hint(
            f"Internal error occurred: failed to allocate requested HealthCheck NodePort {health}: "
            "provided port is already allocated",
            f"spec.ports[{reserved[health]}] already uses node port {health}: pick another one, or omit "
            "healthCheckNodePort"))


def _taken(index: int, wanted: int, owner: int) -> Hit:
    return Hit(("spec", "ports", index, "nodePort"), with_hint(
        f"spec.ports[{index}].nodePort: Invalid value: {wanted}: provided port is already allocated",
        f"spec.ports[{owner}] already asks for node port {wanted}; only ports with the same port number "
        "(e.g. 53/TCP and 53/UDP) may share one"))
