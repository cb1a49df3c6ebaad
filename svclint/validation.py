"""Validate Services against the bundled JSON schema of one Kubernetes version.

The schemas are strict (unknown fields rejected), as `kubectl apply` decodes by default.
Most documents are valid, so each first gets a fast yes/no from jsonschema-rs (~5 µs);
only a document that fails it, or that it cannot take (non-string keys, dates), goes
through `jsonschema` (~200 µs, and ~100 ms to import), which explains the errors. Both
read the same schema, and tests/test_validation.py checks that they agree.
"""

from __future__ import annotations

import difflib
import functools
import importlib.resources
import json
import re
from typing import TYPE_CHECKING, Any, Callable, Iterator

from svclint.finding import Hit
from svclint.settings import SettingsError

if TYPE_CHECKING:
    import jsonschema_rs
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

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


def schema_hits(data: Any, version: str) -> Iterator[Hit]:
    if passes_fast_check(data, version):
        return
    for error in validator(version).iter_errors(data):
        yield _hit(_most_specific(error))


def passes_fast_check(data: Any, version: str) -> bool:
    """True when jsonschema-rs says `data` is valid; False when it is not, or cannot tell."""
    fast = fast_validator(version)
    if fast is None:
        return False
    try:
        return fast.is_valid(data) and not _has_number_beyond_int32(data)
    except Exception:  # not plain JSON data (a date, an int key): the detailed check decides
        return False


@functools.lru_cache(maxsize=None)
def fast_validator(version: str) -> jsonschema_rs.Validator | None:
    try:
        import jsonschema_rs
    except ImportError:  # an optional speed-up: without it every document takes the detailed path
        return None
    return jsonschema_rs.validator_for(_schema(version))


@functools.lru_cache(maxsize=None)
def validator(version: str) -> Validator:
    import jsonschema

    # The API server decodes integer fields into Go int32/int64: a larger number is a type
    # error there ("cannot unmarshal number ... of type int32"), so it is one here.
    integer_formats = jsonschema.FormatChecker(formats=())
    integer_formats.checks("int32")(_fits_in(32))
    integer_formats.checks("int64")(_fits_in(64))
    schema = _schema(version)
    return jsonschema.validators.validator_for(schema)(schema, format_checker=integer_formats)


def _fits_in(bits: int) -> Callable[[Any], bool]:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

    def check(value: Any) -> bool:
        # Other types, and fractions, are the type check's business; 3e+29 is an integer to JSON Schema.
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return True
        return (isinstance(value, float) and not value.is_integer()) or low <= value <= high

    return check


def _has_number_beyond_int32(value: Any) -> bool:
    """jsonschema-rs checks no `format` on numbers: such documents take the detailed path."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, (int, float)) and not isinstance(item, bool) and abs(item) > 2**31 - 1:
            return True
    return False


def _schema(version: str) -> dict:
    text = importlib.resources.files(SCHEMAS_PACKAGE).joinpath(f"service-v{version}.json").read_text("utf-8")
    return json.loads(text)


def _most_specific(error: ValidationError) -> ValidationError:
    from jsonschema.exceptions import best_match

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
