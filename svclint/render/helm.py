"""Rendering a Helm chart: in-process with helm-python-sdk (`pip install 'svclint[helm]'`),
else with a `helm` binary on PATH, else not at all (a render-skipped finding says how)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from typing import Any, Sequence

import yaml

from svclint.render.layout import CHART_FILE
from svclint.render.rendering import Origin, Rendering

INSTALL_HINT = "pip install 'svclint[helm]'"
_SOURCE = re.compile(r"^# Source: (.+)$", re.MULTILINE)


def run_name(chart: str, values_files: Sequence[str]) -> str:
    """How a run of a chart is named: its directory, and the values files of its set."""
    return f"{chart} ({', '.join(values_files)})" if values_files else chart


def render_chart(chart: str, values_files: Sequence[str], release: str, namespace: str, timeout: float) -> Rendering:
    rendering = Rendering(run_name(chart, values_files), os.path.join(chart, CHART_FILE))
    rendering.reads = _chart_files(chart)
    missing = missing_dependencies(chart)
    if missing:
        rendering.error = (f"dependencies not in {os.path.join(chart, 'charts')}/: {', '.join(missing)}; "
                           f"run `helm dependency build {chart}`")
        return rendering
    try:
        values = _values(chart, values_files)
    except (OSError, yaml.YAMLError, ValueError) as exc:
        rendering.error = f"cannot read the values: {exc}"
        return rendering
    helm_python = _sdk()
    if helm_python is not None:
        try:
            with helm_python.Chart.load(chart) as loaded:
                manifests = loaded.render(values, name=release, namespace=namespace)
        except helm_python.HelmError as exc:
            rendering.error = " ".join(str(exc).split())
            return rendering
    elif shutil.which("helm"):
        result = _render_with_binary(chart, values_files, release, namespace, timeout)
        if isinstance(result, str):
            rendering.error = result
            return rendering
        manifests = result
    else:
        rendering.skipped = f"Helm chart not rendered: neither helm-python-sdk ({INSTALL_HINT}) nor helm is installed"
        return rendering
    _add_manifests(rendering, chart, manifests)
    return rendering


def _sdk() -> Any:
    """helm-python-sdk (the extra: svclint[helm]), or None when it is not installed."""
    try:
        import helm_python
    except ImportError:
        return None
    return helm_python


def missing_dependencies(chart: str) -> list[str]:
    """Dependencies Chart.yaml declares that charts/ does not hold (as a directory or archive)."""
    try:
        with open(os.path.join(chart, CHART_FILE), encoding="utf-8") as stream:
            metadata = yaml.safe_load(stream)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    dependencies = metadata.get("dependencies") if isinstance(metadata, dict) else None
    vendored = os.listdir(os.path.join(chart, "charts")) if os.path.isdir(os.path.join(chart, "charts")) else []
    missing = []
    for dependency in dependencies if isinstance(dependencies, list) else []:
        name = dependency.get("name") if isinstance(dependency, dict) else None
        if isinstance(name, str) and not any(entry == name or re.fullmatch(re.escape(name) + r"-.+\.tgz", entry)
                                             for entry in vendored):
            missing.append(name)
    return missing


def _values(chart: str, files: Sequence[str]) -> dict[str, Any]:
    """The values files of a set, merged as helm merges `-f` files (later ones win, maps deeply)."""
    merged: dict[str, Any] = {}
    for name in files:
        with open(os.path.join(chart, name), encoding="utf-8") as stream:
            data = yaml.safe_load(stream) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{os.path.join(chart, name)}: expected a mapping of values")
        merged = _merged(merged, data)
    return merged


def _merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for key, value in override.items():
        result[key] = _merged(result[key], value) if isinstance(value, dict) and isinstance(result.get(key), dict) \
            else value
    return result


def _render_with_binary(chart: str, values_files: Sequence[str], release: str, namespace: str,
                        timeout: float) -> dict[str, str] | str:
    command = ["helm", "template", release, chart, "--namespace", namespace]
    for name in values_files:
        command += ["--values", os.path.join(chart, name)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return f"helm template did not finish within {timeout:g} s (render-timeout)"
    except OSError as exc:
        return f"cannot run helm: {exc.strerror or exc}"
    if done.returncode != 0:
        return " ".join(done.stderr.decode("utf-8", "replace").split()).removeprefix("Error: ")
    manifests: dict[str, str] = {}
    for document in done.stdout.decode("utf-8", "replace").split("\n---"):
        source = _SOURCE.search(document)
        if source:
            manifests[source[1]] = manifests.get(source[1], "") + "\n---\n" + document
    return manifests


def _add_manifests(rendering: Rendering, chart: str, manifests: dict[str, str]) -> None:
    for template in sorted(manifests):
        if not template.endswith((".yaml", ".yml", ".json")):
            continue  # NOTES.txt
        file = _template_file(chart, template)
        try:
            documents = [d for d in yaml.load_all(manifests[template], Loader=yaml.CSafeLoader) if d is not None]
        except yaml.YAMLError as exc:
            rendering.error = f"{template} renders invalid YAML: {' '.join(str(exc).split())}"
            rendering.objects.clear()
            rendering.origins.clear()
            return
        for document in documents:
            rendering.objects.append(document)
            rendering.origins.append(Origin(file=file, template=True))


def _template_file(chart: str, template: str) -> str:
    """`web/charts/sub/templates/cm.yaml` (helm names templates after the chart) as a run path."""
    return os.path.normpath(os.path.join(chart, template.split("/", 1)[1] if "/" in template else template))


def _chart_files(chart: str) -> list[str]:
    return sorted(os.path.normpath(os.path.join(directory, name))
                  for directory, _, names in os.walk(chart) for name in names)
