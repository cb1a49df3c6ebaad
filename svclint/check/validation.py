"""Validate Services against the bundled JSON schema of one Kubernetes version.

The schemas are strict (unknown fields rejected), as `kubectl apply` decodes by default.
Most documents are valid, and jsonschema-rs says so in ~5 µs; for the others its errors
become findings. Only data it cannot take (non-string keys, dates) and a failed oneOf go to
`jsonschema` (~200 µs a document, and ~100 ms to import). Both libraries' errors become
findings through SchemaError; tests/test_validation.py checks that they give the same ones.
"""

from __future__ import annotations

import difflib
import functools
import importlib.resources
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from svclint.check.finding import Hit
from svclint.check.fixes import Fix, replace_value
from svclint.check.settings import SettingsError
from svclint.model.versions import TOPOLOGY_KEYS_REMOVED, schema_versions, version

if TYPE_CHECKING:
    import jsonschema_rs
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

SCHEMAS_PACKAGE = "svclint.schemas"
_SCHEMA_NAME = re.compile(r"service-v(1\.\d+)\.json")
# jsonschema-rs error kinds whose errors become findings as jsonschema's do; it checks no
# `format` on numbers, so the rs schema bounds int32 and int64 fields instead (_rs_schema).
_RS_KEYWORDS = {"Type": "type", "Required": "required", "Enum": "enum", "AdditionalProperties": "additionalProperties",
                "Minimum": "format", "Maximum": "format"}
_INTEGER_BITS = {"int32": 32, "int64": 64}
_A_TYPE = {"object": "a mapping", "array": "a list", "integer": "an integer"}
_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "list",
               dict: "mapping", type(None): "null"}


class UnknownVersionError(SettingsError):
    pass


def supported_versions() -> tuple[str, ...]:
    """The versions of svclint/model/versions.py's schema rows (tests/test_versions.py checks
    that schemas/ holds exactly their files)."""
    return schema_versions()


def bundled_schema_versions() -> tuple[str, ...]:
    """The versions of the schema files in schemas/, oldest first."""
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
    errors = fast_errors(data, version)
    if errors is None:
        errors = detailed_errors(data, version)
    for error in errors:
        yield _hit(error)


@dataclass(frozen=True)
class SchemaError:
    """What a finding needs from a validation error, whichever library found it."""

    keyword: str  # the schema keyword that failed: type, required, enum, additionalProperties, ...
    path: tuple  # to the failing value in the document
    expected: Any  # the keyword's value in the schema
    instance: Any  # the failing value
    known: tuple[str, ...]  # the properties the failing value's schema lists
    message: str


def fast_errors(data: Any, version: str) -> list[SchemaError] | None:
    """The errors of `data` as jsonschema-rs finds them; None when it finds an error it
    reports differently (a oneOf): jsonschema then decides."""
    fast = fast_validator(version)
    if fast.is_valid(data):
        return []
    try:
        return [_from_rs(error, _schema(version), data) for error in fast.iter_errors(data)]
    except LookupError:  # a keyword _RS_KEYWORDS does not map
        return None


def detailed_errors(data: Any, version: str) -> list[SchemaError]:
    """The errors of `data` as jsonschema finds them (slower, and ~100 ms to import)."""
    return [_from_jsonschema(_most_specific(error)) for error in validator(version).iter_errors(data)]


@functools.lru_cache(maxsize=None)
def fast_validator(version: str) -> jsonschema_rs.Validator:
    import jsonschema_rs  # imported when first needed: it is not needed to lint no Service

    return jsonschema_rs.validator_for(_rs_schema(_schema(version)))


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


def _bounds(bits: int) -> tuple[int, int]:
    """The smallest and largest signed integer of `bits` bits."""
    return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


def _fits_in(bits: int) -> Callable[[Any], bool]:
    low, high = _bounds(bits)

    def check(value: Any) -> bool:
        # Other types, and fractions, are the type check's business; 3e+29 is an integer to JSON Schema.
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return True
        return (isinstance(value, float) and not value.is_integer()) or low <= value <= high

    return check


