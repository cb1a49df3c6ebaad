from __future__ import annotations

from typing import Iterator

from svclint.check.finding import Hit
from svclint.check.fixes import delete_key
from svclint.check.rule_inputs import RuleInputs
from svclint.model.apierrors import invalid, with_hint
from svclint.model.resources import Resource
from svclint.model.services import as_int, externally_accessible, known_type

POLICIES = ("Cluster", "Local")


def check(service: Resource, inputs: RuleInputs) -> Iterator[Hit]:
    kind = known_type(service)
    if kind is None:
        return
    policy = service.get("spec", "externalTrafficPolicy")
    if isinstance(policy, str) and policy and not externally_accessible(service):
        yield Hit(("spec", "externalTrafficPolicy"), with_hint(
            invalid("spec.externalTrafficPolicy", policy, ["may only be set for externally-accessible services"]),
            _why_not_external(service, kind)),
            fix=delete_key(("spec", "externalTrafficPolicy"), "remove externalTrafficPolicy",
                           safe=_type_written(service)))
    health = as_int(service.get("spec", "healthCheckNodePort"))
    if health and policy in (None, "", *POLICIES) and not (kind == "LoadBalancer" and policy == "Local"):
        yield Hit(("spec", "healthCheckNodePort"), with_hint(
            invalid("spec.healthCheckNodePort", health,
                    ["may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"]),
            "Load balancers probe this node port to find nodes with local endpoints; other Services have "
            "none: remove it"),
            fix=delete_key(("spec", "healthCheckNodePort"), "remove healthCheckNodePort", safe=_type_written(service)))


def _type_written(service: Resource) -> bool:
    """Removing a field the type forbids is what the author meant when the type is written;
    when it is left to default, the author may have meant another type."""
    return service.get("spec", "type") not in (None, "")


def _why_not_external(service: Resource, kind: str) -> str:
    if kind == "ExternalName":
        return "An ExternalName Service is a DNS alias and routes no traffic: remove externalTrafficPolicy"
    if service.get("spec", "type"):
        kind_text = "It is a ClusterIP Service"
    else:
        kind_text = "The Service has no type, so it is ClusterIP"
    return (f"{kind_text}; without externalIPs it takes no external traffic, so any value is rejected, even "
            "Cluster: remove it, or set type: NodePort or LoadBalancer")
