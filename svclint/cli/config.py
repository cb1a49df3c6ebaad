"""The configuration file: `.svclint.yaml`, or a `[tool.svclint]` table in `pyproject.toml`,
in the working directory or the nearest parent directory that has one (up to the
filesystem root, as ruff and yamllint look), or the file named by --config.

Keys are the settings' own (settings.py checks them); paths and globs in the file are
relative to the file's directory, so a run from any subdirectory means the same thing.
"""

from __future__ import annotations

import glob
import os
import re
import sys
from dataclasses import dataclass
from typing import Any, Callable

import yaml

from svclint.check.settings import Settings, SettingsError
from svclint.source.discover import GIT_CONTEXT
from svclint.source.documents import decode, load_single_document
from svclint.source.lines import split_lines
from svclint.source.streams import read_once

CONFIG_FILE = ".svclint.yaml"
PYPROJECT = "pyproject.toml"
CACHE_DIRECTORY = ".svclint_cache"


class ConfigError(SettingsError):
    """The configuration file is unreadable or has a bad key or value; names file and line."""


@dataclass(frozen=True)
class Config:
    path: str | None  # None: no configuration file
    settings: Settings

    @property
    def directory(self) -> str:
        """The project root: where the configuration file is, else the working directory."""
        return os.path.dirname(self.path) or "." if self.path else "."


def load_config(explicit: str | None = None, start: str = ".") -> Config:
    path = explicit if explicit is not None else find_config(start)
    if path is None:
        return Config(None, Settings())
    shown = os.path.relpath(path) if os.path.isabs(path) else path
    values, line_of = _read(shown)
    directory = os.path.dirname(shown)
    settings = Settings()
    for key, value in values.items():
        try:
            Settings().updated({key: value})  # checked as written, so that messages quote the file
            settings = settings.updated({key: _anchored(key, value, directory)})
        except SettingsError as exc:
            line = line_of((key, *exc.path))  # the line of the nested key at fault, else of the setting
            raise ConfigError(f"{shown}:{line}: {exc}" if line else f"{shown}: {exc}") from None
    return Config(shown, settings)


def find_config(start: str = ".") -> str | None:
    directory = os.path.abspath(start)
    while True:
        candidate = os.path.join(directory, CONFIG_FILE)
        if os.path.isfile(candidate):
            return candidate
        pyproject = os.path.join(directory, PYPROJECT)
        if os.path.isfile(pyproject) and _has_svclint_table(pyproject):
            return pyproject
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _has_svclint_table(path: str) -> bool:
    with open(path, "rb") as handle:
        raw = handle.read()
    if b"svclint" not in raw:  # not ours: do not fail on someone else's broken TOML
        return False
    tool = _parse_toml(os.path.relpath(path), raw).get("tool")
    return isinstance(tool, dict) and "svclint" in tool  # a `tool` that is no table is not ours either


LineOf = Callable[[tuple], "int | None"]


def _read(path: str) -> tuple[dict[str, Any], LineOf]:
    """The settings in the file, and a function giving the line of a key path (the deepest
    of its keys that can be found: `("rule-options", "selector-overlap", "app-labels")`)."""
    try:
        raw = read_once(path)[0]  # once: it may be a pipe; and never a device, which may not end
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror or exc}") from None
    return _read_toml(path, raw) if path.endswith(".toml") else _read_yaml(path, raw)


