"""Every Kubernetes-version cut-off svclint knows, in one table.

A rule whose verdict depends on `--kubernetes-version` compares the minor version linted for
(`inputs.kubernetes_minor`) with a constant of this module, never with a number of its own;
tests/test_versions.py fails when a module elsewhere in svclint/ or rules/ writes a minor
version. To follow a new Kubernetes release, change or add a row here (and regenerate the
bundled Service schemas with scripts/gen_schemas.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cutoff:
    name: str
    minor: int  # from Kubernetes 1.<minor> on
    what: str
    where: str  # the rule (or part of svclint) that reads it


# The bundled Service schemas (schemas/service-v1.<minor>.json): --kubernetes-version accepts these.
FIRST_SCHEMA = 25
LAST_SCHEMA = 37  # the default: the newest bundled

# Deprecations that the API server warns about on apply.
LOAD_BALANCER_IP_DEPRECATED = 24
TOPOLOGY_AWARE_HINTS_DEPRECATED = 27
# spec.topologyKeys (alpha, ServiceTopology) was deprecated in 1.21 and dropped from the API in 1.22,
# before the oldest bundled schema: the schema rejects it as an unknown field, with this hint.
TOPOLOGY_KEYS_REMOVED = 22
# The service.alpha.kubernetes.io/tolerate-unready-endpoints annotation was replaced by
# spec.publishNotReadyAddresses; the endpoints and EndpointSlice controllers of every bundled
# version read only the field, so the annotation does nothing from the oldest bundled schema on.
TOLERATE_UNREADY_ENDPOINTS_IGNORED = FIRST_SCHEMA

# API versions no longer served (the API server answers "no matches for kind ... in version ...").
INGRESS_V1BETA1_REMOVED = 22  # extensions/v1beta1 and networking.k8s.io/v1beta1 Ingress, v1beta1 IngressClass
ENDPOINT_SLICE_V1BETA1_REMOVED = 25  # discovery.k8s.io/v1beta1 EndpointSlice

# spec.trafficDistribution is beta (on by default) from 1.31; the alpha field of 1.30 is dropped unread.
TRAFFIC_DISTRIBUTION = 31
# PreferSameTrafficDistribution is on by default from 1.34: PreferSameZone (PreferClose's new
# name, which it deprecates) and PreferSameNode are accepted.
PREFER_SAME_TRAFFIC_DISTRIBUTION = 34

# RelaxedServiceNameValidation (KEP 5311) is on by default from 1.36: Service names are
# DNS-1123 labels, so they may start with a digit.
RELAXED_SERVICE_NAMES = 36

# ValidatingAdmissionPolicy (svclint/policy/): admissionregistration.k8s.io/v1beta1 is served from
# 1.28, v1 (GA) from 1.30; and the Kubernetes CEL libraries, from the version that added them to
# the API server's base environment (k8s.io/apiserver/pkg/cel/environment/base.go). Extended
# strings (version 0), regex, lists and URLs are there in every bundled version.
VALIDATING_ADMISSION_POLICY_V1BETA1 = 28
VALIDATING_ADMISSION_POLICY_V1 = 30
CEL_AUTHORIZER = 27
CEL_QUANTITY = 28
CEL_OPTIONAL = 28
CEL_STRINGS_V2 = 29  # format(), strings.quote()
CEL_SETS = 29
CEL_IP_CIDR = 30
CEL_FORMAT = 31


CUTOFFS: tuple[Cutoff, ...] = (
    Cutoff("FIRST_SCHEMA", FIRST_SCHEMA, "oldest bundled Service schema", "schema, --kubernetes-version"),
    Cutoff("LAST_SCHEMA", LAST_SCHEMA, "newest bundled Service schema, the default version", "schema"),
    Cutoff("LOAD_BALANCER_IP_DEPRECATED", LOAD_BALANCER_IP_DEPRECATED, "spec.loadBalancerIP deprecated",
           "deprecated-field"),
    Cutoff("TOPOLOGY_AWARE_HINTS_DEPRECATED", TOPOLOGY_AWARE_HINTS_DEPRECATED,
           "service.kubernetes.io/topology-aware-hints annotation deprecated", "deprecated-field"),
    Cutoff("TOPOLOGY_KEYS_REMOVED", TOPOLOGY_KEYS_REMOVED, "spec.topologyKeys removed from the API", "schema"),
    Cutoff("TOLERATE_UNREADY_ENDPOINTS_IGNORED", TOLERATE_UNREADY_ENDPOINTS_IGNORED,
           "service.alpha.kubernetes.io/tolerate-unready-endpoints annotation ignored (at least)", "deprecated-field"),
    Cutoff("INGRESS_V1BETA1_REMOVED", INGRESS_V1BETA1_REMOVED,
           "extensions/v1beta1 and networking.k8s.io/v1beta1 Ingress (and IngressClass) no longer served",
           "api-version-removed"),
    Cutoff("ENDPOINT_SLICE_V1BETA1_REMOVED", ENDPOINT_SLICE_V1BETA1_REMOVED,
           "discovery.k8s.io/v1beta1 EndpointSlice no longer served", "api-version-removed"),
    Cutoff("TRAFFIC_DISTRIBUTION", TRAFFIC_DISTRIBUTION, "spec.trafficDistribution read (PreferClose)",
           "value-not-supported"),
    Cutoff("PREFER_SAME_TRAFFIC_DISTRIBUTION", PREFER_SAME_TRAFFIC_DISTRIBUTION,
           "trafficDistribution PreferSameZone and PreferSameNode accepted; PreferClose deprecated",
           "value-not-supported, deprecated-field"),
    Cutoff("RELAXED_SERVICE_NAMES", RELAXED_SERVICE_NAMES, "Service names may start with a digit (DNS-1123 label)",
           "name-invalid"),
    Cutoff("VALIDATING_ADMISSION_POLICY_V1BETA1", VALIDATING_ADMISSION_POLICY_V1BETA1,
           "admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicy served", "policies"),
    Cutoff("VALIDATING_ADMISSION_POLICY_V1", VALIDATING_ADMISSION_POLICY_V1,
           "admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy served (GA)", "policies"),
    Cutoff("CEL_AUTHORIZER", CEL_AUTHORIZER, "CEL authorizer library", "policies"),
    Cutoff("CEL_QUANTITY", CEL_QUANTITY, "CEL quantity library", "policies"),
    Cutoff("CEL_OPTIONAL", CEL_OPTIONAL, "CEL optional types", "policies"),
    Cutoff("CEL_STRINGS_V2", CEL_STRINGS_V2, "CEL extended strings version 2 (format, strings.quote)", "policies"),
    Cutoff("CEL_SETS", CEL_SETS, "CEL sets library", "policies"),
    Cutoff("CEL_IP_CIDR", CEL_IP_CIDR, "CEL IP and CIDR libraries", "policies"),
    Cutoff("CEL_FORMAT", CEL_FORMAT, "CEL format library", "policies"),
)


def schema_versions() -> tuple[str, ...]:
    """The versions whose Service schema is bundled, oldest first ("1.25", ...)."""
    return tuple(f"1.{minor}" for minor in range(FIRST_SCHEMA, LAST_SCHEMA + 1))


def version(minor: int) -> str:
    """`1.<minor>`, as messages write a version."""
    return f"1.{minor}"
