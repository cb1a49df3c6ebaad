"""Run settings: what the user told svclint about the cluster and about reporting."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, fields, replace
from typing import Any, Mapping

from svclint.check.finding import Severity
from svclint.check.registry import OptionError, load_rules
from svclint.check.selection import UnknownRuleError, check_selector
from svclint.model.workloads import EACH, WorkloadKind, workload_table
from svclint.source.positions import Path

TARGETS = ("generic", "kind", "minikube", "cloud")
# Where the cluster's node containers run (kind): on Linux the host reaches them at their IPs,
# on Docker Desktop (macOS, Windows) only through port mappings. Unknown counts as Linux.
HOST_PLATFORMS = ("unknown", "linux", "macos", "windows")
FAIL_ON = ("error", "warning", "info", "never")
DEFAULT_NODE_PORT_RANGE = (30000, 32767)


class SettingsError(ValueError):
    """A setting has a bad value; the message names the setting. `path` is the keys below the
    setting that hold the bad value (`("selector-overlap", "app-labels")`), so that the
    configuration file can say on which line it is."""

    def __init__(self, message: str, path: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Settings:
    kubernetes_version: str | None = None  # None: the newest bundled schema
    node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE
    namespace: str = "default"
    target: str | None = None  # None: generic unless a kind cluster config is loaded
    load_balancer_providers: tuple[str, ...] = ()
    host_platform: str = "unknown"
    fail_on: str = "warning"
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()  # rule selectors: slugs, codes, code prefixes (see selection.py)
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()  # (rule selector, severity) overrides
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (path glob, rule selectors)
    ignore_objects: tuple[str, ...] = ()  # KIND/NAMESPACE/NAME glob patterns
    context: tuple[str, ...] = ()  # read for cross-object rules, never reported on; "git": what git tracks
    allow_suppressions: bool = True
    cache_dir: str | None = None  # where context facts are cached; None: no cache
    workloads: tuple[tuple[str, tuple[Path, ...]], ...] = ()  # the user's (kind, pod template paths) entries
    rule_options: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()  # (slug, ((option, value), ...))
    # Rendering Kustomize overlays and Helm charts (svclint/render/)
    kustomize_command: str | None = None  # None: `kustomize build`, else `kubectl kustomize`, from PATH
    render_timeout: float = 60.0  # seconds one overlay or chart may take to render
    helm_release: str = "release"  # the release name charts are rendered with
    helm_namespace: str | None = None  # the release namespace; None: `namespace`
    helm_values: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = ()  # (chart glob, values sets)
    policies: tuple[str, ...] = ()  # files of ValidatingAdmissionPolicies (and bindings), or builtin:NAME
    policy_user: str = "svclint"  # request.userInfo.username the policies see

    @functools.cached_property
    def options_by_rule(self) -> dict[str, dict[str, Any]]:
        """`rule-options` as slug -> option -> value (checked against each option's type)."""
        return {slug: dict(values) for slug, values in self.rule_options}

    @functools.cached_property
    def workload_kinds(self) -> dict[str, WorkloadKind]:
        return workload_table(dict(self.workloads))

    @property
    def fail_threshold(self) -> Severity | None:
        return None if self.fail_on == "never" else Severity.parse(self.fail_on)

    def updated(self, values: Mapping[str, Any]) -> "Settings":
        """Returns a copy with `values` (config-file spelling: `node-port-range`) applied."""
        known = {f.name for f in fields(self)}
        changes = {}
        for key, value in values.items():
            name = _ATTRIBUTE_FOR_KEY.get(key, key.replace("-", "_"))
            if name not in known:
                close = difflib.get_close_matches(str(key), setting_keys(), n=1)
                raise SettingsError(f"unknown setting {key!r}" + (f"; did you mean {close[0]!r}?" if close else ""))
            changes[name] = _PARSERS.get(name, _identity)(key, value)
        return replace(self, **changes)


def parse_node_port_range(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{1,5})\s*-\s*(\d{1,5})\s*", str(text))
    if not match:
        raise SettingsError(f"node-port-range: expected LOW-HIGH such as 30000-32767, got {text!r}")
    low, high = int(match[1]), int(match[2])
    if not 1 <= low <= high <= 65535:
        raise SettingsError(f"node-port-range: {text!r} is not a range within 1-65535")
    return low, high


def _identity(key: str, value: Any) -> Any:
    return value


def _choice(options: tuple[str, ...]):
    def parse(key: str, value: Any) -> str:
        if value not in options:
            raise SettingsError(f"{key}: expected one of {', '.join(options)}, got {value!r}")
        return value

    return parse


def _string_tuple(key: str, value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
        raise SettingsError(f"{key}: expected a string or a list of strings, got {value!r}")
    return tuple(items)


def _kubernetes_version(key: str, value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    if isinstance(value, float):  # YAML reads 1.30 as the number 1.3
        raise SettingsError(f"{key}: write the version as a string, e.g. \"1.30\", not the number {value!r}")
    if not re.fullmatch(r"1\.\d+", text):
        raise SettingsError(f"{key}: expected a minor version such as 1.33, got {value!r}")
    return text


def _namespace(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise SettingsError(f"{key}: expected a namespace name, got {value!r}")
    return value


_WORKLOAD_KEY = re.compile(r"([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z][A-Za-z0-9]*")
_FIELD_PATH = re.compile(r"[A-Za-z0-9_-]+(\[\])?(\.[A-Za-z0-9_-]+(\[\])?)*")


def _workloads(key: str, value: Any) -> tuple[tuple[str, tuple[Path, ...]], ...]:
    """`{acme.io/Widget: spec.podTemplate}`: where custom workload kinds keep their pod
    templates; a list names several, and `[]` after a field means each item of a list
    (`spec.variants[].template`)."""
    if not isinstance(value, Mapping):
        raise SettingsError(f"{key}: expected a mapping of kind (or group/kind) to a pod template path "
                            f"such as spec.template, got {value!r}")
    entries = []
    for kind, paths in value.items():
        if not isinstance(kind, str) or not _WORKLOAD_KEY.fullmatch(kind):
            raise SettingsError(f"{key}: {kind!r} is not a kind such as Widget or acme.io/Widget")
        listed = paths if isinstance(paths, list) and paths else [paths]
        for path in listed:
            if not isinstance(path, str) or not _FIELD_PATH.fullmatch(path):
                raise SettingsError(f"{key}.{kind}: expected a dotted path such as spec.template "
                                    f"(or a list of them), got {path!r}")
        entries.append((kind, tuple(_field_path(path) for path in listed)))
    return tuple(entries)


def _field_path(text: str) -> Path:
    steps: list[str] = []
    for field in text.split("."):
        steps += [field[:-2], EACH] if field.endswith("[]") else [field]
    return tuple(steps)


def _rule_selectors(key: str, value: Any) -> tuple[str, ...]:
    """A list of rule selectors; a string may hold several, comma-separated (`SVC1,selector-no-match`)."""
    items = _string_tuple(key, value)
    selectors = tuple(part.strip() for item in items for part in item.split(",") if part.strip())
    for selector in selectors:
        try:
            check_selector(selector)
        except UnknownRuleError as exc:
            raise SettingsError(f"{key}: {exc}") from None
    return selectors


def _severity_overrides(key: str, value: Any) -> tuple[tuple[str, Severity], ...]:
    if not isinstance(value, dict):
        raise SettingsError(f"{key}: expected a mapping of rule to error, warning or info, got {value!r}")
    overrides = []
    for rules, level in value.items():
        if level not in ("error", "warning", "info"):
            raise SettingsError(f"{key}.{rules}: expected error, warning or info, got {level!r}")
        overrides += [(selector, Severity.parse(level)) for selector in _rule_selectors(f"{key}.{rules}", str(rules))]
    return tuple(overrides)


def _per_file_ignores(key: str, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise SettingsError(f"{key}: expected a mapping of path glob to rules, got {value!r}")
    return tuple((str(glob), _rule_selectors(f"{key}.{glob}", rules)) for glob, rules in value.items())


def _object_patterns(key: str, value: Any) -> tuple[str, ...]:
    patterns = _string_tuple(key, value)
    for pattern in patterns:
        if len(pattern.split("/")) != 3 or not all(pattern.split("/")):
            raise SettingsError(f"{key}: expected KIND/NAMESPACE/NAME (globs allowed, e.g. "
                                f"Service/monitoring/prometheus-*), got {pattern!r}")
    return patterns


def _nonempty_text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise SettingsError(f"{key}: expected a non-empty string, got {value!r}")
    return value


def _boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise SettingsError(f"{key}: expected true or false, got {value!r}")
    return value


def _optional_text(key: str, value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise SettingsError(f"{key}: expected a string, got {value!r}")
    return value


def _rule_options(key: str, value: Any) -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    """`{selector-overlap: {app-labels: [k8s-app, app]}}`: each rule's own options, by slug or code."""
    if not isinstance(value, Mapping):
        raise SettingsError(f"{key}: expected a mapping of rule to its options, such as "
                            f"{{selector-overlap: {{app-labels: [app]}}}}, got {value!r}")
    rules = load_rules()
    entries: dict[str, dict[str, Any]] = {}
    for name, options in value.items():
        rule = next((r for r in rules.values() if str(name) in (r.slug, r.code)), None)
        if rule is None:
            close = difflib.get_close_matches(str(name), list(rules), n=1)
            raise SettingsError(f"{key}: unknown rule {name!r}" + (f"; did you mean {close[0]!r}?" if close else ""),
                                (str(name),))
        if not rule.options:
            with_options = ", ".join(sorted(r.slug for r in rules.values() if r.options))
            raise SettingsError(f"{key}.{name}: {rule.slug} has no options (rules with options: {with_options})",
                                (str(name),))
        if not isinstance(options, Mapping):
            raise SettingsError(f"{key}.{name}: expected a mapping of option to value, got {options!r}", (str(name),))
        chosen = entries.setdefault(rule.slug, {})
        for option_name, option_value in options.items():
            option = rule.options.get(str(option_name))
            if option is None:
                close = difflib.get_close_matches(str(option_name), list(rule.options), n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"its options: {', '.join(rule.options)}"
                raise SettingsError(f"{key}.{name}: unknown option {option_name!r} of {rule.slug}; {hint}",
                                    (str(name), str(option_name)))
            try:
                chosen[option.name] = option.parse(option_value)
            except OptionError as exc:
                raise SettingsError(f"{key}.{name}.{option_name}: {exc}", (str(name), str(option_name))) from None
    return tuple((slug, tuple(values.items())) for slug, values in entries.items())


def _positive_number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise SettingsError(f"{key}: expected a number of seconds above 0, got {value!r}")
    return float(value)


def _helm_values(key: str, value: Any) -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
    """`{charts/web: [[values-prod.yaml], [values-dev.yaml, values-eu.yaml]]}`: per chart (a
    directory glob), the values sets to render it with, each a list of files (or one file)."""
    if not isinstance(value, Mapping):
        raise SettingsError(f"{key}: expected a mapping of chart directory to a list of values sets, "
                            f"such as {{charts/web: [[values-prod.yaml]]}}, got {value!r}")
    entries = []
    for chart, sets in value.items():
        if not isinstance(sets, list) or not sets:
            raise SettingsError(f"{key}.{chart}: expected a list of values sets (each a file or a list of files), "
                                f"got {sets!r}", (str(chart),))
        entries.append((str(chart), tuple(_string_tuple(f"{key}.{chart}", item) for item in sets)))
    return tuple(entries)


def shown_default(key: str) -> str:
    """A setting's default as the docs show it (`30000-32767`, `newest bundled`)."""
    shown = {"kubernetes-version": "newest bundled", "target": "generic, or kind when a kind cluster config is loaded",
             "node-port-range": "-".join(map(str, DEFAULT_NODE_PORT_RANGE))}
    if key in shown:
        return shown[key]
    default = getattr(Settings(), _ATTRIBUTE_FOR_KEY.get(key, key.replace("-", "_")))
    if isinstance(default, tuple):
        return ", ".join(map(str, default)) or "none"
    return str(default)


def setting_keys() -> list[str]:
    """Every setting in config-key spelling (`node-port-range`)."""
    key_for = {name: key for key, name in _ATTRIBUTE_FOR_KEY.items()}
    return [key_for.get(f.name, f.name.replace("_", "-")) for f in fields(Settings)]


_ATTRIBUTE_FOR_KEY = {"load-balancer-provider": "load_balancer_providers"}
_PARSERS = {
    "kubernetes_version": _kubernetes_version,
    "node_port_range": lambda key, value: parse_node_port_range(value),
    "namespace": _namespace,
    "target": _choice(TARGETS),
    "load_balancer_providers": _string_tuple,
    "host_platform": _choice(HOST_PLATFORMS),
    "fail_on": _choice(FAIL_ON),
    "exclude": _string_tuple,
    "select": _rule_selectors,
    "ignore": _rule_selectors,
    "severity": _severity_overrides,
    "per_file_ignores": _per_file_ignores,
    "ignore_objects": _object_patterns,
    "context": _string_tuple,
    "allow_suppressions": _boolean,
    "cache_dir": _optional_text,
    "workloads": _workloads,
    "rule_options": _rule_options,
    "kustomize_command": _optional_text,
    "render_timeout": _positive_number,
    "helm_release": _namespace,
    "helm_namespace": _optional_text,
    "helm_values": _helm_values,
    "policies": _string_tuple,
    "policy_user": _nonempty_text,
}