def _read_yaml(path: str, raw: bytes) -> tuple[dict[str, Any], LineOf]:
    text, problems = decode(raw)
    for problem in problems:
        raise ConfigError(f"{path}:{problem.line}:{problem.column}: {problem.message}")
    try:
        node, data, duplicate_keys = load_single_document(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        raise ConfigError(f"{where}: invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from None
    for key_node in duplicate_keys:
        raise ConfigError(f"{path}:{key_node.start_mark.line + 1}: duplicate key {key_node.value!r}")
    if data is None or node is None:
        return {}, lambda keys: None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:{node.start_mark.line + 1}: expected a mapping of settings "
                          f"(key: value lines), got {_kind_of(data)}")
    return {str(key): value for key, value in data.items()}, lambda keys: _yaml_line(node, keys)


def _yaml_line(node: yaml.Node, keys: tuple) -> int | None:
    line = None
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            break
        match = next(((k, v) for k, v in node.value if str(k.value) == str(key)), None)
        if match is None:
            break
        line, node = match[0].start_mark.line + 1, match[1]
    return line


def _read_toml(path: str, raw: bytes) -> tuple[dict[str, Any], LineOf]:
    data = _parse_toml(path, raw)
    text = raw.decode("utf-8")
    if "tool" in data:  # pyproject.toml; a plain TOML file holds the settings at its top level
        tool = data["tool"]
        if not isinstance(tool, dict) or "svclint" not in tool:
            raise ConfigError(f"{path}: no [tool.svclint] table")
        data = tool["svclint"]
        if not isinstance(data, dict):
            raise ConfigError(f"{path}:{_toml_table_line(text)}: tool.svclint: expected a table of settings "
                              f"([tool.svclint]), got {_kind_of(data)}")
    return data, lambda keys: _toml_nested_line(text, keys)


def _toml_table_line(text: str) -> int:
    """The line that defines tool.svclint: `[tool.svclint]`, `[[tool.svclint]]`,
    `tool.svclint = ...` or, under `[tool]`, `svclint = ...`."""
    pattern = re.compile(r"^\s*(?:\[\[?\s*tool\.svclint\s*\]|(?:tool\s*\.\s*)?svclint\s*=)")
    for number, line in enumerate(split_lines(text), start=1):
        if pattern.match(line):
            return number
    return 1


def _kind_of(value: Any) -> str:
    """What a value is, in the words of YAML and TOML rather than Python's type names."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"the value {value!r}"


def _parse_toml(path: str, raw: bytes) -> dict[str, Any]:
    if sys.version_info >= (3, 11):  # imported here: only runs that read a TOML file need it
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _toml_line(text: str, key: str) -> int | None:
    """tomllib keeps no positions: find `key = ...` or a `[tool.svclint.key]` header."""
    pattern = re.compile(rf"^\s*(?:[\"']?{re.escape(key)}[\"']?\s*=|\[(?:tool\.svclint\.)?[\"']?{re.escape(key)}[\"']?\])")
    for number, line in enumerate(split_lines(text), start=1):
        if pattern.match(line):
            return number
    return None


def _toml_nested_line(text: str, keys: tuple) -> int | None:
    """The line of `keys[0]` (see _toml_line), then of each deeper key on a later line: `key =`
    or a table header ending with it (`[tool.svclint.rule-options.selector-overlap]`)."""
    lines = split_lines(text)
    line = _toml_line(text, str(keys[0]))
    if line is None:  # only in dotted headers: [tool.svclint.rule-options.selector-overlap]
        header = re.compile(rf"^\s*\[(?:tool\.svclint\.)?[\"']?{re.escape(str(keys[0]))}[\"']?\.")
        line = next((number for number, text_line in enumerate(lines, 1) if header.match(text_line)), None)
    if line is None:
        return None
    for key in keys[1:]:
        quoted = rf"[\"']?{re.escape(str(key))}[\"']?"
        pattern = re.compile(rf"^\s*(?:{quoted}\s*=|\[[^\]]*\.{quoted}\s*\])|[{{,]\s*{quoted}\s*=")
        found = next((number for number in range(line, len(lines) + 1) if pattern.search(lines[number - 1])), None)
        if found is None:
            break
        line = found
    return line


def _anchored(key: str, value: Any, directory: str) -> Any:
    """Paths and globs of the file, made relative to its directory rather than to the cwd."""
    if key == "exclude":
        return _each_string(value, lambda pattern: _anchor_glob(pattern, directory))
    if key == "per-file-ignores" and isinstance(value, dict):
        return {_anchor_glob(g, directory) if isinstance(g, str) else g: rules for g, rules in value.items()}
    if key == "context":
        return _each_string(value, lambda entry: entry if entry == GIT_CONTEXT else os.path.join(directory, entry))
    if key == "cache-dir" and isinstance(value, str):
        return os.path.join(directory, value)
    return value


def _anchor_glob(pattern: str, directory: str) -> str:
    """A glob with a `/` is anchored at the config's directory (matched against absolute
    paths); one without matches a file or directory name anywhere, as in .gitignore."""
    if "/" not in pattern:
        return pattern
    return os.path.normpath(os.path.join(glob.escape(os.path.abspath(directory)), pattern))


def _each_string(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return [change(value)]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [change(item) for item in value]
    return value  # a wrong type: Settings reports it
