"""The package's layout is the pipeline: imports go one way, down it, with no circles.

    source (files, YAML as kubectl reads it, positions)
      -> render (Kustomize overlays and Helm charts rendered, the way back to source lines)
      -> model (Kubernetes objects, the resource index)
        -> policy (ValidatingAdmissionPolicies: CEL, matching, verdicts)
          -> check (rules, findings, suppressions, baseline; rules/ sits here)
            -> fix (--fix: findings' fixes as text edits, applied to copies and re-linted)
              -> report (text, JSON, SARIF, ...)
                -> cli (arguments, configuration files, subcommands)

A module may import from its own stage and from stages before it, never after.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

STAGES = ["source", "render", "model", "policy", "check", "fix", "report", "cli"]


def stage_of(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "svclint" or len(parts) < 2:
        return None
    if parts[1] == "rules":
        return STAGES.index("check")
    return STAGES.index(parts[1]) if parts[1] in STAGES else None


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((REPO / "svclint").rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        found[".".join(p for p in parts if p != "__init__")] = path
    for path in sorted((REPO / "rules").glob("*.py")):
        found[f"svclint.rules.{path.stem}".removesuffix(".__init__")] = path
    return found


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("svclint.")}


def test_the_top_level_holds_the_stages_and_nothing_else() -> None:
    entries = {p.name for p in (REPO / "svclint").iterdir() if not p.name.startswith((".", "__pycache__"))}
    assert entries == {*STAGES, "__init__.py", "__main__.py"}


def test_imports_go_down_the_pipeline() -> None:
    upward = []
    for module, path in modules().items():
        own = stage_of(module)
        for imported in imports(path):
            target = stage_of(imported)
            if own is not None and target is not None and target > own:
                upward.append(f"{module} imports {imported}")
    assert upward == []


def test_no_module_imports_itself_back_through_others() -> None:
    known = modules()
    graph = {m: {i for i in imports(p) if i in known and i != m} for m, p in known.items()}
    cycles, state = [], {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(graph[module]):
            if state.get(imported) == "open":
                cycles.append(" -> ".join(trail[trail.index(imported):] + [imported]))
            elif imported not in state:
                visit(imported, trail + [imported])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
