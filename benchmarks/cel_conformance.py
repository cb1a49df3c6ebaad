"""Compares the two CEL packages on the index on the CEL conformance tests, and on speed.

    python benchmarks/cel_conformance.py DIR [--rounds N]

DIR holds the `*.textproto` files of google/cel-spec's tests/simple/testdata (not vendored:
fetch them from https://github.com/google/cel-spec). Cases with a proto message, a type
environment or a container are left out (neither package knows protobuf types); the rest
are run through `common-expression-language` (Rust) and `cel-python` (pure Python). The speed
half compiles and runs an expression shaped like a Service policy on Service-shaped data.
This is how svclint's CEL implementation was chosen (see svclint/policy/cel.py).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable

_TOKEN = re.compile(r"""\s+|#[^\n]*|(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<punct>[{}:\[\],<>])"""
                    r"""|(?P<word>[-+\w./]+)""")


def tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ValueError(f"cannot read textproto at {text[pos:pos + 30]!r}")
        pos = match.end()
        kind = match.lastgroup
        if kind:
            out.append((kind, match[kind]))
    return out


def _unquote(text: str) -> str | bytes:
    """A textproto string: C escapes, octal and hex bytes; str when it is valid UTF-8."""
    body, raw, i = text[1:-1], bytearray(), 0
    simple = {"n": 10, "t": 9, "r": 13, "a": 7, "b": 8, "f": 12, "v": 11, "\\": 92, "'": 39, '"': 34, "?": 63}
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            raw += ch.encode()
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in simple:
            raw.append(simple[nxt])
            i += 2
        elif nxt in "xX":
            digits = re.match(r"[0-9a-fA-F]{1,2}", body[i + 2:])[0]  # type: ignore[index]
            raw.append(int(digits, 16))
            i += 2 + len(digits)
        elif nxt.isdigit():
            digits = re.match(r"[0-7]{1,3}", body[i + 1:])[0]  # type: ignore[index]
            raw.append(int(digits, 8))
            i += 1 + len(digits)
        else:
            raw += ("\\" + nxt).encode()
            i += 2
    return bytes(raw)


def parse(toks: list[tuple[str, str]], pos: int = 0, end: str | None = None) -> tuple[list, int]:
    """A message as a list of (field, value) pairs; a value is bytes, a word or a message."""
    fields: list = []
    while pos < len(toks):
        kind, text = toks[pos]
        if kind == "punct" and text in ("}", ">"):
            return fields, pos + 1
        name = text.strip("[]")
        pos += 1
        if toks[pos] == ("punct", ":"):
            pos += 1
        kind, text = toks[pos]
        if kind == "punct" and text in ("{", "<"):
            value, pos = parse(toks, pos + 1)
        elif kind == "punct" and text == "[":
            pos += 1
            items = []
            while toks[pos] != ("punct", "]"):
                if toks[pos][0] == "punct" and toks[pos][1] in ("{", "<"):
                    item, pos = parse(toks, pos + 1)
                else:
                    item, pos = _scalar(toks, pos)
                items.append(item)
                if toks[pos] == ("punct", ","):
                    pos += 1
            pos += 1
            fields += [(name, item) for item in items]
            continue
        else:
            value, pos = _scalar(toks, pos)
        fields.append((name, value))
        if pos < len(toks) and toks[pos] == ("punct", ","):
            pos += 1
    return fields, pos


def _scalar(toks: list[tuple[str, str]], pos: int) -> tuple[Any, int]:
    kind, text = toks[pos]
    if kind == "str":
        joined = _unquote(text)
        while pos + 1 < len(toks) and toks[pos + 1][0] == "str":  # adjacent strings concatenate
            pos += 1
            joined += _unquote(toks[pos][1])
        return joined, pos + 1
    return text, pos + 1


def first(message: list, name: str) -> Any:
    return next((value for key, value in message if key == name), None)


def every(message: list, name: str) -> list:
    return [value for key, value in message if key == name]


class Unsupported(Exception):
    pass


