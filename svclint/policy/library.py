"""The ready ValidatingAdmissionPolicies of policies/ (shipped as svclint.policies): each
`<name>.yaml` holds a policy and its binding, `<name>.md` its documentation, and
`<name>.examples.yaml` bad and good Services that run as tests."""

from __future__ import annotations

import importlib.resources

import yaml

from svclint.source.discover import InputError

BUILTIN_PREFIX = "builtin:"
PACKAGE = "svclint.policies"


class UnknownBuiltinError(InputError):
    """`--policy builtin:NAME` names no policy of the library."""


def builtin_names() -> list[str]:
    files = importlib.resources.files(PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files
                  if f.name.endswith(".yaml") and not f.name.endswith(".examples.yaml"))


def builtin_text(name: str) -> str:
    if name not in builtin_names():
        raise UnknownBuiltinError(f"unknown builtin policy {name!r}; `svclint policies` lists them: "
                                  + ", ".join(builtin_names()))
    return importlib.resources.files(PACKAGE).joinpath(f"{name}.yaml").read_text("utf-8")


def builtin_summary(name: str) -> str:
    """The first line of the policy's description annotation (`svclint policies` shows it)."""
    for data in yaml.safe_load_all(builtin_text(name)):
        if isinstance(data, dict) and data.get("kind") == "ValidatingAdmissionPolicy":
            annotations = (data.get("metadata") or {}).get("annotations") or {}
            return str(annotations.get("svclint.io/summary", "")).strip()
    return ""
