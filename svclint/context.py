"""What a rule's check may read besides the object it inspects."""

from __future__ import annotations

from dataclasses import dataclass

from svclint.resources import ResourceIndex
from svclint.settings import Settings


@dataclass(frozen=True)
class RuleContext:
    index: ResourceIndex | None  # None for per-object rules (scope: object)
    settings: Settings
    options: dict

    @property
    def target(self) -> str:
        """The cluster profile: as set, else kind when a kind cluster config is loaded."""
        if self.settings.target:
            return self.settings.target
        return "kind" if self.index is not None and self.index.kind_clusters else "generic"
