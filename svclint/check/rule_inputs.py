"""What a rule's check may read besides the object it inspects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from svclint.check.settings import Settings
from svclint.check.validation import resolve_version
from svclint.model.resources import Resource, ResourceIndex
from svclint.source.positions import PositionResolver


@dataclass(frozen=True)
class RuleInputs:
    every_object: ResourceIndex | None  # None for per-object rules (scope: object): see `index`
    settings: Settings
    options: dict  # the rule's own options: the defaults of its YAML, overridden by `rule-options`
    enabled_rules: frozenset[str] = frozenset()  # slugs of every rule in this run
    positions: PositionResolver | None = None  # of the object's file, while per-object rules run

    @property
    def index(self) -> ResourceIndex:
        """Every object of the run, for cross-object rules (`scope: index` in their YAML)."""
        if self.every_object is None:
            raise RuntimeError("a rule with `scope: object` read the index: declare `scope: index`")
        return self.every_object

    def runs(self, slug: str) -> bool:
        """Whether another rule runs too: a rule leaves to it what it reports better."""
        return slug in self.enabled_rules

    def written(self, resource: Resource, *path: Any) -> str | None:
        """The scalar at `path` in `resource` exactly as its file spells it (`yes`, `1.10`), or None."""
        if self.positions is None:
            return None
        return self.positions.written(resource.doc_index, resource.base_path + path)

    @property
    def kubernetes_minor(self) -> int:
        """The minor version linted for (33 for 1.33); the newest bundled when none was chosen."""
        return int(resolve_version(self.settings.kubernetes_version).split(".")[1])

    @property
    def target(self) -> str:
        """The cluster profile: as set, else kind when a kind cluster config is loaded."""
        if self.settings.target:
            return self.settings.target
        return "kind" if self.every_object is not None and self.every_object.kind_clusters else "generic"
