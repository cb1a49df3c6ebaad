"""Broken and hostile input: a finding at its position, and the rest of the run goes on.

The inputs are the real thing: a billion-laughs document, nesting that overflows libyaml's
C stack, a 5,000-digit integer. Unguarded, these tests hang, run out of memory or kill the
test process; guarded, each is a finding (timings belong in benchmarks, not here).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from svclint.check.engine import Report, lint_paths
from svclint.check.registry import load_rules
from svclint.check.settings import Settings
from svclint.source.complexity import C_COMPOSER_MAX_CHARS, MAX_DEPTH
from svclint.source.documents import parse_source
from tests.conftest import lint_text, problems, run_main
from tests.test_cli import BAD_NODEPORT


def after(offset: int) -> tuple[int, int, str]:
    """The finding in BAD_NODEPORT when it follows `offset` lines: proof the run went on."""
    return (offset + 9, 17, "nodeport-out-of-range")


# The input rules, and the two these tests use as witnesses: schema (wrong types) and
# nodeport-out-of-range (a document after a broken one was still read).
WITNESSES = [slug for slug, rule in load_rules().items() if rule.produced_by == "loader"] + [
    "schema", "nodeport-out-of-range"]


def lint(tmp_path: Path, text: str) -> Report:
    return lint_text(tmp_path, text, select=WITNESSES)


def lint_file(path: Path) -> Report:
    return lint_paths([str(path)], Settings().updated({"select": WITNESSES}))


def service(spec_lines: str, name: str = "web") -> str:
    return f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n{spec_lines}"


def billion_laughs(indent: str = "") -> str:
    """Nine levels of nine aliases: 387,420,489 strings once expanded."""
    lines = [f"{indent}a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{indent}{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("text", "position"), [
    pytest.param("metadata:\n  labels: {app: web\nspec:\n  ports: [80]\n", (3, 5), id="unclosed-flow-mapping"),
    pytest.param("ports: [80, 443\nname: web\n", (2, 5), id="unclosed-flow-sequence"),
    pytest.param("metadata:\n  name: web\n namespace: shop\n", (3, 2), id="bad-indentation"),
    pytest.param("metadata:\n\tname: web\n", (2, 1), id="tab-indentation"),
    pytest.param("metadata:\n  labels: *labels\n", (2, 11), id="undefined-alias"),
    pytest.param("a: 1\nb: c\x01d\n", (2, 5), id="control-character"),
    pytest.param('a: "\\ud800"\n', (1, 7), id="surrogate-escape"),
])
def test_invalid_yaml_is_reported_where_it_is(tmp_path, text: str, position: tuple[int, int]) -> None:
    assert problems(lint(tmp_path, text)) == [(*position, "invalid-yaml")]


def test_an_unclosed_bracket_is_traced_to_where_it_opened(tmp_path) -> None:
    [finding] = lint(tmp_path, "metadata:\n  labels: {app: web\nspec:\n").findings
    assert "(from line 2, column 11)" in finding.message


def test_python_tags_never_execute_anything(tmp_path) -> None:
    marker = tmp_path / "executed"
    text = (
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: !!python/object/apply:os.system ['touch {marker}']\n"
        f"---\nx: !!python/object/apply:subprocess.call [[touch, '{marker}']]\n"
        f"---\nx: !!python/object/new:subprocess.Popen [[touch, '{marker}']]\n"
        f"---\nx: !!python/name:os.system\n"
        f"---\n{BAD_NODEPORT}"
    )
    report = lint(tmp_path, text)
    assert not marker.exists()
    # kubectl ignores tags it does not know: each value is read as the list or text it is.
    assert problems(report) == [(6, 1, "not-an-object"), (8, 1, "not-an-object"), (10, 1, "not-an-object"), after(11)]
    documents = [d.data for d in parse_source("x.yaml", text.encode()).documents]
    assert documents[0]["metadata"]["name"] == [f"touch {marker}"]
    assert documents[3] == {"x": ""}


@pytest.mark.parametrize("value", [
    # Found by fuzzing: a collection with a scalar's tag.
    "!!int [80]", "!!int {a: 1}", "!!float [1]", "!!bool {a: 1}", "!!null [1]", "!!str [a]", "!!timestamp [1]",
])
def test_a_scalar_tag_on_a_collection_is_ignored_as_kubectl_does(tmp_path, value: str) -> None:
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {value}\n---\n{BAD_NODEPORT}"
    assert problems(lint(tmp_path, text)) == [after(5)]
    untagged = value.split(" ", 1)[1]
    [tagged, _] = [d.data for d in parse_source("x.yaml", text.encode()).documents]
    assert tagged["metadata"]["name"] == yaml.safe_load(untagged)


@pytest.mark.parametrize("value", ["!!int abc", "!!int 0x", "!!int ''", "!!float abc", "!!bool maybe"])
def test_an_explicit_tag_that_does_not_fit_its_text_is_invalid_yaml(tmp_path, value: str) -> None:
    report = lint(tmp_path, f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {value}\n---\n{BAD_NODEPORT}")
    assert problems(report) == [(4, 9, "invalid-yaml"), after(5)]


@pytest.mark.parametrize("text", ["", "# only\n# comments\n", "---\n---\n", "\ufeff"], ids=["empty", "comments", "markers", "bom"])
def test_empty_and_comment_only_files_are_clean(tmp_path, text: str) -> None:
    report = lint(tmp_path, text)
    assert (report.findings, report.files, report.objects) == ([], 1, 0)


@pytest.mark.parametrize("text", ["hello\n", "- a\n- b\n", "42\n", "replicas: 3\nkind: DaemonSet\n"])
def test_a_file_without_objects_is_not_a_manifest(tmp_path, text: str) -> None:
    assert lint(tmp_path, text).findings == []


def test_documents_that_are_not_objects_among_objects(tmp_path) -> None:
    text = f"{BAD_NODEPORT}---\njust a string\n---\n- a\n- list\n---\nreplicas: 3\n---\nkind: Service\n---\n"
    assert problems(lint(tmp_path, text)) == [
        after(0), (11, 1, "not-an-object"), (13, 1, "not-an-object"), (16, 1, "not-an-object"),
        (18, 1, "not-an-object"),
    ]


def test_wrong_types_of_kind_and_api_version(tmp_path) -> None:
    text = ("apiVersion: 1\nkind: Service\nmetadata: {name: a}\n---\n"
            "apiVersion: v1\nkind: [Service]\nmetadata: {name: b}\n---\n"
            "apiVersion: v1\nkind: ''\n---\n"
            "apiVersion: {group: apps}\nkind: Deployment\n")
    report = lint(tmp_path, text)
    assert problems(report) == [(1, 13, "not-an-object"), (6, 7, "not-an-object"), (10, 7, "not-an-object"),
                                (12, 13, "not-an-object")]
    assert report.objects == 0


def test_items_of_a_list_that_are_not_objects(tmp_path) -> None:
    service_item = "  - " + "\n    ".join(BAD_NODEPORT.splitlines()) + "\n"
    text = f"apiVersion: v1\nkind: List\nitems:\n  - just a string\n  - {{replicas: 3}}\n{service_item}"
    assert problems(lint(tmp_path, text)) == [
        (4, 5, "not-an-object"), (5, 5, "not-an-object"), (14, 21, "nodeport-out-of-range")]
    assert problems(lint(tmp_path, "apiVersion: v1\nkind: ServiceList\nitems: 3\n")) == [(3, 8, "not-an-object")]


@pytest.mark.parametrize(("spec", "position", "words"), [
    pytest.param("  - port: 80\n", (6, 3), "spec must be a mapping, not list", id="spec-list"),
    pytest.param("  ports: '80'\n", (6, 10), "spec.ports must be a list, not string", id="ports-string"),
    pytest.param("  type: NodePort\n  ports:\n    - port: 80\n      nodePort: true\n", (9, 17),
                 "must be an integer, not boolean", id="nodeport-true"),
    pytest.param("  ports:\n    - port: 80.5\n", (7, 13), "must be an integer, not number 80.5", id="float"),
    pytest.param("  ports:\n    - port: 123456789012345678901234567890\n", (7, 13),
                 "must be an integer of at most 32 bits, not 1.2345678901234568e+29", id="30-digits"),
    pytest.param("  ports:\n    - port: 99999999999\n", (7, 13), "at most 32 bits", id="int64"),
    pytest.param("  ports:\n    - port: " + "9" * 100 + "\n", (7, 13), "at most 32 bits, not 1e+100", id="100-digits"),
    # int() refuses more than 4,300 digits; 1:1:1... is a sexagesimal integer, quadratic to compute.
    pytest.param("  ports:\n    - port: " + "9" * 5000 + "\n", (7, 13), "must be an integer, not string",
                 id="5000-digits"),
    pytest.param("  ports:\n    - port: 0x" + "f" * 100_000 + "\n", (7, 13), "must be an integer, not string",
                 id="long-hex"),
    pytest.param("  ports:\n    - port: " + ":".join(["1"] * 200_000) + "\n", (7, 13),
                 "must be an integer, not string", id="long-sexagesimal"),
    pytest.param("  selector: {app: {tier: web}}\n  ports: [{port: 80}]\n", (6, 19),
                 "spec.selector.app must be a string", id="selector-value-mapping"),
    pytest.param("  1: a\n  ports: [{port: 80}]\n", (6, 3), "unknown field `1` in spec", id="integer-key"),
])
def test_wrong_types_in_a_service_are_schema_findings(tmp_path, spec: str, position: tuple, words: str) -> None:
    report = lint(tmp_path, service(spec))
    assert problems(report) == [(*position, "schema")]
    assert words in report.findings[0].message


def test_a_number_too_large_to_decode_is_only_a_schema_finding(tmp_path) -> None:
    # kubectl fails at decoding (`cannot unmarshal number ... of type int32`): range rules never run.
    text = service("  type: NodePort\n  ports:\n    - port: 99999999999\n"
                   "      nodePort: 123456789012345678901234567890\n")
    report = lint_text(tmp_path, text, select=["schema", "port-invalid", "nodeport-out-of-range"])
    assert problems(report) == [(8, 13, "schema"), (9, 17, "schema")]


def test_a_name_of_the_wrong_type_is_a_schema_finding(tmp_path) -> None:
    report = lint(tmp_path, "apiVersion: v1\nkind: Service\nmetadata:\n  name: {first: web}\n  labels: [a, b]\n")
    assert problems(report) == [(4, 9, "schema"), (5, 11, "schema")]


def test_utf8_with_bom_and_utf16_with_bom_are_read(tmp_path) -> None:
    for encoding in ("utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"):
        raw = BAD_NODEPORT.encode(encoding)
        if encoding in ("utf-16-le", "utf-16-be"):
            raw = "\ufeff".encode(encoding) + raw
        path = tmp_path / f"{encoding}.yaml"
        path.write_bytes(raw)
        assert problems(lint_file(path)) == [after(0)], encoding


@pytest.mark.parametrize(("raw", "position", "words"), [
    ("apiVersion: v1\nkind: Service\nmetadata:\n  name: caf\xe9\n".encode("latin-1"), (4, 12), "byte 0xe9 is not UTF-8"),
    (b"apiVersion: v1\nkind: Ser\x00vice\n", (2, 10), "NUL"),
    ("kind: \u00e9t\u00e9\x00".encode("utf-8"), (1, 10), "NUL"),  # columns count characters
    (bytes(range(256)) * 40, (1, 1), "NUL"),
    ("kind: Service\n".encode("utf-16-le"), (1, 2), "NUL"),
    ("kind: Service\n".encode("utf-32"), (1, 1), "UTF-32"),
    (b"\xff\xfe\x00\xd8kind: x", (1, 1), "not valid UTF-16"),
], ids=["latin-1", "nul", "nul-after-accents", "binary", "utf-16-without-bom", "utf-32", "broken-utf-16"])
def test_text_that_is_not_utf8_or_utf16_is_a_finding(tmp_path, raw: bytes, position: tuple, words: str) -> None:
    path = tmp_path / "file.yaml"
    path.write_bytes(raw)
    report = lint_file(path)
    assert problems(report) == [(*position, "invalid-yaml")]
    assert words in report.findings[0].message


def test_a_two_megabyte_line_is_read(tmp_path) -> None:
    text = BAD_NODEPORT.replace("  name: web\n", "  name: web\n  annotations:\n    blob: " + "x" * 2_000_000 + "\n")
    assert problems(lint(tmp_path, text)) == [(11, 17, "nodeport-out-of-range")]


def nested_flow(levels: int, padding: int = 0) -> str:
    """A comment of `padding` characters, then a document nesting `levels` levels deep."""
    return "#" + " " * padding + "\n" + "x: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"


@pytest.mark.parametrize("padding", [0, C_COMPOSER_MAX_CHARS], ids=["short-document", "long-document"])
def test_nesting_up_to_the_limit_is_read_and_beyond_it_is_refused_where_it_crosses(tmp_path, padding: int) -> None:
    assert problems(lint(tmp_path, nested_flow(MAX_DEPTH, padding))) == []
    # Level 101 is the 100th bracket: column 3 + 100.
    assert problems(lint(tmp_path, nested_flow(MAX_DEPTH + 1, padding))) == [(2, 103, "document-too-complex")]


@pytest.mark.parametrize("text", [
    pytest.param("x: " + "[" * 200_000 + "]" * 200_000 + "\n", id="flow-sequences"),
    pytest.param("x: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n", id="flow-mappings"),
    pytest.param("- " * 100_000 + "end\n", id="compact-block-sequences"),
])
def test_nesting_that_overflows_the_c_stack_is_refused(tmp_path, text: str) -> None:
    # Unguarded, libyaml's composer overflows the C stack here and the test process dies.
    [(line, _, rule)] = problems(lint(tmp_path, text + "---\n" + BAD_NODEPORT))[:1]
    assert (line, rule) == (1, "document-too-complex")
    assert problems(lint(tmp_path, text + "---\n" + BAD_NODEPORT))[1:] == [after(2)]


def test_deep_block_nesting_is_refused_at_the_first_key_below_the_limit(tmp_path) -> None:
    text = "".join("  " * i + "k:\n" for i in range(3000))
    # The mapping on line 100 is level 100; its key is level 101.
    assert problems(lint(tmp_path, text)) == [(100, 199, "document-too-complex")]


def test_billion_laughs_is_refused_and_the_next_document_is_read(tmp_path) -> None:
    report = lint(tmp_path, billion_laughs() + "---\n" + BAD_NODEPORT)
    assert problems(report) == [(5, 4, "document-too-complex"), after(10)]
    assert "alias bomb" in report.findings[0].message


def test_billion_laughs_inside_a_service_is_refused_before_validation(tmp_path) -> None:
    text = service("  ports: *i\n").replace("  name: web\n", "  name: web\n  annotations:\n" + billion_laughs("    "))
    report = lint(tmp_path, text)
    assert [rule for _, _, rule in problems(report)] == ["document-too-complex"]
    assert report.objects == 0


def test_a_merge_key_bomb_is_refused(tmp_path) -> None:
    lines = ["a: &a {k: v}"] + [f"{name}: &{name} {{<<: [" + ", ".join([f"*{prev}"] * 9) + "]}"
                                for prev, name in zip("abcdefgh", "bcdefghi")]
    report = lint(tmp_path, "\n".join(lines) + "\n")
    assert [rule for _, _, rule in problems(report)] == ["document-too-complex"]


@pytest.mark.parametrize(("text", "position"), [  # a node starts at its anchor
    ("data: &d\n  self: [*d]\n", (2, 9)),
    ("a: &a {<<: *a}\n", (1, 4)),
    ("- &s [1, [2, *s]]\n", (1, 10)),
])
def test_a_node_that_contains_itself_is_refused(tmp_path, text: str, position: tuple) -> None:
    assert problems(lint(tmp_path, text)) == [(*position, "document-too-complex")]


def test_anchors_reused_within_reason_are_fine(tmp_path) -> None:
    block = "\n".join(f"    k{i}: v{i}" for i in range(50))
    text = f"labels: &big\n{block}\n" + "".join(f"copy{i}: *big\n" for i in range(100))
    assert problems(lint(tmp_path, text)) == []


def test_one_line_per_finding_whatever_the_names_hold(tmp_path) -> None:
    (tmp_path / "web.yaml").write_text(service(
        '  "sel\\necter": {app: web}\n  ports: [{port: 80}]\n',
        name='"web\\nforged.yaml:1:1: error[schema] forged\\e[31m"'))
    result = run_main("--no-color", "--select", "schema", "web.yaml", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert [line for line in lines if "error[" in line] == lines[:1]
    assert lines[0].startswith("web.yaml:6:3: error[schema] unknown field `sel\\necter`")
    assert "\\nforged.yaml:1:1" in lines[0] and "\\x1b[31m" in lines[0] and "\x1b" not in result.stdout


def test_a_file_name_that_is_not_utf8_is_printed_escaped(tmp_path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "web.yaml").write_text(BAD_NODEPORT)
    (tmp_path / "d" / "web.yaml").rename(tmp_path / "d" / b"\xff.yaml".decode("utf-8", "surrogateescape"))
    result = run_main("--select", "nodeport-out-of-range", "d", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    result.stdout.encode("utf-8")  # strictly: printing it to a UTF-8 stream cannot fail
    assert result.stdout.startswith("d/\\udcff.yaml:9:17: error[nodeport-out-of-range]")


@pytest.mark.parametrize("text", [billion_laughs(), "x: " + "[" * 30_000 + "]" * 30_000 + "\n"], ids=["bomb", "deep"])
def test_the_cli_reports_hostile_documents_as_json(tmp_path, text: str) -> None:
    (tmp_path / "evil.yaml").write_text(text)
    result = run_main("--format", "json", "--select", ",".join(WITNESSES), "evil.yaml", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr == ""
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "document-too-complex"
