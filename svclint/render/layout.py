"""Which directories of a run are Kustomize overlays and Helm charts, and which files each reads.

Read from the kustomization files themselves (no tool runs): a file that only a
kustomization reaches (a base's resources, a patch, a generator's input) is linted through
the overlays that render it, never raw, and the files an overlay reads key its render cache.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from typing import Any, Iterable

import yaml

from svclint.source.positions import as_list

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
CHART_FILE = "Chart.yaml"


def kustomization_file(directory: str) -> str | None:
    for name in KUSTOMIZATION_NAMES:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


@dataclass
class Kustomization:
    directory: str  # normalised, as the run names it
    file: str
    data: dict[str, Any]
    files: list[str] = field(default_factory=list)  # files it reads itself (resources, patches, inputs)
    kustomizations: list[str] = field(default_factory=list)  # directories it builds on (bases, components)
    resources: list[str] = field(default_factory=list)  # the files among `files` that hold whole objects
    missing: list[str] = field(default_factory=list)  # local paths it names that are not there, as written

    @property
    def is_component(self) -> bool:
        return self.data.get("kind") == "Component"


def read_kustomization(directory: str) -> Kustomization | None:
    """The kustomization of `directory`, or None when it has none. A file that is not a
    mapping reads as an empty kustomization: kustomize build reports it (render-failed)."""
    path = kustomization_file(directory)
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as stream:
            data = yaml.safe_load(stream)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = None
    found = Kustomization(os.path.normpath(directory), path, data if isinstance(data, dict) else {})
    whole_objects = set(_resource_references(found.data))
    for reference in _references(found.data):
        target = os.path.normpath(os.path.join(directory, reference))
        if os.path.isdir(target):
            found.kustomizations.append(target)
        elif os.path.isfile(target):
            found.files.append(target)
            if reference in whole_objects:
                found.resources.append(target)
        elif not _is_remote(reference) and not _typo(target):
            found.missing.append(reference)
    return found


def _typo(target: str) -> bool:
    """Whether a path that is not there is a slip for one that is (`bsae` for `base`): then it
    is a mistake, and kustomize's failure is the finding, not a missing input."""
    directory, name = os.path.split(target)
    try:
        siblings = os.listdir(directory or ".")
    except OSError:
        return False
    return bool(difflib.get_close_matches(name, siblings, n=1, cutoff=0.7))


def _resource_references(data: dict[str, Any]) -> Iterable[str]:
    for key in ("resources", "bases", "crds"):
        yield from (item for item in as_list(data.get(key)) if isinstance(item, str))


def _is_remote(reference: str) -> bool:
    """A remote base (`https://…`, `github.com/org/repo//dir?ref=v1`, `git@…`): not in the run."""
    return "://" in reference or "?ref=" in reference or "//" in reference or \
        reference.startswith(("github.com/", "gitlab.com/", "bitbucket.org/", "git@"))


def _references(data: dict[str, Any]) -> Iterable[str]:
    """Every local path a kustomization names (remote URLs are left out: they are not in the run)."""
    for key in ("resources", "bases", "components", "crds", "configurations", "generators", "transformers",
                "validators", "patchesStrategicMerge"):
        yield from (item for item in as_list(data.get(key)) if isinstance(item, str) and "\n" not in item)
    for key in ("patches", "patchesJson6902", "replacements"):
        yield from (item["path"] for item in as_list(data.get(key))
                    if isinstance(item, dict) and isinstance(item.get("path"), str))
    for key in ("configMapGenerator", "secretGenerator"):
        for generator in as_list(data.get(key)):
            if not isinstance(generator, dict):
                continue
            for entry in as_list(generator.get("files")):
                if isinstance(entry, str):
                    yield entry.split("=", 1)[-1]
            yield from (env for env in as_list(generator.get("envs")) if isinstance(env, str))
            if isinstance(generator.get("env"), str):
                yield generator["env"]
    openapi = data.get("openapi")
    if isinstance(openapi, dict) and isinstance(openapi.get("path"), str):
        yield openapi["path"]


