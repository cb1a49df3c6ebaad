"""Validate Services against the bundled JSON schema of one Kubernetes version.

The schemas are strict (unknown fields rejected), as `kubectl apply` decodes by default.
"""

from __future__ import annotations

import difflib
import functools
import importlib.resources
import json
import re
from typing import Any, Callable, Iterator

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from svclint.finding import Hit
from svclint.settings import SettingsError

SCHEMAS_PACKAGE = "svclint.schemas"
_SCHEMA_NAME = re.compile(r"service-v(1\.\d+)\.json")
_A_TYPE = {"object": "a mapping", "array": "a list", "integer": "an integer"}
_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "list",
               dict: "mapping", type(None): "null"}


class UnknownVersionError(SettingsError):
    pass


@functools.lru_cache(maxsize=1)
def supported_versions() -> tuple[str, ...]:
    names = (e.name for e in importlib.resources.files(SCHEMAS_PACKAGE).iterdir())
    versions = [m[1] for m in map(_SCHEMA_NAME.fullmatch, names) if m]
    return tuple(sorted(versions, key=lambda v: int(v.split(".")[1])))


def resolve_version(requested: str | None) -> str:
    versions = supported_versions()
    if requested is None:
        return versions[-1]
    if requested not in versions:
        raise UnknownVersionError(
            f"kubernetes-version: no schema for {requested}; supported: {versions[0]} to {versions[-1]}"
        )
    return requested


@functools.lru_cache(maxsize=None)
def validator(version: str) -> jsonschema.protocols.Validator:
    text = importlib.resources.files(SCHEMAS_PACKAGE).joinpath(f"service-v{version}.json").read_text("utf-8")
    schema = json.loads(text)
    return jsonschema.validators.validator_for(schema)(schema, format_checker=_INTEGER_FORMATS)


def _fits_in(bits: int) -> Callable[[Any], bool]:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

    def check(value: Any) -> bool:
        # Other types, and fractions, are the type check's business; 3e+29 is an integer to JSON Schema.
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return True
        return (isinstance(value, float) and not value.is_integer()) or low <= value <= high

    return check


# The API server decodes integer fields into Go int32/int64: a larger number is a type error
# there ("cannot unmarshal number ... of type int32"), so it is one here.
_INTEGER_FORMATS = jsonschema.FormatChecker(formats=())
_INTEGER_FORMATS.checks("int32")(_fits_in(32))
_INTEGER_FORMATS.checks("int64")(_fits_in(64))


def schema_hits(data: Any, version: str) -> Iterator[Hit]:
    for error in validator(version).iter_errors(data):
        yield _hit(_most_specific(error))


def _most_specific(error: ValidationError) -> ValidationError:
    return best_match(error.context) if error.context else error


def _hit(error: ValidationError) -> Hit:
    path = tuple(error.absolute_path)
    where = _describe_path(path)
    if error.validator == "additionalProperties":
        return _unknown_field_hit(error, path, where)
    if error.validator == "type":
        return Hit(path, f"{where} must be {_expected(error.validator_value)}, "
                         f"not {_type_name(error.instance)} {_show(error.instance)}")
    if error.validator == "required":
        return Hit(path, f"missing required field {error.message.split(' ')[0]} in {where}")
    if error.validator == "format" and error.validator_value in ("int32", "int64"):
        bits = error.validator_value[3:]
        return Hit(path, f"{where} must be an integer of at most {bits} bits, not {_show(error.instance)}")
    if error.validator == "enum":
        return Hit(path, f"{where} must be one of {', '.join(map(repr, error.validator_value))}, "
                         f"not {_show(error.instance)}")
    return Hit(path, f"{where}: {error.message}")


def _unknown_field_hit(error: ValidationError, path: tuple, where: str) -> Hit:
    known = list(error.schema.get("properties", {}))
    unknown = sorted((k for k in error.instance if k not in known), key=str) if isinstance(error.instance, dict) else []
    field = unknown[0] if unknown else "?"
    message = f"unknown field `{field}` in {where}"
    suggestion = _suggest(str(field), known)
    if suggestion:
        message += f"; did you mean `{suggestion}`?"
    return Hit(path + (field,), message, anchor="key")


def _suggest(field: str, known: list[str]) -> str | None:
    for candidate in known:
        if candidate.lower() == field.lower():
            return candidate
    close = difflib.get_close_matches(field, known, n=1, cutoff=0.75)
    return close[0] if close else None


def _describe_path(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the document"


def _expected(types: Any) -> str:
    names = [t for t in ([types] if isinstance(types, str) else types) if t != "null"]
    return " or ".join(_A_TYPE.get(t, "a " + t) for t in names)


def _type_name(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, (dict, list)) else ""
    return text[:60]
