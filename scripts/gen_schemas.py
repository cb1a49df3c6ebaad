#!/usr/bin/env python3
"""Generate standalone JSON schemas of the Kubernetes ``v1 Service`` kind.

Development tool only: svclint reads the generated ``schemas/service-v1.<minor>.json``
files at run time and never imports ``kubernetes_validate``.

The source is the "-local-strict" variant of the schemas bundled with the
``kubernetes-validate`` package (unknown fields are rejected through
``additionalProperties: false``).  For every Kubernetes version the package ships, the
Service schema is made standalone by inlining every ``$ref`` (recursively, including
those into ``_definitions.json``); ``description`` and ``x-kubernetes-*`` keys are
dropped to keep the files small.  Output is compact, key-sorted JSON, so running the
script twice gives byte-identical files.

Usage::

    python scripts/gen_schemas.py            # (re)write schemas/
    python scripts/gen_schemas.py --check    # exit 1 if schemas/ is not up to date
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

PACKAGE = "kubernetes-validate"
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "schemas"
SOURCE_FILE = "service-v1.json"
DEFINITIONS_FILE = "_definitions.json"
VERSION_DIR_RE = re.compile(r"^v1\.(\d+)\.0-local-strict$")
OUTPUT_NAME_RE = re.compile(r"^service-v1\.\d+\.json$")

# Draft declared by the upstream files (checked for each file).  Once every $ref is
# inlined, the Service schemas only use keywords that mean the same in Draft 7 and
# 2020-12 (type, enum, properties, additionalProperties, items, required, oneOf, format).
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Keywords whose value is a schema / a mapping of name -> schema / a list of schemas.
# Anything not listed here or in PLAIN_KEYWORDS makes the script fail, so that an
# upstream change cannot silently produce a wrong schema.
SCHEMA_KEYWORDS = frozenset({"additionalProperties", "items", "not"})
SCHEMA_MAP_KEYWORDS = frozenset({"properties", "patternProperties"})
SCHEMA_LIST_KEYWORDS = frozenset({"allOf", "anyOf", "oneOf"})
PLAIN_KEYWORDS = frozenset(
    {
        "type",
        "enum",
        "const",
        "required",
        "format",
        "default",
        "readOnly",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
        "pattern",
    }
)
DROPPED_KEYWORDS = frozenset({"description", "$schema", "$id"})


class GenerationError(Exception):
    """The source schemas cannot be turned into a standalone schema."""


@dataclass(frozen=True)
class SourceVersion:
    minor: int  # Kubernetes minor version, e.g. 33 for 1.33
    directory: Path

    @property
    def label(self) -> str:
        return f"1.{self.minor}"

    @property
    def output_name(self) -> str:
        return f"service-v1.{self.minor}.json"


def default_source_dir() -> Path:
    try:
        import kubernetes_validate
    except ImportError as exc:  # pragma: no cover - depends on the dev environment
        raise GenerationError(
            f"{PACKAGE} is not installed (pip install '{PACKAGE}'), or pass --source"
        ) from exc
    return Path(kubernetes_validate.__file__).resolve().parent / "kubernetes-json-schema"


def find_versions(source_dir: Path) -> list[SourceVersion]:
    versions = []
    for entry in source_dir.iterdir():
        match = VERSION_DIR_RE.match(entry.name)
        if match and (entry / SOURCE_FILE).is_file():
            versions.append(SourceVersion(int(match.group(1)), entry))
    if not versions:
        raise GenerationError(f"no v1.XX.0-local-strict/{SOURCE_FILE} under {source_dir}")
    return sorted(versions, key=lambda v: v.minor)


def load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


class Inliner:
    """Inline every ``$ref`` of a schema, resolving refs against the documents' ``$id``."""

    def __init__(self, documents: Sequence[Any]) -> None:
        self._documents: dict[str, Any] = {}
        for document in documents:
            uri = document.get("$id")
            if not isinstance(uri, str):
                raise GenerationError("source document without a string $id")
            self._documents[urldefrag(uri).url] = document
        self._done: dict[str, Any] = {}  # expanded definitions, by absolute ref
        self._in_progress: list[str] = []  # refs being expanded (cycle detection)

    def expand_document(self, uri: str) -> Any:
        return self._expand(self._documents[uri], uri)

    def _resolve(self, ref: str, base: str) -> tuple[Any, str]:
        target = urljoin(base, ref)
        doc_uri, fragment = urldefrag(target)
        if doc_uri not in self._documents:
            raise GenerationError(f"$ref {ref!r} points outside the known documents")
        node = self._documents[doc_uri]
        if fragment and not fragment.startswith("/"):
            raise GenerationError(f"unsupported $ref fragment {ref!r}")
        for token in fragment.split("/")[1:] if fragment else []:
            token = token.replace("~1", "/").replace("~0", "~")
            try:
                node = node[int(token)] if isinstance(node, list) else node[token]
            except (KeyError, IndexError, ValueError) as exc:
                raise GenerationError(f"unresolvable $ref {target!r}") from exc
        return node, target

    def _expand_ref(self, ref: str, base: str) -> Any:
        node, target = self._resolve(ref, base)
        if target in self._done:
            return self._done[target]
        if target in self._in_progress:
            cycle = " -> ".join([*self._in_progress[self._in_progress.index(target) :], target])
            raise GenerationError(f"recursive $ref cannot be inlined: {cycle}")
        self._in_progress.append(target)
        try:
            expanded = self._expand(node, urldefrag(target).url)
        finally:
            self._in_progress.pop()
        self._done[target] = expanded
        return expanded

    def _expand(self, schema: Any, base: str) -> Any:
        if isinstance(schema, bool):
            return schema
        if not isinstance(schema, dict):
            raise GenerationError(f"expected a schema, got {schema!r}")
        result: dict[str, Any] = {}
        for key, value in schema.items():
            if key in DROPPED_KEYWORDS or key == "$ref" or key.startswith("x-kubernetes-"):
                continue
            if key in SCHEMA_KEYWORDS:
                result[key] = self._expand(value, base)
            elif key in SCHEMA_MAP_KEYWORDS:
                result[key] = {name: self._expand(sub, base) for name, sub in value.items()}
            elif key in SCHEMA_LIST_KEYWORDS:
                result[key] = [self._expand(sub, base) for sub in value]
            elif key in PLAIN_KEYWORDS:
                result[key] = value
            else:
                raise GenerationError(f"unsupported schema keyword {key!r}")
        if "$ref" not in schema:
            return result
        target = self._expand_ref(schema["$ref"], base)
        if not result:
            return target
        # In 2020-12 keywords next to $ref apply as well: keep them via allOf.
        return {**result, "allOf": [target, *result.get("allOf", [])]}


