"""What a rendering gives: the objects of one overlay or chart, where each came from, or why none."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml


@dataclass(frozen=True)
class Origin:
    """Where a rendered object was written: a resource file (and its name there), or the
    kustomization whose generator made it, or a chart's template."""

    file: str | None = None  # resource file or template, as the run names paths
    generated_by: str | None = None  # the kustomization file whose generator made it
    template: bool = False  # `file` is a Helm template: values are written by expressions, not literally


@dataclass
class Rendering:
    name: str  # what `via` names: the overlay or chart directory (with the values files of a set)
    anchor: str  # the kustomization or Chart.yaml: where failures and what maps nowhere better go
    objects: list[Any] = field(default_factory=list)  # each document as rendered (annotations of the renderer removed)
    origins: list[Origin] = field(default_factory=list)  # one per object
    error: str | None = None  # the renderer's message when it failed
    skipped: str | None = None  # why it was not rendered (no renderer available)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (kustomization, path) named but not there
    reads: list[str] = field(default_factory=list)  # the files it reads (reported-on paths map here)

    def text(self) -> str:
        """The rendered objects as one YAML stream, as svclint lints them."""
        if not self.objects:
            return ""
        return yaml.dump_all(self.objects, Dumper=yaml.CSafeDumper, sort_keys=False,
                             allow_unicode=True)
