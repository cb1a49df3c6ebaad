from __future__ import annotations

from typing import Iterator

from svclint.context import RuleContext
from svclint.finding import Hit
from svclint.resources import Resource
from svclint.validation import resolve_version, schema_hits


def check(service: Resource, ctx: RuleContext) -> Iterator[Hit]:
    yield from schema_hits(service.data, resolve_version(ctx.settings.kubernetes_version))
