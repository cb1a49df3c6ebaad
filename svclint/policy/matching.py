"""Which objects a policy and a binding match, as the API server matches a CREATE request:
resource rules (and exclusions) with matchPolicy, namespaceSelector and objectSelector.

A namespace that is not among the objects of the run has only the label the API server puts
on every namespace, `kubernetes.io/metadata.name`.
"""

from __future__ import annotations

from typing import Any, Mapping

from svclint.model.resources import CLUSTER_SCOPED_KINDS, Resource
from svclint.source.positions import as_list

NAME_LABEL = "kubernetes.io/metadata.name"

# Resources served under more than one group: with matchPolicy Equivalent a rule for one
# matches a request for the other (the API server converts the object).
_EQUIVALENT_GROUPS = {("extensions", "ingresses"): "networking.k8s.io", ("networking.k8s.io", "ingresses"): "extensions",
                      ("extensions", "deployments"): "apps", ("apps", "deployments"): "extensions",
                      ("extensions", "daemonsets"): "apps", ("apps", "daemonsets"): "extensions",
                      ("extensions", "replicasets"): "apps", ("apps", "replicasets"): "extensions"}
_IRREGULAR = {"Endpoints": "endpoints"}


def resource_name(kind: str) -> str:
    """The plural resource of a kind, as the API server's REST mapping names it (`services`)."""
    if kind in _IRREGULAR:
        return _IRREGULAR[kind]
    lower = kind.lower()
    if lower.endswith(("s", "x", "ch", "sh")):
        return lower + "es"
    if lower.endswith("y") and lower[-2:-1] not in "aeiou":
        return lower[:-1] + "ies"
    return lower + "s"


def group_version(resource: Resource) -> tuple[str, str]:
    group, _, version = resource.api_version.rpartition("/")
    return group, version


def is_namespaced(resource: Resource) -> bool:
    return resource.qualified_kind not in CLUSTER_SCOPED_KINDS


def labels_of(data: Any) -> dict[str, str]:
    metadata = data.get("metadata") if isinstance(data, dict) else None
    labels = metadata.get("labels") if isinstance(metadata, dict) else None
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


def selector_matches(selector: Any, labels: Mapping[str, str]) -> bool:
    """A metav1.LabelSelector: None and {} match everything."""
    if not isinstance(selector, dict):
        return True
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, dict) and any(labels.get(str(k)) != str(v) for k, v in match_labels.items()):
        return False
    expressions = selector.get("matchExpressions")
    for requirement in expressions if isinstance(expressions, list) else []:
        if not isinstance(requirement, dict) or not _requirement_holds(requirement, labels):
            return False
    return True


def _requirement_holds(requirement: dict, labels: Mapping[str, str]) -> bool:
    key, operator = str(requirement.get("key", "")), requirement.get("operator")
    raw = requirement.get("values")
    values = [str(v) for v in raw] if isinstance(raw, list) else []
    if operator == "In":
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False


def _listed(items: Any, value: str) -> bool:
    return isinstance(items, list) and ("*" in items or value in items)


def _rule_matches(rule: Any, resource: Resource, exact: bool) -> bool:
    if not isinstance(rule, dict):
        return False
    group, version = group_version(resource)
    plural = resource_name(resource.kind)
    if not _listed(rule.get("operations"), "CREATE"):
        return False
    resources = rule.get("resources")
    if not (_listed(resources, plural) or (isinstance(resources, list) and "*/*" in resources)):
        return False
    names = rule.get("resourceNames")
    if isinstance(names, list) and names and resource.name not in names:
        return False
    scope = rule.get("scope", "*")
    if scope == "Cluster" and is_namespaced(resource) or scope == "Namespaced" and not is_namespaced(resource):
        return False
    groups = rule.get("apiGroups")
    same_group = _listed(groups, group)
    if same_group and _listed(rule.get("apiVersions"), version):
        return True
    if exact:
        return False
    # Equivalent: the same resource in another version, or in its other group.
    other = _EQUIVALENT_GROUPS.get((group, plural))
    return same_group or (other is not None and _listed(groups, other))


def rules_match(rules: Any, match_policy: Any, resource: Resource) -> bool:
    exact = match_policy == "Exact"
    return isinstance(rules, list) and any(_rule_matches(rule, resource, exact) for rule in rules)


def namespace_labels(resource: Resource, namespaces: Mapping[str, Resource]) -> dict[str, str]:
    namespace = namespaces.get(resource.namespace)
    labels = labels_of(namespace.data) if namespace is not None else {}
    return {**labels, NAME_LABEL: resource.namespace}


def matches(criteria: Mapping[str, Any], resource: Resource, namespaces: Mapping[str, Resource],
            rules_required: bool) -> bool:
    """Whether a policy's matchConstraints (`rules_required`) or a binding's matchResources match the object."""
    if is_namespaced(resource):
        if not selector_matches(criteria.get("namespaceSelector"), namespace_labels(resource, namespaces)):
            return False
    elif resource.qualified_kind == "Namespace":
        if not selector_matches(criteria.get("namespaceSelector"), {**labels_of(resource.data),
                                                                    NAME_LABEL: resource.name}):
            return False
    if not selector_matches(criteria.get("objectSelector"), labels_of(resource.data)):
        return False
    match_policy = criteria.get("matchPolicy", "Equivalent")
    if rules_match(criteria.get("excludeResourceRules"), match_policy, resource):
        return False
    rules = criteria.get("resourceRules")
    if not rules and not rules_required:
        return True
    return rules_match(rules, match_policy, resource)


class Matcher:
    """`matches`, remembered: across thousands of objects a policy's answer depends only on the
    object's apiVersion, kind and namespace, and on its name and labels when the criteria
    read them (resourceNames, objectSelector)."""

    def __init__(self, namespaces: Mapping[str, Resource]) -> None:
        self.namespaces = namespaces
        self.known: dict[tuple, bool] = {}
        self.reads: dict[int, tuple[bool, bool]] = {}

    def __call__(self, criteria: Mapping[str, Any], resource: Resource, rules_required: bool) -> bool:
        reads = self.reads.get(id(criteria))
        if reads is None:
            reads = self.reads[id(criteria)] = (reads_names(criteria), bool(criteria.get("objectSelector")))
        data = resource.data
        key = (id(criteria), rules_required, data.get("apiVersion"), data.get("kind"), resource.namespace,
               resource.name if reads[0] or data.get("kind") == "Namespace" else None,
               tuple(sorted(labels_of(resource.data).items())) if reads[1] else None)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = matches(criteria, resource, self.namespaces, rules_required)
        return found


def reads_names(criteria: Mapping[str, Any]) -> bool:
    rules = [rule for key in ("resourceRules", "excludeResourceRules") for rule in as_list(criteria.get(key))]
    return any(isinstance(rule, dict) and rule.get("resourceNames") for rule in rules)
