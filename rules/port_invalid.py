from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import invalid, required, with_hint
from svclint.model.apimachinery import is_qualified_name, port_number_errors
from svclint.model.resources import Resource
from svclint.model.services import as_int, is_headless, known_type, service_ports


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    kind = known_type(service)
    if kind not in (None, "ExternalName") and service.get("spec", "ports") in (None, []) and not is_headless(service):
        yield Hit(("spec", "ports"), with_hint(required("spec.ports"), (
            "A Service needs at least one port, unless it is headless (clusterIP: None) or of type ExternalName")))
    for index, port in service_ports(service):
        number = as_int(port.get("port"))
        if number is not None and port_number_errors(number):
            hint = "Set the port the Service listens on" if number == 0 else "Ports are numbered 1 to 65535"
            yield Hit(("spec", "ports", index, "port"), with_hint(
                invalid(f"spec.ports[{index}].port", number, port_number_errors(number)), hint))
        app_protocol = port.get("appProtocol")
        if isinstance(app_protocol, str) and is_qualified_name(app_protocol):
            yield Hit(("spec", "ports", index, "appProtocol"), with_hint(
                invalid(f"spec.ports[{index}].appProtocol", app_protocol, is_qualified_name(app_protocol)),
                "appProtocol is a plain name (http, https, h2c, grpc) or a prefixed one (kubernetes.io/h2c)"))
