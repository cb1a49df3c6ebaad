"""Rendering an overlay with kustomize (`kustomize build`, or `kubectl kustomize`).

The overlay is built through a temporary kustomization that lists it and asks for build
metadata: each rendered object then says which file it came from (origin annotations),
which is how findings get back to the line that wrote them. The annotations are removed
before linting.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
from typing import Any, Sequence

import yaml

from svclint.render.rendering import Origin, Rendering

ORIGIN = "config.kubernetes.io/origin"
TRANSFORMATIONS = "alpha.config.kubernetes.io/transformations"
_KLOG_ERROR = re.compile(r'"command failed" err="(.*)"$')


def kustomize_command(chosen: str | None) -> list[str] | None:
    """The command that builds a directory given as its last argument: the configured one,
    else `kustomize build`, else `kubectl kustomize`, whichever is on PATH first; None when none is."""
    if chosen:
        return shlex.split(chosen)
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None


def render_overlay(directory: str, anchor: str, command: Sequence[str] | None, timeout: float) -> Rendering:
    rendering = Rendering(directory, anchor)
    if command is None:
        rendering.skipped = ("not rendered: neither kustomize nor kubectl is on PATH; install one, "
                             "or set kustomize-command")
        return rendering
    with tempfile.TemporaryDirectory(prefix="svclint-kustomize-") as scratch:
        overlay = os.path.abspath(directory)
        with open(os.path.join(scratch, "kustomization.yaml"), "w", encoding="utf-8") as stream:
            yaml.safe_dump({"resources": [os.path.relpath(overlay, scratch)],
                            "buildMetadata": ["originAnnotations"]}, stream)
        try:
            built = subprocess.run([*command, scratch], capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            rendering.error = f"{shlex.join(command)} did not finish within {timeout:g} s (render-timeout)"
            return rendering
        except OSError as exc:
            rendering.error = f"cannot run {shlex.join(command)}: {exc.strerror or exc}"
            return rendering
        if built.returncode != 0:
            rendering.error = _message(built.stderr.decode("utf-8", "replace"), scratch, overlay, directory)
            return rendering
        try:
            documents = [d for d in yaml.load_all(built.stdout.decode("utf-8", "replace"), Loader=yaml.CSafeLoader)
                         if d is not None]
        except yaml.YAMLError as exc:
            rendering.error = f"the output of {shlex.join(command)} is not YAML: {exc}"
            return rendering
        for document in documents:
            rendering.objects.append(document)
            rendering.origins.append(_origin(document, scratch, overlay, directory))
    return rendering


def _origin(document: Any, scratch: str, overlay: str, directory: str) -> Origin:
    """The origin annotation of a rendered object, taken off it, with paths as the run names them."""
    if not isinstance(document, dict) or not isinstance(document.get("metadata"), dict):
        return Origin()
    metadata = document["metadata"]
    annotations = metadata.get("annotations")
    if not isinstance(annotations, dict):
        return Origin()
    annotations.pop(TRANSFORMATIONS, None)
    written = annotations.pop(ORIGIN, None)
    if not annotations:
        del metadata["annotations"]
    try:
        origin = yaml.safe_load(written) if isinstance(written, str) else None
    except yaml.YAMLError:
        origin = None
    if not isinstance(origin, dict):
        return Origin()
    if isinstance(origin.get("path"), str) and not origin.get("repo"):
        return Origin(file=_as_run_path(origin["path"], scratch, overlay, directory))
    if isinstance(origin.get("configuredIn"), str):
        return Origin(generated_by=_as_run_path(origin["configuredIn"], scratch, overlay, directory))
    return Origin()


def _as_run_path(path: str, scratch: str, overlay: str, directory: str) -> str:
    """A path kustomize gives relative to the temporary kustomization, as the run names the
    overlay (`overlays/prod` -> `base/service.yaml`)."""
    absolute = os.path.normpath(os.path.join(scratch, path))
    return os.path.normpath(os.path.join(directory, os.path.relpath(absolute, overlay)))


def _message(stderr: str, scratch: str, overlay: str, directory: str) -> str:
    """The tool's message, without the temporary kustomization's paths."""
    text = " ".join(stderr.split()).removeprefix("Error: ")
    logged = _KLOG_ERROR.search(text)  # kubectl logs it: E1203 05:21:33 ... "command failed" err="..."
    if logged:
        text = logged[1].replace('\\"', '"')
    text = text.replace(f"accumulating resources from '{os.path.relpath(overlay, scratch)}': ", "")
    text = text.replace(scratch, "<build>").replace(os.getcwd() + os.sep, "")
    return text or "kustomize build failed"
