"""Workload kinds as a table, not code: where each keeps its pod template and its own
selector, and which labels its controller adds to the pods it creates.

Keys are `group/Kind` (that group only) or a bare `Kind` (any group, so that
`apps/v1beta2` Deployments count too). Users add their own kinds in config (`workloads:`),
which only know the template path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from svclint.source.positions import Path

ANY_VALUE = None  # the controller picks the value (a hash, an ordinal, a generated name)
OWN_NAME = "metadata.name"  # the value is the workload's own name

# (label, value) pairs a controller adds to every pod; the value is ANY_VALUE or OWN_NAME
AddedLabels = tuple[tuple[str, Optional[str]], ...]


@dataclass(frozen=True)
class WorkloadKind:
    template: Path  # path of the pod template (metadata.labels + spec); () for a bare Pod
    selector: Path | None = None  # path of the workload's own selector, when it has one
    selector_is_map: bool = False  # a plain label map (RC, DeploymentConfig), not a LabelSelector
    selector_required: bool = False
    added_labels: AddedLabels = ()


_TEMPLATE = ("spec", "template")
_SELECTOR = ("spec", "selector")
_JOB_LABELS: AddedLabels = (
    ("batch.kubernetes.io/job-name", OWN_NAME), ("job-name", OWN_NAME),
    ("batch.kubernetes.io/controller-uid", ANY_VALUE), ("controller-uid", ANY_VALUE),
)

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
    "argoproj.io/Rollout": WorkloadKind(_TEMPLATE, _SELECTOR, selector_required=True,
                                        added_labels=(("rollouts-pod-template-hash", ANY_VALUE),)),
    # OpenShift; bare so that the legacy `apiVersion: v1` spelling counts too.
    "DeploymentConfig": WorkloadKind(_TEMPLATE, _SELECTOR, selector_is_map=True, added_labels=(
        ("deploymentconfig", OWN_NAME), ("deployment", ANY_VALUE),
    )),
}


# Where a kind that is not Kubernetes' own comes from, for the docs (`svclint explain`).
PROJECTS = {"argoproj.io/Rollout": "Argo Rollouts", "DeploymentConfig": "OpenShift"}


def workload_table(user_entries: Mapping[str, Path]) -> dict[str, WorkloadKind]:
    """The built-in kinds plus the user's `kind -> pod template path` entries."""
    return {**BUILT_IN, **{kind: WorkloadKind(path) for kind, path in user_entries.items()}}


def workload_kind(table: Mapping[str, WorkloadKind], qualified_kind: str) -> WorkloadKind | None:
    """The table entry for `apps/Deployment`: its own key first, else the bare kind's."""
    entry = table.get(qualified_kind)
    return entry if entry is not None else table.get(qualified_kind.rpartition("/")[2])
