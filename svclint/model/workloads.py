"""Workload kinds as a table, not code: where each keeps its pod template and its own
selector, and which labels its controller adds to the pods it creates.

Keys are `group/Kind` (that group only) or a bare `Kind` (any group, so that
`apps/v1beta2` Deployments count too). Users add their own kinds in config (`workloads:`),
which only know template paths.

A kind may make pods from several templates (an Argo Experiment has a list of them) and
add labels to some of its pods (a Rollout's canary pods get `canaryMetadata` labels), so
besides its main template a kind lists more `PodSource`s. A path step `EACH` stands for
every item of a list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping, NamedTuple, Optional

from svclint.source.positions import Path, dig

EACH = "*"  # a path step: every item of a list

ANY_VALUE = None  # the controller picks the value (a hash, an ordinal, a generated name)
OWN_NAME = "metadata.name"  # the value is the workload's own name

# (label, value) pairs a controller adds to every pod; the value is ANY_VALUE or OWN_NAME
AddedLabels = tuple[tuple[str, Optional[str]], ...]


@dataclass(frozen=True)
class PodSource:
    """Pods a workload makes from a template, with labels of their own."""
    template: Path  # the pod template (metadata.labels + spec); () for a bare Pod
    labels: Path | None = None  # labels the controller adds to these pods, besides the template's
    selector: Path | None = None  # their own selector; its EACH steps take the items of the above


@dataclass(frozen=True)
class WorkloadKind:
    template: Path  # path of the main pod template (metadata.labels + spec); () for a bare Pod
    selector: Path | None = None  # path of the workload's own selector, when it has one
    selector_is_map: bool = False  # a plain label map (RC, DeploymentConfig), not a LabelSelector
    selector_required: bool = False
    added_labels: AddedLabels = ()  # to the pods of every source
    more: tuple[PodSource, ...] = ()  # other pods it makes

    @property
    def sources(self) -> tuple[PodSource, ...]:
        return (PodSource(self.template, selector=self.selector), *self.more)


class PodTemplateSite(NamedTuple):
    """One set of pods a workload object makes: where their template is, the labels they carry
    (written and added from `labels`), and where their own selector is."""
    template: Path
    labels: dict[Any, Any]
    selector: Path | None
    main: bool  # made from the kind's main template (whose selector may be required)


def pod_templates(data: Any, kind: WorkloadKind) -> Iterator[PodTemplateSite]:
    """Every pod template of a workload object `data` of that kind, with EACH steps resolved."""
    for number, source in enumerate(kind.sources):
        for template, template_items in _expand(data, source.template):
            labels = _labels(data, template + ("metadata", "labels"))
            if source.labels is None:
                if number == 0 or isinstance(dig(data, template), dict):
                    yield PodTemplateSite(template, labels, _filled(source.selector, template_items), number == 0)
                continue
            for added, added_items in _expand(data, source.labels):
                selector = _filled(source.selector, template_items + added_items)
                extra = _labels(data, added)
                if extra or (selector is not None and dig(data, selector) is not None):
                    yield PodTemplateSite(template, {**labels, **extra}, selector, False)


def _expand(data: Any, path: Path) -> Iterator[tuple[Path, tuple[int, ...]]]:
    """The concrete paths `path` names in `data`, each with the list items its EACH steps took."""
    if EACH not in path:
        yield path, ()
        return
    at = path.index(EACH)
    items = dig(data, path[:at])
    for item in range(len(items) if isinstance(items, list) else 0):
        for rest, taken in _expand(data, path[:at] + (item,) + path[at + 1:]):
            yield rest, (item, *taken)


def _filled(path: Path | None, items: tuple[int, ...]) -> Path | None:
    if path is None:
        return None
    taken = iter(items)
    return tuple(next(taken, step) if step == EACH else step for step in path)


def _labels(data: Any, path: Path) -> dict[Any, Any]:
    labels = dig(data, path)
    return labels if isinstance(labels, dict) else {}


_TEMPLATE = ("spec", "template")
_SELECTOR = ("spec", "selector")
_JOB_LABELS: AddedLabels = (
    ("batch.kubernetes.io/job-name", OWN_NAME), ("job-name", OWN_NAME),
    ("batch.kubernetes.io/controller-uid", ANY_VALUE), ("controller-uid", ANY_VALUE),
)

_ROLLOUT_LABELS: AddedLabels = (("rollouts-pod-template-hash", ANY_VALUE),)
_CANARY = ("spec", "strategy", "canary")
_BLUE_GREEN = ("spec", "strategy", "blueGreen")
_EXPERIMENT_STEP = _CANARY + ("steps", EACH, "experiment", "templates", EACH)

BUILT_IN: dict[str, WorkloadKind] = {
    "Pod": WorkloadKind(()),
    "Deployment": WorkloadKind(_TEMPLATE, _SELECTOR, selector_required=True,
                               added_labels=(("pod-template-hash", ANY_VALUE),)),
    "StatefulSet": WorkloadKind(_TEMPLATE, _SELECTOR, selector_required=True, added_labels=(
        ("controller-revision-hash", ANY_VALUE),
        ("statefulset.kubernetes.io/pod-name", ANY_VALUE),
        ("apps.kubernetes.io/pod-index", ANY_VALUE),
    )),
    "DaemonSet": WorkloadKind(_TEMPLATE, _SELECTOR, selector_required=True, added_labels=(
        ("controller-revision-hash", ANY_VALUE), ("pod-template-generation", ANY_VALUE),
    )),
    "ReplicaSet": WorkloadKind(_TEMPLATE, _SELECTOR, selector_required=True),
    "ReplicationController": WorkloadKind(_TEMPLATE, _SELECTOR, selector_is_map=True),
    "Job": WorkloadKind(_TEMPLATE, _SELECTOR, added_labels=_JOB_LABELS),
    # A CronJob's Jobs get generated names, so their job-name labels can hold any value.
    "CronJob": WorkloadKind(("spec", "jobTemplate", "spec", "template"), added_labels=tuple(
        (label, ANY_VALUE) for label, _ in _JOB_LABELS)),
    # Argo Rollouts: a Rollout's pods carry its ephemeral metadata in some phases (canary or
    # stable; active or preview), and its experiment steps make pods from the same template
    # with labels (and a selector) of their own. An Experiment makes pods from each template.
    "argoproj.io/Rollout": WorkloadKind(_TEMPLATE, _SELECTOR, selector_required=True,
                                        added_labels=_ROLLOUT_LABELS, more=(
        *(PodSource(_TEMPLATE, labels=strategy + (metadata, "labels")) for strategy, metadata in (
            (_CANARY, "canaryMetadata"), (_CANARY, "stableMetadata"),
            (_BLUE_GREEN, "activeMetadata"), (_BLUE_GREEN, "previewMetadata"))),
        PodSource(_TEMPLATE, labels=_EXPERIMENT_STEP + ("metadata", "labels"),
                  selector=_EXPERIMENT_STEP + ("selector",)),
    )),
    "argoproj.io/Experiment": WorkloadKind(("spec", "templates", EACH, "template"),
                                           ("spec", "templates", EACH, "selector"),
                                           selector_required=True, added_labels=_ROLLOUT_LABELS),
    # OpenShift; bare so that the legacy `apiVersion: v1` spelling counts too.
    "DeploymentConfig": WorkloadKind(_TEMPLATE, _SELECTOR, selector_is_map=True, added_labels=(
        ("deploymentconfig", OWN_NAME), ("deployment", ANY_VALUE),
    )),
}


# Where a kind that is not Kubernetes' own comes from, for the docs (`svclint explain`).
PROJECTS = {"argoproj.io/Rollout": "Argo Rollouts", "argoproj.io/Experiment": "Argo Rollouts",
            "DeploymentConfig": "OpenShift"}


def workload_table(user_entries: Mapping[str, tuple[Path, ...]]) -> dict[str, WorkloadKind]:
    """The built-in kinds plus the user's `kind -> pod template paths` entries."""
    return {**BUILT_IN, **{kind: WorkloadKind(paths[0], more=tuple(PodSource(path) for path in paths[1:]))
                           for kind, paths in user_entries.items()}}


def workload_kind(table: Mapping[str, WorkloadKind], qualified_kind: str) -> WorkloadKind | None:
    """The table entry for `apps/Deployment`: its own key first, else the bare kind's."""
    entry = table.get(qualified_kind)
    return entry if entry is not None else table.get(qualified_kind.rpartition("/")[2])