@dataclass
class Layout:
    """What a run holds besides plain manifests."""

    overlays: list[Kustomization] = field(default_factory=list)  # the top overlays, each rendered
    charts: list[str] = field(default_factory=list)  # chart directories, each rendered
    lone_components: list[Kustomization] = field(default_factory=list)  # components no overlay lists
    # Overlays that name files that are not there (made by a build step, or left out of a
    # copy): kustomize cannot build them, so their resource files are linted as plain files.
    incomplete: list[Kustomization] = field(default_factory=list)
    kustomizations: dict[str, Kustomization] = field(default_factory=dict)  # every one reached, by directory
    consumed: set[str] = field(default_factory=set)  # files linted only through a rendering
    # Set when the run names changed files (pre-commit): only findings at these are reported.
    report_only: set[str] | None = None

    def reads(self, directory: str) -> list[str]:
        """Every file the kustomization of `directory` reads, its own and its bases' (sorted)."""
        seen: set[str] = set()
        files: set[str] = set()
        pending = [directory]
        while pending:
            current = pending.pop()
            if current in seen or current not in self.kustomizations:
                continue
            seen.add(current)
            kustomization = self.kustomizations[current]
            files.add(kustomization.file)
            files.update(kustomization.files)
            pending.extend(kustomization.kustomizations)
        return sorted(files)

    @property
    def renders(self) -> bool:
        """Whether anything here is rendered, or reported as not renderable."""
        return bool(self.overlays or self.charts or self.lone_components or self.incomplete)

    def referenced(self) -> set[str]:
        """The directories that some kustomization builds on: never top overlays."""
        return {base for k in self.kustomizations.values() for base in k.kustomizations}

    def consume_all(self) -> None:
        """Every kustomization's own file and the files it reads are linted only as rendered."""
        for kustomization in self.kustomizations.values():
            self.consumed.add(kustomization.file)
            self.consumed.update(kustomization.files)

    def missing(self, directory: str) -> list[tuple[Kustomization, str]]:
        """The files that the kustomization of `directory` or its bases name and do not have."""
        return [(k, reference) for k in self.chain(directory) for reference in k.missing]

    def set_aside_incomplete(self) -> None:
        """Moves the overlays that miss files to `incomplete`, and gives their resource files
        back to plain linting (those that no overlay rendered here reads)."""
        self.incomplete += [k for k in self.overlays if self.missing(k.directory)]
        self.overlays = [k for k in self.overlays if k not in self.incomplete]
        rendered = {file for k in self.overlays for file in self.reads(k.directory)}
        for overlay in self.incomplete:
            self.consumed.difference_update(
                file for k in self.chain(overlay.directory) for file in k.resources if file not in rendered)

    def plain_files(self) -> list[str]:
        """The resource files of the incomplete overlays, linted as plain manifests."""
        return sorted({file for overlay in self.incomplete for k in self.chain(overlay.directory)
                       for file in k.resources if file not in self.consumed})

    def chain(self, directory: str) -> list[Kustomization]:
        """The kustomizations an overlay builds on, the overlay first (outermost first: the
        order in which their patches win)."""
        order: list[Kustomization] = []
        seen: set[str] = set()
        pending = [directory]
        while pending:
            current = pending.pop(0)
            if current in seen or current not in self.kustomizations:
                continue
            seen.add(current)
            order.append(self.kustomizations[current])
            pending.extend(self.kustomizations[current].kustomizations)
        return order


def find_layout(roots: Iterable[str], exclude_dir: Any = None) -> Layout:
    """The overlays and charts under the directories `roots` (walked like discovery: hidden
    directories and excluded ones left out, `exclude_dir(path)` says which)."""
    layout = Layout()
    in_run: list[str] = []
    for root in roots:
        for directory, subdirs, names in os.walk(root):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith(".")
                                and not (exclude_dir and exclude_dir(os.path.join(directory, d))))
            normalised = os.path.normpath(directory)
            if CHART_FILE in names:
                layout.charts.append(normalised)
                layout.consumed.update(_chart_files(normalised))
                subdirs[:] = []  # a chart's own directories (templates, charts/) are the chart's
            elif any(name in names for name in KUSTOMIZATION_NAMES):
                in_run.append(normalised)
    _read_all(layout, in_run)
    referenced = layout.referenced()
    layout.overlays = [layout.kustomizations[d] for d in in_run
                       if d not in referenced and not layout.kustomizations[d].is_component]
    layout.lone_components = [layout.kustomizations[d] for d in in_run
                              if d not in referenced and layout.kustomizations[d].is_component]
    layout.consume_all()
    layout.set_aside_incomplete()
    return layout


def add_named(layout: Layout, paths: Iterable[str]) -> None:
    """Adds the kustomizations and Chart.yaml files named on the command line: each is rendered,
    even when another kustomization of the run builds on it."""
    for path in paths:
        directory, name = os.path.split(os.path.normpath(path))
        directory = directory or "."
        if name == CHART_FILE and directory not in layout.charts:
            layout.charts.append(directory)
            layout.consumed.update(_chart_files(directory))
        elif name in KUSTOMIZATION_NAMES and directory not in [k.directory for k in layout.overlays]:
            _read_all(layout, [directory])
            named = layout.kustomizations.get(directory)
            if named is not None and named.is_component:
                layout.lone_components.append(named)
            elif named is not None:
                layout.overlays.append(named)
            layout.consume_all()
    layout.set_aside_incomplete()


def including(named: Iterable[str], candidates: Iterable[str]) -> Layout:
    """The overlays and charts that include any of the files `named` (a pre-commit run's
    changed files), among the kustomization directories `candidates` and the charts and
    kustomizations above each named file (up to the working directory)."""
    named = {os.path.normpath(path) for path in named}
    layout = Layout(report_only=named)
    directories = set(candidates)
    for path in named:
        for directory in _ancestors(path):
            if os.path.isfile(os.path.join(directory, CHART_FILE)) and directory not in layout.charts:
                layout.charts.append(directory)
            elif kustomization_file(directory):
                directories.add(directory)
    _read_all(layout, sorted(directories))
    referenced = layout.referenced()
    for directory, kustomization in sorted(layout.kustomizations.items()):
        if directory not in referenced and not kustomization.is_component \
                and named & set(layout.reads(directory)):
            layout.overlays.append(kustomization)
            layout.consumed.update(layout.reads(directory))
    for chart in layout.charts:
        layout.consumed.update(_chart_files(chart))
    layout.set_aside_incomplete()
    return layout


def _ancestors(path: str) -> Iterable[str]:
    """The directories holding `path`, innermost first, up to the working directory."""
    directory = os.path.dirname(os.path.abspath(path))
    top = os.getcwd()
    while directory == top or directory.startswith(top + os.sep):
        yield os.path.relpath(directory) if directory != top else "."
        directory = os.path.dirname(directory)


def _read_all(layout: Layout, directories: list[str]) -> None:
    pending = list(directories)
    while pending:
        directory = pending.pop()
        if directory in layout.kustomizations:
            continue
        kustomization = read_kustomization(directory)
        if kustomization is None:
            continue
        layout.kustomizations[directory] = kustomization
        pending.extend(kustomization.kustomizations)


def _chart_files(chart: str) -> set[str]:
    return {os.path.normpath(os.path.join(directory, name))
            for directory, _, names in os.walk(chart) for name in names}
