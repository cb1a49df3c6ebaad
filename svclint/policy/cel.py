"""CEL as the API server has it for admission policies, on the `common-expression-language` package.

Why that package: on the CEL conformance cases without protobuf types (google/cel-spec
tests/simple; benchmarks/cel_conformance.py) it passes more of the core cases than
cel-python (966 of 1,117 against 908), compiles 8 times and evaluates 29 times faster. What it
lacks of Kubernetes' CEL, cel_library.py adds as Python functions, each from the Kubernetes
version that introduced it; what svclint cannot add (the optional syntax `a.?b`, `m[?k]`,
two-variable comprehensions) does not compile, and says so.

An expression is compiled once (`Environment.compile`) and run against one `Activation` per
object: the object is converted to CEL values once, and the few values that change from
policy to policy (`params`, `variables`) are set on the same context.
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import logging
import os
import re
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Iterable

from svclint.model import versions
from svclint.policy import cel_library

# The package logs every failing Python function to the `cel` logger; a failing function is
# a runtime error of the expression, which svclint reports as a finding, not on stderr.
logging.getLogger("cel").addHandler(logging.NullHandler())
logging.getLogger("cel").propagate = False

# Functions of standard CEL (what the package has built in), as Program.functions() names them.
STANDARD = frozenset({
    "size", "contains", "startsWith", "endsWith", "matches", "string", "int", "uint", "double", "bytes", "bool",
    "duration", "timestamp", "dyn", "type", "getFullYear", "getMonth", "getDate", "getDayOfMonth",
    "getDayOfWeek", "getDayOfYear", "getHours", "getMinutes", "getSeconds", "getMilliseconds",
})
OPTIONAL = frozenset({"of", "none", "ofNonZeroValue", "hasValue", "value", "orValue", "or"})
# The authorizer library: known (so a policy using it compiles), never run offline.
AUTHORIZER = frozenset({"group", "resource", "subresource", "namespace", "name", "check", "allowed", "reason",
                        "errored", "error", "path", "serviceAccount", "fieldSelector", "labelSelector"})
MACROS = ("all", "exists", "exists_one", "map", "filter")
_BOUND = re.compile(r"\.\s*(?:" + "|".join(MACROS) + r")\s*\(\s*([A-Za-z_]\w*)\s*,")
_NAMESPACED = re.compile(r"(?<![\w.])(sets|strings|ip|format|optional)\s*\.\s*(\w+)\s*\(")
_PACKAGE_ERROR = re.compile(r"Python function call failed: \w+: (.*?)\.? Check function arguments", re.S)
_UNSUPPORTED = re.compile(r"unsupported syntax '([^']*)'")


@functools.lru_cache(maxsize=None)
def cel_module() -> ModuleType:
    """The package's compiled module (compile, Context), loaded when a run first compiles an
    expression. Loaded alone: the package's __init__ also imports its own command line
    (prompt_toolkit, rich: a third of a second of every run with policies, 14 ms without it).
    Where the module is not where it was found (another layout), the package is imported."""
    try:
        return _extension_module()
    except (ImportError, OSError, StopIteration, TypeError):
        import cel
        return cel


def _extension_module() -> ModuleType:
    package = importlib.util.find_spec("cel")  # found, not run
    if package is None or not package.submodule_search_locations:
        raise ImportError("no cel package")
    folder = package.submodule_search_locations[0]
    name = next(name for name in sorted(os.listdir(folder))
                if name.startswith("cel.") and name.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)))
    spec = importlib.util.spec_from_file_location("cel.cel", os.path.join(folder, name))
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {name}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CompileError(Exception):
    """An expression the API server would not accept (or svclint cannot run); the message says why."""


class EvaluationError(Exception):
    """A runtime error of an expression, worded as CEL words it."""


@dataclass(frozen=True)
class Expression:
    source: str
    program: Any  # cel.Program
    uses_authorizer: bool
    variables: frozenset[str]  # the top-level names it reads (comprehension variables too)
    calls: frozenset[str] = frozenset()  # the functions it calls, by their last name (`contains` of sets.contains)


class Environment:
    """What an expression may use on Kubernetes 1.<minor>, and the variables it may read."""

    def __init__(self, minor: int, variables: Iterable[str]) -> None:
        self.minor = minor
        self.functions = {**cel_library.functions(minor, cel_module().OptionalValue),
                          **{_FASTER_NAME.format(name): function for name, function in cel_library.FASTER.items()}}
        self.variables = frozenset(variables)
        known = set(STANDARD) | {name.rsplit(".", 1)[-1] for name in self.functions} | set(cel_library.STRINGS)
        if minor >= versions.CEL_OPTIONAL:
            known |= OPTIONAL
        if minor >= versions.CEL_AUTHORIZER:
            known |= AUTHORIZER
        self.known_functions = frozenset(known)
        self._subsets: dict[frozenset[str], dict[str, Any]] = {}  # functions by the names called

    def compile(self, source: str) -> Expression:
        try:
            program = cel_module().compile(source)  # as written: its errors' columns are the user's
        except ValueError as exc:
            raise CompileError(_compile_message(str(exc))) from None
        faster = _with_faster_functions(source)
        if faster != source:
            program = cel_module().compile(faster)
        for name in sorted(program.functions(), key=lambda name: _first_call(name, source)):
            if name[:1].isalpha() and name not in self.known_functions:
                raise CompileError(f"compilation failed: undeclared reference to '{name}'{_introduced(name)}")
        for namespace, name in _NAMESPACED.findall(source):
            if f"{namespace}.{name}" not in self.functions and not (namespace == "optional" and name in OPTIONAL):
                raise CompileError(f"compilation failed: undeclared reference to '{namespace}.{name}'"
                                   f"{_introduced(f'{namespace}.{name}')}")
        bound = set(_BOUND.findall(source))
        for name in program.variables():
            if name not in self.variables and name not in bound and not _is_namespace(name, source):
                raise CompileError(f"compilation failed: undeclared reference to '{name}' (in container '')")
        names = frozenset(program.variables())
        return Expression(source, program, "authorizer" in names, names, frozenset(program.functions()))

    def activation(self, values: dict[str, Any], calls: frozenset[str] | None = None) -> "Activation":
        """A context for `values`, with the functions named `calls` (None: all): each function
        registered costs every object's context, and a policy calls few of the library's 70."""
        return Activation(cel_module().Context(values, self.functions if calls is None else self._called(calls)))

    def _called(self, calls: frozenset[str]) -> dict[str, Any]:
        found = self._subsets.get(calls)
        if found is None:
            found = self._subsets[calls] = {name: function for name, function in self.functions.items()
                                            if name.rsplit(".", 1)[-1] in calls}
        return found


# The package's own matches() compiles the pattern at each call (~20 µs); svclint's, under
# another name, keeps it compiled (~1.5 µs). Calls are renamed outside string literals.
_FASTER_NAME = "svclint_{}"
_LITERAL = r"""[rR]?[bB]?(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")"""
_LITERAL_OR_CALL = re.compile(rf"(?P<literal>{_LITERAL})|(?<![\w])(?P<name>" + "|".join(cel_library.FASTER)
                              + r")(?=\s*\()")


def _with_faster_functions(source: str) -> str:
    def rename(match: re.Match) -> str:
        return match["literal"] if match["literal"] is not None else _FASTER_NAME.format(match["name"])

    return _LITERAL_OR_CALL.sub(rename, source)


def _first_call(name: str, source: str) -> int:
    found = re.search(rf"\b{re.escape(name)}\s*\(", source)
    return found.start() if found else len(source)


def _is_namespace(name: str, source: str) -> bool:
    """`format` in `format.dns1123Label()`: the namespace of a library function, not a variable."""
    return re.search(rf"\b{re.escape(name)}\.\w+\s*\(", source) is not None and name in (
        "format", "strings", "sets", "ip", "optional")


def _introduced(name: str) -> str:
    found = cel_library.introduced(name)
    if found is None:
        if name in OPTIONAL:
            return f" (optional types come with Kubernetes {versions.version(versions.CEL_OPTIONAL)})"
        return " (in container '')"
    library, minor = found
    return f" (the {library} library comes with Kubernetes {versions.version(minor)})"


def _compile_message(text: str) -> str:
    unsupported = _UNSUPPORTED.search(text)
    if unsupported:
        return (f"svclint's CEL cannot run the syntax '{unsupported[1]}' (optional field selection); "
                "write has(...) and ternaries instead")
    errors = re.findall(r"ERROR: <input>:\d+:\d+: [^\n]*", text)
    return "compilation failed: " + ("; ".join(errors) if errors else text.splitlines()[0])


class Activation:
    """The CEL variables of one request, converted once; `params` and `variables` change per policy.

    They change through the context's variable resolver, not add_variable: adding a variable
    makes the package convert every variable again at the next evaluation (~30 µs for a
    Service), while the resolver converts only what it returns. A value set to None falls
    through to the one the context was made with (null, or an empty map)."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.changed: dict[str, Any] = {}
        context.set_variable_resolver(self.changed.get)

    def set(self, name: str, value: Any) -> None:
        if value is None or value == {}:
            self.changed.pop(name, None)
        else:
            self.changed[name] = value

    def evaluate(self, expression: Expression) -> Any:
        try:
            return expression.program.execute(self.context)
        except Exception as exc:  # the package raises KeyError, TypeError, RuntimeError, ...
            raise EvaluationError(_runtime_message(exc)) from None


def _runtime_message(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, KeyError):
        return f"no such key: {exc.args[0] if exc.args else text}"
    wrapped = _PACKAGE_ERROR.search(text)
    if wrapped:
        return wrapped[1]
    if text.startswith("No such overload"):
        return "no such overload"
    if text.startswith("Undefined variable or function:"):
        name = re.search(r"'([^']*)'", text)
        return f"no such attribute: {name[1] if name else text}"
    return text