def build_schema(version: SourceVersion, package_version: str) -> dict[str, Any]:
    service = load_json(version.directory / SOURCE_FILE)
    definitions = load_json(version.directory / DEFINITIONS_FILE)
    for name, document in ((SOURCE_FILE, service), (DEFINITIONS_FILE, definitions)):
        if document.get("$schema") != SCHEMA_DIALECT:
            raise GenerationError(
                f"{version.directory.name}/{name}: expected $schema {SCHEMA_DIALECT!r}, "
                f"got {document.get('$schema')!r}"
            )
    expanded = Inliner([service, definitions]).expand_document(service["$id"])
    if '"$ref":' in dump(expanded):
        raise GenerationError("internal error: $ref left in the output")
    return {
        "$schema": SCHEMA_DIALECT,
        "$comment": (
            f"Kubernetes {version.label} v1 Service, generated by scripts/gen_schemas.py "
            f"from {PACKAGE} {package_version} ({version.directory.name})"
        ),
        **expanded,
    }


def dump(schema: Any) -> str:
    return json.dumps(schema, indent=None, separators=(",", ":"), sort_keys=True) + "\n"


def readme(package_version: str, versions: Sequence[SourceVersion]) -> str:
    labels = f"{versions[0].label} to {versions[-1].label}"
    return f"""\
# Kubernetes Service schemas

Generated files, do not edit. Regenerate with `python scripts/gen_schemas.py`
(needs the development dependency `{PACKAGE}`).

- `service-v1.<minor>.json`: standalone JSON Schema (draft 2020-12) of the
  `v1 Service` kind, one per Kubernetes version {labels}.
- Source: the `v1.<minor>.0-local-strict` schemas bundled with `{PACKAGE}`
  {package_version} (https://github.com/willthames/kubernetes-validate), generated
  from the Kubernetes OpenAPI specification. Strict: unknown fields are rejected.
- Changes: every `$ref` is inlined; `description` and `x-kubernetes-*` keys are
  removed.
- Licence: Apache-2.0, as the upstream schemas.
"""


def render(source_dir: Path) -> dict[str, str]:
    """Return the content of every file of the output directory, by file name."""
    package_version = metadata.version(PACKAGE)
    versions = find_versions(source_dir)
    files = {v.output_name: dump(build_schema(v, package_version)) for v in versions}
    files["README.md"] = readme(package_version, versions)
    return files


def stale_files(output_dir: Path, expected: dict[str, str]) -> list[Path]:
    if not output_dir.is_dir():
        return []
    return sorted(
        path
        for path in output_dir.iterdir()
        if OUTPUT_NAME_RE.match(path.name) and path.name not in expected
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate standalone v1 Service JSON schemas into schemas/."
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=None,
        help="kubernetes-json-schema directory (default: the installed kubernetes_validate's)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"output directory (default: {DEFAULT_OUTPUT})",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the output directory is not up to date",
    )
    args = parser.parse_args(argv)

    try:
        files = render(args.source or default_source_dir())
    except (GenerationError, OSError, ValueError, metadata.PackageNotFoundError) as exc:
        print(f"gen_schemas: error: {exc}", file=sys.stderr)
        return 2

    output_dir: Path = args.output
    stale = stale_files(output_dir, files)
    if args.check:
        outdated = [
            name
            for name, content in files.items()
            if not (output_dir / name).is_file()
            or (output_dir / name).read_text(encoding="utf-8") != content
        ]
        for name in outdated:
            print(f"gen_schemas: out of date: {output_dir / name}", file=sys.stderr)
        for path in stale:
            print(f"gen_schemas: stale: {path}", file=sys.stderr)
        return 1 if outdated or stale else 0

    output_dir.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (output_dir / name).write_text(content, encoding="utf-8", newline="\n")
    for path in stale:
        path.unlink()
        print(f"removed stale {path}")
    total = sum(len(content.encode("utf-8")) for content in files.values())
    print(f"wrote {len(files)} files ({total} bytes) to {output_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