def expected_value(value: list) -> Any:
    """A cel.expr.Value as the Python value both packages return."""
    key, raw = value[0]
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    if key in ("int64_value", "uint64_value"):
        return int(text)
    if key == "double_value":
        return float({"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(text, text))
    if key == "string_value":
        return raw.decode("utf-8") if isinstance(raw, bytes) else raw
    if key == "bytes_value":
        return raw if isinstance(raw, bytes) else raw.encode()
    if key == "bool_value":
        return text == "true"
    if key == "null_value":
        return None
    if key == "list_value":
        return [expected_value(v) for v in every(raw, "values")]
    if key == "map_value":
        return {expected_value(first(e, "key")): expected_value(first(e, "value")) for e in every(raw, "entries")}
    raise Unsupported(key)


def cases(directory: Path) -> list[tuple[str, str, dict, Any, bool]]:
    """(file/section/test, expression, bindings, expected value, expects an error)."""
    found = []
    for path in sorted(directory.glob("*.textproto")):
        message, _ = parse(tokens(path.read_text()))
        for section in every(message, "section"):
            for test in every(section, "test"):
                name = f"{path.stem}/{first(section, 'name').decode()}/{first(test, 'name').decode()}"
                if first(test, "container") or first(test, "type_env") or first(test, "check_only"):
                    continue
                try:
                    bindings = {first(b, "key").decode(): expected_value(first(first(b, "value"), "value"))
                                for b in every(test, "bindings")}
                    if first(test, "eval_error") is not None:
                        found.append((name, first(test, "expr").decode(), bindings, None, True))
                    elif first(test, "value") is not None:
                        found.append((name, first(test, "expr").decode(), bindings,
                                      expected_value(first(test, "value")), False))
                except (Unsupported, TypeError, AttributeError):
                    continue
    return found


def same(got: Any, want: Any) -> bool:
    if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        return (math.isnan(want) and math.isnan(got)) or got == want
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want if isinstance(got, bool) and isinstance(want, bool) else False
    if isinstance(want, list):
        return isinstance(got, (list, tuple)) and len(got) == len(want) and all(map(same, got, want))
    if isinstance(want, dict):
        return (isinstance(got, dict) and len(got) == len(want)
                and all(any(same(k, wk) and same(v, wv) for k, v in got.items()) for wk, wv in want.items()))
    if isinstance(want, int):
        return isinstance(got, int) and got == want
    return type(got) is type(want) and got == want if want is not None else got is None


def run_rust(expr: str, bindings: dict) -> Any:
    import cel
    return cel.compile(expr).execute(bindings)


def run_python(expr: str, bindings: dict) -> Any:
    import celpy
    env = celpy.Environment()
    program = env.program(env.compile(expr))
    result = program.evaluate({k: celpy.json_to_cel(v) for k, v in bindings.items()})
    if isinstance(result, Exception):
        raise result
    return _plain(result)


def _plain(value: Any) -> Any:
    import celpy
    if isinstance(value, celpy.celtypes.BoolType):
        return bool(value)
    if isinstance(value, (celpy.celtypes.IntType, celpy.celtypes.UintType)):
        return int(value)
    if isinstance(value, celpy.celtypes.DoubleType):
        return float(value)
    if isinstance(value, celpy.celtypes.StringType):
        return str(value)
    if isinstance(value, celpy.celtypes.BytesType):
        return bytes(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def conformance(name: str, run: Callable[[str, dict], Any], all_cases: list) -> tuple[int, dict[str, int]]:
    passed, failed_by_file = 0, {}
    for case, expr, bindings, want, wants_error in all_cases:
        try:
            got, error = run(expr, bindings), False
        except BaseException as exc:  # noqa: BLE001 - a panic in the extension is a failure too
            if isinstance(exc, KeyboardInterrupt):
                raise
            got, error = None, True
        ok = error if wants_error else (not error and same(got, want))
        passed += ok
        if not ok:
            stem = case.split("/")[0]
            failed_by_file[stem] = failed_by_file.get(stem, 0) + 1
    return passed, failed_by_file


POLICY = ("object.spec.type != 'LoadBalancer' || (has(object.metadata.annotations) && "
          "object.metadata.annotations.exists(k, k == 'service.beta.kubernetes.io/aws-load-balancer-scheme') "
          "&& object.spec.ports.all(p, p.port in [80, 443]))")
SERVICE = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"},
                        "annotations": {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"}},
           "spec": {"type": "LoadBalancer", "selector": {"app": "web"},
                    "ports": [{"name": "http", "port": 80, "targetPort": 8080}, {"name": "https", "port": 443}]}}


def speed(rounds: int) -> None:
    import cel
    import celpy

    def timed(label: str, fn: Callable[[], Any], n: int) -> float:
        best = math.inf
        for _ in range(rounds):
            start = time.perf_counter()
            for _ in range(n):
                fn()
            best = min(best, (time.perf_counter() - start) / n)
        print(f"  {label:<40} {best * 1e6:10.1f} µs")
        return best

    env = celpy.Environment()
    py_program = env.program(env.compile(POLICY))
    rust_program = cel.compile(POLICY)
    activation = {"object": celpy.json_to_cel(SERVICE)}
    assert rust_program.execute({"object": SERVICE}) is True
    assert bool(py_program.evaluate(activation)) is True
    print("speed (best of rounds, per call):")
    rust_compile = timed("compile, common-expression-language", lambda: cel.compile(POLICY), 2000)
    py_compile = timed("compile, cel-python", lambda: env.program(env.compile(POLICY)), 50)
    rust_eval = timed("evaluate, common-expression-language", lambda: rust_program.execute({"object": SERVICE}), 5000)
    py_eval = timed("evaluate, cel-python (json_to_cel included)",
                    lambda: py_program.evaluate({"object": celpy.json_to_cel(SERVICE)}), 500)
    print(f"  ratio cel-python / common-expression-language: compile {py_compile / rust_compile:.0f}x, "
          f"evaluate {py_eval / rust_eval:.0f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("testdata", type=Path, help="google/cel-spec tests/simple/testdata")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    all_cases = cases(args.testdata)
    print(f"{len(all_cases)} conformance cases without protobuf types")
    for label, run in (("common-expression-language", run_rust), ("cel-python", run_python)):
        start = time.perf_counter()
        passed, failed = conformance(label, run, all_cases)
        took = time.perf_counter() - start
        worst = ", ".join(f"{stem} {n}" for stem, n in sorted(failed.items(), key=lambda kv: -kv[1])[:8])
        print(f"{label}: {passed}/{len(all_cases)} passed ({100 * passed / len(all_cases):.1f}%) in {took:.1f} s; "
              f"failures by file: {worst}")
    speed(args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