def _rs_schema(schema: Any) -> Any:
    """The schema with each `format: int32` or `int64` as bounds, which jsonschema-rs checks."""
    if isinstance(schema, list):
        return [_rs_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    bounded = {key: _rs_schema(value) for key, value in schema.items()}
    bits = _INTEGER_BITS.get(str(schema.get("format")))
    if bits:
        bounded["minimum"], bounded["maximum"] = _bounds(bits)
    return bounded


@functools.lru_cache(maxsize=None)
def _schema(version: str) -> dict:
    text = importlib.resources.files(SCHEMAS_PACKAGE).joinpath(f"service-v{version}.json").read_text("utf-8")
    return json.loads(text)


def _from_rs(error: jsonschema_rs.ValidationError, schema: dict, data: Any) -> SchemaError:
    keyword = _RS_KEYWORDS[type(error.kind).__name__]  # KeyError (a LookupError) for the others
    parent = _at(schema, error.schema_path[:-1])  # the schema holding the failing keyword
    path = tuple(error.instance_path)
    # jsonschema's wording, which the finding quotes
    message = (f"{error.kind.property!r} is a required property"  # type: ignore[attr-defined]  # kind Required
               if keyword == "required" else error.message)
    return SchemaError(keyword, path, parent[keyword], _at(data, path), tuple(parent.get("properties", ())), message)


def _from_jsonschema(error: ValidationError) -> SchemaError:
    known = tuple(error.schema.get("properties", ())) if isinstance(error.schema, dict) else ()
    return SchemaError(str(error.validator), tuple(error.absolute_path), error.validator_value, error.instance,
                       known, error.message)


def _at(value: Any, path: Sequence) -> Any:
    for part in path:
        value = value[part]
    return value


def _most_specific(error: ValidationError) -> ValidationError:
    from jsonschema.exceptions import best_match

    return best_match(error.context) if error.context else error


def _hit(error: SchemaError) -> Hit:
    path = error.path
    where = _describe_path(path)
    if error.keyword == "additionalProperties":
        return _unknown_field_hit(error, path, where)
    if error.keyword == "type":
        return Hit(path, f"{where} must be {_expected(error.expected)}, "
                         f"not {_type_name(error.instance)} {_show(error.instance)}",
                   fix=_number_fix(path, error.expected, error.instance))
    if error.keyword == "required":
        return Hit(path, f"missing required field {error.message.split(' ')[0]} in {where}")
    if error.keyword == "format" and error.expected in _INTEGER_BITS:
        bits = _INTEGER_BITS[error.expected]
        return Hit(path, f"{where} must be an integer of at most {bits} bits, not {_show(error.instance)}")
    if error.keyword == "enum":
        return Hit(path, f"{where} must be one of {', '.join(map(repr, error.expected))}, "
                         f"not {_show(error.instance)}")
    return Hit(path, f"{where}: {error.message}")


_DIGITS = re.compile(r"0|[1-9][0-9]{0,8}")  # an int32 the author wrote in quotes


def _number_fix(path: tuple, expected: Any, instance: Any) -> Fix | None:
    """`port: "80"` in an integer field: the number, written without quotes."""
    types = [expected] if isinstance(expected, str) else list(expected)
    if "integer" in types and isinstance(instance, str) and _DIGITS.fullmatch(instance):
        return replace_value(path, int(instance), f"write {instance} as the integer it is meant to be")
    return None


# Fields Kubernetes dropped from the Service API before the oldest bundled schema: what to use instead.
_REMOVED_FIELDS: dict[tuple, str] = {
    ("spec", "topologyKeys"): f"removed in Kubernetes {version(TOPOLOGY_KEYS_REMOVED)}: use spec.trafficDistribution "
                              "or the annotation service.kubernetes.io/topology-mode: Auto",
}


def _unknown_field_hit(error: SchemaError, path: tuple, where: str) -> Hit:
    known = list(error.known)
    unknown = sorted((k for k in error.instance if k not in known), key=str) if isinstance(error.instance, dict) else []
    field = unknown[0] if unknown else "?"
    message = f"unknown field `{field}` in {where}"
    removed = _REMOVED_FIELDS.get(path + (field,))
    suggestion = _suggest(str(field), known)
    if removed:
        message += f" ({removed})"
    elif suggestion:
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
