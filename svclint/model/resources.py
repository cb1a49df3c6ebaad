"""Kubernetes objects found in the documents, and the index cross-object rules read."""

from __future__ import annotations

import difflib
import functools
import os.path
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping, TypeVar

from svclint.model.workloads import BUILT_IN, OWN_NAME, WorkloadKind, pod_templates, workload_kind
from svclint.source.objects import is_object
from svclint.source.positions import Path, as_list, dig

KIND_CLUSTER_API_GROUP = "kind.x-k8s.io"
KUSTOMIZE_API_GROUP = "kustomize.config.k8s.io"
# Well-known kinds without a namespace: their objects keep namespace "".
CLUSTER_SCOPED_KINDS = frozenset({
    "Namespace", "Node", "PersistentVolume", "ComponentStatus",
    "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding",
    "apiextensions.k8s.io/CustomResourceDefinition", "apiregistration.k8s.io/APIService",
    "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
    "admissionregistration.k8s.io/MutatingWebhookConfiguration",
    "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
    "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
    "storage.k8s.io/StorageClass", "storage.k8s.io/CSIDriver", "storage.k8s.io/CSINode",
    "storage.k8s.io/VolumeAttachment", "networking.k8s.io/IngressClass", "node.k8s.io/RuntimeClass",
    "scheduling.k8s.io/PriorityClass", "certificates.k8s.io/CertificateSigningRequest",
    "flowcontrol.apiserver.k8s.io/FlowSchema", "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration",
    "gateway.networking.k8s.io/GatewayClass",
})


@dataclass(frozen=True)
class ObjectRef:
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None

    def describe(self) -> str:
        if not self.kind:
            return ""
        ident = f"{self.namespace}/{self.name}" if self.namespace else f"{self.name}"
        return f"{self.kind} {ident}"


@dataclass
class Resource:
    data: dict
    file: str
    doc_index: int
    # metadata.namespace, else the kustomization's, else --namespace; "" for cluster-scoped
    # kinds (and until resolved)
    namespace: str
    base_path: Path = ()  # ("items", 3) for an item of a List

    @property
    def api_version(self) -> str:
        return _text(self.data.get("apiVersion"))

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def kind(self) -> str:
        return _text(self.data.get("kind"))

    @property
    def name(self) -> str:
        return _text(self.get("metadata", "name"))

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.kind, self.namespace, self.name)

    @functools.cached_property  # every rule and index asks, ten times per object
    def qualified_kind(self) -> str:
        """`Service` for the core group, `apps/Deployment` otherwise: rules name these."""
        group = self.group
        return f"{group}/{self.kind}" if group else self.kind

    def get(self, *path: Any) -> Any:
        """The value at `path`, or None when any step is missing or of the wrong type."""
        return dig(self.data, path)


@dataclass(frozen=True)
class PodTemplate:
    owner: Resource
    path: Path  # path of the pod template inside the owner (() for a bare Pod)
    labels: Mapping[str, Any]  # as written in the template, with a source's labels (see ResourceIndex.select)

    @property
    def spec(self) -> Any:
        return self.owner.get(*self.path, "spec")


@dataclass
class KindCluster:
    resource: Resource

    @property
    def port_mappings(self) -> list[tuple[int | None, int | None, str]]:
        """(containerPort, hostPort, protocol) of every extraPortMappings entry of every node."""
        mappings = []
        for node in as_list(self.resource.get("nodes")):
            for mapping in as_list(dig(node, ("extraPortMappings",))):
                container, host = dig(mapping, ("containerPort",)), dig(mapping, ("hostPort",))
                mappings.append((_port(container), _port(host), dig(mapping, ("protocol",)) or "TCP"))
        return mappings

    @property
    def ingress_ports(self) -> list[tuple[int, int | None]]:
        """(containerPort, hostPort) of the 80 and 443 mappings of nodes labelled
        `ingress-ready=true`: where kind's ingress guide binds the ingress controller to the
        host (its pods take hostPort 80 and 443 on the labelled node)."""
        ports = []
        for node in as_list(self.resource.get("nodes")):
            if not _ingress_ready(node):
                continue
            for mapping in as_list(dig(node, ("extraPortMappings",))):
                container = _port(dig(mapping, ("containerPort",)))
                if container in (80, 443) and (dig(mapping, ("protocol",)) or "TCP") == "TCP":
                    ports.append((container, _port(dig(mapping, ("hostPort",)))))
        return ports

    @property
    def mapped_node_ports(self) -> set[tuple[int, str]]:
        """(containerPort, protocol) of every extraPortMappings entry: ports of the node
        container that the host can reach."""
        return {(container, protocol) for container, _, protocol in self.port_mappings if container is not None}


