"""Rendered overlays and charts, cached under the cache directory by the content of every file
the rendering reads (the overlay's kustomizations, resources, patches and generator inputs;
every file of a chart), the renderer's arguments and svclint's rendering code: an overlay
nothing of which changed is not rendered again (a pre-commit run renders only what a commit
touched). Entries are JSON: the rendered objects and each object's origin.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable, Sequence

import svclint
from svclint import __version__
from svclint.check.settings import Settings
from svclint.render.rendering import Origin, Rendering
from svclint.source.atomic import write_bytes_atomically

RENDER_DIRECTORY = "renders"


def cached_render(settings: Settings, render: Callable[..., Rendering], arguments: tuple,
                  reads: Sequence[str] | None) -> Rendering:
    """`render(*arguments)`, or what it gave before for the same content of `reads`."""
    key = _key(render, arguments, reads) if settings.cache_dir and reads else None
    entry = Path(settings.cache_dir or ".", RENDER_DIRECTORY, f"{key}.json") if key else None
    if entry is not None:
        cached = _load(entry)
        if cached is not None:
            return cached
    rendering = render(*arguments)
    if entry is not None and rendering.skipped is None and "did not finish" not in (rendering.error or ""):
        _save(entry, rendering)
    return rendering


def _key(render: Callable[..., Rendering], arguments: tuple, reads: Sequence[str]) -> str | None:
    digest = hashlib.sha256()
    digest.update(json.dumps([__version__, render.__module__, render.__qualname__, repr(arguments)]).encode())
    for module in sorted((Path(svclint.__file__).parent / "render").glob("*.py")):
        digest.update(module.read_bytes())
    for path in reads:
        try:
            content = Path(path).read_bytes()
        except OSError:
            return None  # it will fail to render, and say why
        digest.update(f"\0{path}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def _load(entry: Path) -> Rendering | None:
    try:
        if entry.is_symlink() or not entry.is_file():
            return None
        data = json.loads(entry.read_text("utf-8"))
        rendering = Rendering(data["name"], data["anchor"], error=data["error"], reads=list(data["reads"]))
        rendering.objects = list(data["objects"])
        rendering.origins = [Origin(**origin) for origin in data["origins"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # damaged or of another shape: rendered again, and rewritten
    return rendering if len(rendering.origins) == len(rendering.objects) else None


def _save(entry: Path, rendering: Rendering) -> None:
    data: dict[str, Any] = {
        "name": rendering.name, "anchor": rendering.anchor, "error": rendering.error, "reads": rendering.reads,
        "objects": rendering.objects,
        "origins": [{"file": o.file, "generated_by": o.generated_by, "template": o.template}
                    for o in rendering.origins],
    }
    if os.path.islink(entry.parent.parent) or os.path.islink(entry.parent):
        return  # never write where a link points
    try:
        encoded = json.dumps(data).encode("utf-8")
    except (TypeError, ValueError):
        return  # a value JSON has no form for (a YAML timestamp): rendered each time
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(str(entry), encoded)
    except OSError:
        pass  # a cache that cannot be written only costs time
