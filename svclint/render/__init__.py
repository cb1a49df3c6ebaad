"""Rendering: Kustomize overlays and Helm charts to the objects the cluster receives, with a
way back from each rendered value to the file and line that wrote it (see origins.py)."""