def _ingress_ready(node: Any) -> bool:
    """Whether a kind node carries `ingress-ready=true`: as `labels:`, or as kubelet
    `node-labels` in a kubeadmConfigPatches entry (the older form of kind's ingress guide)."""
    if str(dig(node, ("labels", "ingress-ready"))).lower() == "true":
        return True
    return any(isinstance(patch, str) and re.search(r"node-labels:.*\bingress-ready=true\b", patch)
               for patch in as_list(dig(node, ("kubeadmConfigPatches",))))


def _port(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


T = TypeVar("T")
_NONE: set[int] = set()
Identity = tuple[str, str, str]  # (group/Kind, namespace, name): what the API server keys objects by


@dataclass
class ResourceIndex:
    workload_kinds: Mapping[str, WorkloadKind] = field(default_factory=lambda: BUILT_IN)
    objects: list[Resource] = field(default_factory=list)
    kind_clusters: list[KindCluster] = field(default_factory=list)
    templates: list[PodTemplate] = field(default_factory=list)
    # (namespace, label key, label value) -> numbers of templates whose pods carry that label
    _by_label: dict[tuple[str, str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    _by_label_key: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    # (namespace, label key) -> templates whose controller adds that label with a value of its own
    _any_value: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    _namespaces_by_key: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _by_kind: dict[str, list[Resource]] = field(default_factory=lambda: defaultdict(list))
    _by_identity: dict[Identity, list[Resource]] = field(default_factory=lambda: defaultdict(list))
    _by_file: dict[str, list[Resource]] = field(default_factory=lambda: defaultdict(list))
    _derived: dict[Callable, Any] = field(default_factory=dict)
    _selected: dict[tuple, tuple[PodTemplate, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, resources: Iterable[Resource],
              workload_kinds: Mapping[str, WorkloadKind] = BUILT_IN) -> "ResourceIndex":
        index = cls(workload_kinds)
        for resource in resources:
            index.add(resource)
        return index

    def add(self, resource: Resource) -> None:
        if resource.group == KIND_CLUSTER_API_GROUP and resource.kind == "Cluster":
            self.kind_clusters.append(KindCluster(resource))
            return
        if resource.group == KUSTOMIZE_API_GROUP:
            return
        self.objects.append(resource)
        self._by_kind[resource.qualified_kind].append(resource)
        self._by_identity[identity(resource)].append(resource)
        self._by_file[resource.file].append(resource)
        workload = workload_kind(self.workload_kinds, resource.qualified_kind)
        if workload is not None:
            self._add_templates(resource, workload)

    def _add_templates(self, owner: Resource, workload: WorkloadKind) -> None:
        for site in pod_templates(owner.data, workload):
            self._add_template(owner, workload, site.template, site.labels)

    def _add_template(self, owner: Resource, workload: WorkloadKind, path: Path, labels: dict) -> None:
        number = len(self.templates)
        self.templates.append(PodTemplate(owner, path, labels))
        namespace = owner.namespace
        for key, value in labels.items():
            self._by_label[(namespace, str(key), str(value))].add(number)
            self._by_label_key[(namespace, str(key))].add(number)
            self._namespaces_by_key[str(key)].add(namespace)
        for key, value_source in workload.added_labels:
            if value_source == OWN_NAME:
                self._by_label[(namespace, key, owner.name)].add(number)
            else:
                self._any_value[(namespace, key)].add(number)
            self._namespaces_by_key[key].add(namespace)

    def of_kind(self, qualified_kind: str) -> list[Resource]:
        return self._by_kind.get(qualified_kind, [])

    def in_file(self, path: str) -> list[Resource]:
        """The objects of one file, in their order."""
        return self._by_file.get(path, [])

    def with_identity(self, qualified_kind: str, namespace: str, name: str) -> list[Resource]:
        """The loaded definitions of one object (more than one is a duplicate)."""
        return self._by_identity.get((qualified_kind, namespace, name), [])

    def derived(self, build: Callable[["ResourceIndex"], T]) -> T:
        """The table `build(index)`, built on first use and kept for the run: rules use it
        for lookups across all objects (node port owners, ...) so that each check is a
        dict look-up, not a scan."""
        if build not in self._derived:
            self._derived[build] = build(self)
        return self._derived[build]

    def select(self, namespace: str, selector: Mapping[str, str]) -> tuple[PodTemplate, ...]:
        """Pod templates in `namespace` whose pods carry every pair of `selector`
        (their own labels, or labels their controller adds)."""
        key = (namespace, *selector.items())
        if key not in self._selected:  # several rules follow each Service's selector
            self._selected[key] = self._select(namespace, selector)
        return self._selected[key]

    def _select(self, namespace: str, selector: Mapping[str, str]) -> tuple[PodTemplate, ...]:
        if not selector:
            return ()
        candidates = sorted((self._carrying(namespace, str(k), str(v)) for k, v in selector.items()), key=len)
        numbers = set.intersection(*candidates) if candidates[0] else set()
        return tuple(self.templates[n] for n in sorted(numbers))

    def _carrying(self, namespace: str, key: str, value: str) -> set[int]:
        written = self._by_label.get((namespace, key, value), _NONE)
        added = self._any_value.get((namespace, key))
        return written | added if added else written

    def nearest(self, namespace: str, selector: Mapping[str, Any]) -> PodTemplate | None:
        """The template of `namespace` closest to `selector`: most pairs shared, then most keys,
        then the most similar values (a typo or a renamed `-v2`), then the first loaded."""
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # pairs shared, keys present
        for key, value in selector.items():
            for number in self._by_label_key.get((namespace, str(key)), ()):
                counts[number][0] += str(self.templates[number].labels.get(key)) == str(value)
                counts[number][1] += 1
        if not counts:
            return None
        top = max(counts.values())
        # Similarity is the costly part (all templates of a namespace share the `app` key), so
        # it is computed only where it could still win, after difflib's cheap upper bounds.
        matchers = {key: difflib.SequenceMatcher(None, "", str(value)) for key, value in selector.items()}
        best, best_similarity = 0, -1.0
        for number in sorted(n for n, count in counts.items() if count == top):
            compared = []
            for key, matcher in matchers.items():
                if number in self._by_label_key.get((namespace, str(key)), ()):
                    matcher.set_seq1(str(self.templates[number].labels.get(key)))
                    compared.append(matcher)
            if sum(m.real_quick_ratio() for m in compared) <= best_similarity:
                continue
            if sum(m.quick_ratio() for m in compared) <= best_similarity:
                continue
            similarity = sum(m.ratio() for m in compared)
            if similarity > best_similarity:  # on a tie the first loaded stays
                best, best_similarity = number, similarity
        return self.templates[best]

    def namespaces_selecting(self, selector: Mapping[str, Any]) -> list[str]:
        """The namespaces where `selector` matches a template."""
        keys = [str(k) for k in selector]
        if not keys:
            return []
        namespaces = set.intersection(*(self._namespaces_by_key.get(k, set()) for k in keys))
        return sorted(ns for ns in namespaces if self.select(ns, selector))


def identity(resource: Resource) -> Identity:
    return (resource.qualified_kind, resource.namespace, resource.name)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def objects_in(data: Any, base: Path = ()) -> Iterator[tuple[dict, Path]]:
    """Kubernetes objects in a document: the document itself, or the items of a List."""
    if not is_object(data):  # kubectl cannot decode the others (the not-an-object rule says so)
        return
    if data["kind"].endswith("List") and isinstance(data.get("items"), list):
        for number, item in enumerate(data["items"]):
            yield from objects_in(item, base + ("items", number))
        return
    yield data, base


def kustomization_namespaces(resource: Resource) -> dict[str, str]:
    """The files a kustomization with `namespace:` lists (normalised paths), to that namespace."""
    namespace, entries = resource.get("namespace"), resource.get("resources")
    if resource.group != KUSTOMIZE_API_GROUP or not isinstance(namespace, str) or not isinstance(entries, list):
        return {}
    folder = os.path.dirname(resource.file)
    return {os.path.normpath(os.path.join(folder, e)): namespace for e in entries if isinstance(e, str)}
