"""Where each kind of workload keeps its pod template: a table, not code."""

from svclint.finding import Path

# kind -> path of the pod template (metadata.labels + spec) inside the object
POD_TEMPLATE_PATHS: dict[str, Path] = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
