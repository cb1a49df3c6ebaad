"""The Kubernetes CEL libraries as svclint runs them: the examples of the Kubernetes
documentation ("CEL in Kubernetes", k8s.io/apiserver/pkg/cel/library), each library available
from the Kubernetes version that introduced it."""

from __future__ import annotations

import re

import pytest

from svclint.policy.cel import CompileError, Environment, EvaluationError


def run(expression: str, minor: int = 37, **variables):
    environment = Environment(minor, ["object", *variables])
    return environment.activation({"object": None, **variables}).evaluate(environment.compile(expression))


@pytest.mark.parametrize("expression", [
    # extended strings
    "'hello'.charAt(1) == 'e'",
    "'hello mellow'.indexOf('ello') == 1",
    "'hello mellow'.indexOf('ello', 2) == 7",
    "'hello mellow'.lastIndexOf('ello') == 7",
    "'TacoCat'.lowerAscii() == 'tacocat'",
    "'TacoCat'.upperAscii() == 'TACOCAT'",
    "'hello hello'.replace('he', 'we', 1) == 'wello hello'",
    "'hello hello'.split(' ') == ['hello', 'hello']",
    "'a,b,c'.split(',', 2) == ['a', 'b,c']",
    "'tacocat'.substring(4) == 'cat'",
    "'tacocat'.substring(0, 4) == 'taco'",
    "'  \\ttrim\\n    '.trim() == 'trim'",
    "['hello', 'mellow'].join(' ') == 'hello mellow'",
    "'%s has %d ports'.format(['web', 2]) == 'web has 2 ports'",
    "strings.quote('a\"b') == '\"a\\\\\"b\"'",
    # regex
    "'abc 123'.find('[0-9]+') == '123'",
    "'123 abc 456'.findAll('[0-9]+') == ['123', '456']",
    "'123 abc 456'.findAll('[0-9]+', 1) == ['123']",
    "'svc-12'.matches('^svc-[0-9]+$') && matches('svc-12', '[0-9]$') && !'svc'.matches('^x')",
    "'a.matches(b)' == \"a.\" + 'matches(b)'",  # svclint's faster matches() leaves string literals alone
    # lists
    "[1, 2, 3].isSorted() && ![2, 1].isSorted()",
    "[1, 2, 3].sum() == 6",
    "[1, 2, 3].max() == 3 && [1, 2, 3].min() == 1",
    "[1, 2, 3, 2].indexOf(2) == 1 && [1, 2, 3, 2].lastIndexOf(2) == 3",
    # URLs
    "url('https://example.com:80/').getHost() == 'example.com:80'",
    "url('https://example.com:80/').getHostname() == 'example.com'",
    "url('https://example.com:80/').getPort() == '80'",
    "url('https://example.com/path').getScheme() == 'https'",
    "url('https://example.com/path with spaces/').getEscapedPath() == '/path with spaces/'",
    "url('https://example.com/?k=a&k=b').getQuery() == {'k': ['a', 'b']}",
    "isURL('https://example.com') && !isURL('not a url')",
    # quantity
    "quantity('1.5G').isGreaterThan(quantity('1G'))",
    "quantity('50k').asInteger() == 50000",
    "isQuantity('1.3G') && !isQuantity('1.3GiB')",
    "quantity('1Ki').compareTo(quantity('1024')) == 0",
    "quantity('50M').add(quantity('20M')) == quantity('70M')",
    "quantity('50M').sub(20000000) == quantity('30M')",
    "quantity('1.5').isInteger() == false && quantity('-1').sign() == -1",
    # IP and CIDR
    "isIP('1.2.3.4') && !isIP('1.2.3.04') && !isIP('::ffff:1.2.3.4')",
    "ip('127.0.0.1').isLoopback() && ip('::1').family() == 6",
    "ip('192.168.0.1').family() == 4 && !ip('192.168.0.1').isGlobalUnicast() == false",
    "ip.isCanonical('2001:db8::abc') && !ip.isCanonical('2001:DB8::ABC')",
    "cidr('192.168.0.0/24').containsIP(ip('192.168.0.1'))",
    "cidr('192.168.0.0/24').containsIP('192.168.0.1') && !cidr('192.168.0.0/24').containsIP('10.0.0.1')",
    "cidr('192.168.0.0/24').containsCIDR('192.168.0.0/25')",
    "cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')",
    "cidr('192.168.0.0/24').prefixLength() == 24",
    "cidr('192.168.0.0/24').ip() == ip('192.168.0.0')",
    "isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0')",
    # format
    "!format.dns1123Label().validate('my-name').hasValue()",
    "format.dns1123Label().validate('MyName').hasValue()",
    "!format.named('labelValue').validate('a_b').hasValue()",
    # sets
    "sets.contains([1, 2, 3], [2, 3]) && sets.intersects([1], [1, 2]) && sets.equivalent([1, 2], [2, 1])",
    # optional values
    "optional.of(1).hasValue() && optional.none().orValue(2) == 2",
])
def test_documented_examples(expression: str) -> None:
    assert run(expression) is True


@pytest.mark.parametrize(("expression", "introduced", "library"), [
    ("ip('1.2.3.4').family() == 4", 30, "IP"),
    ("cidr('10.0.0.0/8').prefixLength() == 8", 30, "CIDR"),
    ("quantity('1').isInteger()", 28, "quantity"),
    ("format.dns1123Label().validate('a').hasValue() == false", 31, "format"),
    ("sets.contains([1], [1])", 29, "sets"),
    ("'%s'.format(['a']) == 'a'", 29, "extended strings v2 (format, strings.quote)"),
])
def test_each_library_from_the_version_that_introduced_it(expression: str, introduced: int, library: str) -> None:
    assert run(expression, introduced) is True
    with pytest.raises(CompileError, match=re.escape(f"the {library} library comes with Kubernetes 1.{introduced}")):
        run(expression, introduced - 1)


def test_optional_types_from_1_28() -> None:
    assert run("optional.of(1).hasValue()", 28) is True
    with pytest.raises(CompileError, match="optional types come with Kubernetes 1.28"):
        run("optional.of(1).hasValue()", 27)


@pytest.mark.parametrize(("expression", "error"), [
    ("'abc'.charAt(5)", "index out of range: 5"),
    ("[].max()", "max called on empty list"),
    ("quantity('1.5').asInteger()", "cannot convert value to integer"),
    ("ip('1.2.3.04')", "IP Address '1.2.3.04' parse error during conversion from string"),
    ("url('not a url')", "URL is not absolute"),
    ("object.spec", "no such key: spec"),
    ("'a'.matches('(')", "invalid regular expression"),
])
def test_runtime_errors_are_worded_as_kubernetes_words_them(expression: str, error: str) -> None:
    environment = Environment(37, ["object"])
    with pytest.raises(EvaluationError, match=re.escape(error)):
        environment.activation({"object": {"kind": "Service"}}).evaluate(environment.compile(expression))


def test_undeclared_variables_do_not_compile() -> None:
    with pytest.raises(CompileError, match="undeclared reference to 'spec'"):
        run("spec.type == 'NodePort'")
    assert run("[1, 2].all(x, x > 0) && [1].exists(y, y == 1)") is True  # macro variables are declared
