"""Kubernetes objects found in the documents, and the index cross-object rules read."""

from __future__ import annotations

import difflib
import os.path
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

from svclint.documents import is_object
from svclint.finding import ObjectRef, Path
from svclint.source import SourceFile
from svclint.workloads import POD_TEMPLATE_PATHS

KIND_CLUSTER_API_GROUP = "kind.x-k8s.io"
KUSTOMIZE_API_GROUP = "kustomize.config.k8s.io"
METALLB_API_GROUP = "metallb.io"
METALLB_PROVIDER_KINDS = {"IPAddressPool", "L2Advertisement", "BGPAdvertisement"}


@dataclass
class Resource:
    data: dict
    file: str
    doc_index: int
    namespace: str  # metadata.namespace, else the kustomization's, else --namespace
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

    @property
    def qualified_kind(self) -> str:
        """`Service` for the core group, `apps/Deployment` otherwise: rules name these."""
        return f"{self.group}/{self.kind}" if self.group else self.kind

    def get(self, *path: Any) -> Any:
        """The value at `path`, or None when any step is missing or of the wrong type."""
        return dig(self.data, path)


@dataclass(frozen=True)
class PodTemplate:
    owner: Resource
    path: Path  # path of the pod template inside the owner (() for a bare Pod)
    labels: Mapping[str, Any]

    @property
    def spec(self) -> Any:
        return self.owner.get(*self.path, "spec")


@dataclass
class KindCluster:
    resource: Resource

    @property
    def mapped_node_ports(self) -> set[int]:
        ports = set()
        for node in self.resource.get("nodes") or []:
            for mapping in dig(node, ("extraPortMappings",)) or []:
                port = dig(mapping, ("containerPort",))
                if isinstance(port, int):
                    ports.add(port)
        return ports


@dataclass
class ResourceIndex:
    objects: list[Resource] = field(default_factory=list)
    kind_clusters: list[KindCluster] = field(default_factory=list)
    templates: list[PodTemplate] = field(default_factory=list)
    # (namespace, label key, label value) -> numbers of templates carrying that label
    _by_label: dict[tuple[str, str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    _by_label_key: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    _by_kind: dict[str, list[Resource]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, sources: Iterable[SourceFile], default_namespace: str) -> "ResourceIndex":
        index = cls()
        sources = list(sources)
        namespaces = _kustomization_namespaces(sources)
        for source in sources:
            for document in source.documents:
                for data, base in _objects_in(document.data):
                    namespace = _text(dig(data, ("metadata", "namespace")))
                    namespace = namespace or namespaces.get(os.path.normpath(source.path)) or default_namespace
                    index.add(Resource(data, source.path, document.index, namespace, base))
        return index

    def add(self, resource: Resource) -> None:
        if resource.group == KIND_CLUSTER_API_GROUP and resource.kind == "Cluster":
            self.kind_clusters.append(KindCluster(resource))
            return
        if resource.group == KUSTOMIZE_API_GROUP:
            return
        self.objects.append(resource)
        self._by_kind[resource.qualified_kind].append(resource)
        template_path = POD_TEMPLATE_PATHS.get(resource.kind)
        if template_path is not None:
            self._add_template(resource, template_path)

    def _add_template(self, owner: Resource, path: Path) -> None:
        labels = owner.get(*path, "metadata", "labels")
        if not isinstance(labels, dict):
            labels = {}
        number = len(self.templates)
        self.templates.append(PodTemplate(owner, path, labels))
        for key, value in labels.items():
            self._by_label[(owner.namespace, str(key), str(value))].add(number)
            self._by_label_key[(owner.namespace, str(key))].add(number)

    def of_kind(self, qualified_kind: str) -> list[Resource]:
        return self._by_kind.get(qualified_kind, [])

    def select(self, namespace: str, selector: Mapping[str, Any]) -> list[PodTemplate]:
        """Pod templates in `namespace` whose labels include every pair of `selector`."""
        if not selector:
            return []
        candidates = sorted(
            (self._by_label.get((namespace, str(k), str(v)), set()) for k, v in selector.items()),
            key=len,
        )
        numbers = set.intersection(*candidates) if candidates[0] else set()
        return [self.templates[n] for n in sorted(numbers)]

    def nearest(self, namespace: str, selector: Mapping[str, Any]) -> PodTemplate | None:
        """The template of `namespace` closest to `selector`: most pairs shared, then most keys,
        then the most similar values (a typo or a renamed `-v2`)."""
        scores: dict[int, list[float]] = defaultdict(lambda: [0, 0, 0.0])
        for key, value in selector.items():
            for number in self._by_label_key.get((namespace, str(key)), ()):
                score = scores[number]
                found = str(self.templates[number].labels.get(key))
                score[0] += found == str(value)
                score[1] += 1
                score[2] += difflib.SequenceMatcher(None, found, str(value)).ratio()
        if not scores:
            return None
        return self.templates[max(scores, key=lambda n: (scores[n], -n))]

    def namespaces_selecting(self, selector: Mapping[str, Any]) -> list[str]:
        """Other namespaces where `selector` would match a template."""
        namespaces = sorted({t.owner.namespace for t in self.templates})
        return [ns for ns in namespaces if self.select(ns, selector)]


def dig(value: Any, path: Iterable[Any]) -> Any:
    for part in path:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        else:
            return None
    return value


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _objects_in(data: Any, base: Path = ()) -> Iterator[tuple[dict, Path]]:
    """Kubernetes objects in a document: the document itself, or the items of a List."""
    if not is_object(data):  # kubectl cannot decode the others (the not-an-object rule says so)
        return
    if data["kind"].endswith("List") and isinstance(data.get("items"), list):
        for number, item in enumerate(data["items"]):
            yield from _objects_in(item, base + ("items", number))
        return
    yield data, base


def _kustomization_namespaces(sources: list[SourceFile]) -> dict[str, str]:
    """Files (normalised paths) that a kustomization with `namespace:` lists, to that namespace."""
    result: dict[str, str] = {}
    for source in sources:
        for document in source.documents:
            data = document.data
            if not (isinstance(data, dict) and str(data.get("apiVersion", "")).startswith(KUSTOMIZE_API_GROUP)):
                continue
            namespace = data.get("namespace")
            if not isinstance(namespace, str) or not isinstance(data.get("resources"), list):
                continue
            folder = os.path.dirname(source.path)
            for entry in data["resources"]:
                if isinstance(entry, str):
                    result[os.path.normpath(os.path.join(folder, entry))] = namespace
    return result
