"""JavaScript recipe: Debian's Node.js 18 and jest 29.7.0 with the exercises' pinned Babel set, offline.

Unlocking: every skipped or focused test and block runs: ``xtest``, ``xit``, ``xdescribe``, ``fit`` and
``fdescribe`` become ``test``, ``it`` and ``describe``, and ``.skip``/``.only`` on them is dropped. That
covers grep's ``xit`` (Aider's sed rewrote only ``xtest``) and the two upstream ``test.skip`` tests
(palindrome-products, robot-name), which the benchmark's own runner never ran. tree-sitter finds
the calls, so comments and strings are never touched, and no line moves.

Canaries: top-level tests that must fail, appended to the first spec file, so they run in the same
file, module registry and process as the tests. The first, named after the canary, throws; one more
per jest matcher the tests use (``toEqual``, ``resolves.toBe``, ...), named ``<canary>_<matcher>``,
fails through that matcher alone, so an ``expect`` replaced or a matcher overridden (``expect.extend``)
to pass lets its canary pass. Each rethrows its failure as an error whose message and stack are its
name alone: every line jest prints about it names it, and the model's feedback, which drops such
lines, keeps no trace of them.

Counting (expected): the ``test``/``it`` calls of the spec files (skipped ones included), each named
as jest's JSON report names it (``fullName``: the titles of the enclosing ``describe`` blocks and
the test's own, joined by spaces), read with tree-sitter; titles are string literals (or
concatenations of them). ``.each`` tables and ``.todo`` do not occur in the benchmark and are
not counted.

Test: jest through Node from the image's read-only /opt/harness/node, with the harness's config
(``--config``: jest never looks for one in the tree), which names the harness's Babel config with
``babelrc`` off (no ``babel.config.*``, ``.babelrc`` or package.json ``babel`` key of the tree is read),
and resolves packages from the image's node_modules through ``modulePaths`` (the tree needs no
node_modules, and no symlink). ``--ci --runInBand --forceExit`` (no snapshot writes, one process,
no wait on handles the solution leaves open), the cache under /tmp/jest, the spec files by path,
and jest's JSON report in /tmp/jest-report.json, which parse() reads; what the model reads is
jest's usual report on stderr, as ``npm test`` would show it.
"""

from __future__ import annotations

import json
import re
from typing import ClassVar

import tree_sitter
import tree_sitter_javascript

from harness.polyglot.exercises import Exercise
from harness.polyglot.languages.base import Command, Language
from harness.polyglot.languages.common import check_canary, merge, parser, walk

NODE = "/opt/harness/node"  # harness/sandbox/images/javascript: node_modules, jest and Babel configs
REPORT = "/tmp/jest-report.json"
TESTS = frozenset({"test", "it"})
BLOCKS = frozenset({"describe"})
RENAMED = {"xtest": "test", "xit": "it", "fit": "it", "xdescribe": "describe", "fdescribe": "describe"}
MODIFIERS = frozenset({"skip", "only"})
STATUS = {"passed": "pass", "failed": "fail", "pending": "skip", "skipped": "skip", "todo": "skip", "disabled": "skip"}
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0", "\n": ""}
ESCAPE = re.compile(r"\\(u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|\r\n|.)", re.S)
RESULT_START = re.compile(r'\{"ancestorTitles":')  # how jest's JSON writes each test's result
MAX_REPORT_BYTES = 64 << 20
# A canary test (see the module docstring): ``check`` must throw.
CANARY = """
test({title}, async () => {{
  try {{
    {check};
  }} catch (failed) {{
    const canary = new Error({title});
    canary.stack = {title};
    throw canary;
  }}
}});
"""
BASE_CHECK = "throw new Error({n})"
# jest's matchers (as the tests chain them), each with an expectation through it alone that fails;
# {n} is the canary's name, quoted
CHECKS = {
    "toBe": "expect({n}).toBe(null)",
    "not.toBe": "expect({n}).not.toBe({n})",
    "toEqual": "expect({n}).toEqual(null)",
    "not.toEqual": "expect({n}).not.toEqual({n})",
    "toStrictEqual": "expect({n}).toStrictEqual(null)",
    "toThrow": "expect(() => {n}).toThrow()",
    "not.toThrow": "expect(() => {{ throw new Error({n}); }}).not.toThrow()",
    "toThrowError": "expect(() => {n}).toThrowError()",
    "toBeCloseTo": "expect(0).toBeCloseTo(1)",
    "toBeInstanceOf": "expect({n}).toBeInstanceOf(Array)",
    "toMatch": "expect({n}).toMatch(/^$/)",
    "toBeNull": "expect({n}).toBeNull()",
    "toBeUndefined": "expect({n}).toBeUndefined()",
    "toBeDefined": "expect(undefined).toBeDefined()",
    "toBeTruthy": "expect('').toBeTruthy()",
    "toBeFalsy": "expect({n}).toBeFalsy()",
    "toContain": "expect([]).toContain({n})",
    "toHaveLength": "expect([]).toHaveLength(1)",
    "toBeGreaterThan": "expect(0).toBeGreaterThan(1)",
    "toBeLessThan": "expect(1).toBeLessThan(0)",
    "resolves.toBe": "await expect(Promise.resolve({n})).resolves.toBe(null)",
    "resolves.toEqual": "await expect(Promise.resolve({n})).resolves.toEqual(null)",
    "resolves.toBeUndefined": "await expect(Promise.resolve({n})).resolves.toBeUndefined()",
    "rejects.toEqual": "await expect(Promise.reject({n})).rejects.toEqual(null)",
    "rejects.toThrow": "await expect(Promise.reject(new Error({n}))).rejects.toThrow('never')",
}
MATCHER = re.compile(r"\.((?:resolves\.|rejects\.)?(?:not\.)?to[A-Z]\w*)\s*\(")


def _callee(call: tree_sitter.Node) -> tuple[str, str, tree_sitter.Node] | None:
    """(name, modifier, node) of a call's callee: ("xtest", "", identifier) for ``xtest(...)``,
    ("test", "skip", member) for ``test.skip(...)``; None for anything else."""
    function = call.child_by_field_name("function")
    if function is None:
        return None
    if function.type == "identifier":
        return function.text.decode("utf-8", "replace"), "", function
    target, prop = function.child_by_field_name("object"), function.child_by_field_name("property")
    if function.type == "member_expression" and target is not None and target.type == "identifier" and prop:
        return target.text.decode("utf-8", "replace"), prop.text.decode("utf-8", "replace"), function
    return None


def unlock(source: bytes) -> bytes:
    """The spec with every skipped or focused test and block made a plain one (line breaks kept)."""
    edits = []
    for node in walk(parser(tree_sitter_javascript.language).parse(source).root_node):
        callee = _callee(node) if node.type == "call_expression" else None
        if callee is None:
            continue
        name, modifier, function = callee
        if not modifier and name in RENAMED:
            edits.append((function.start_byte, function.end_byte, RENAMED[name]))
        elif modifier in MODIFIERS and RENAMED.get(name, name) in TESTS | BLOCKS:
            edits.append((function.start_byte, function.end_byte, RENAMED.get(name, name)))
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text.encode() + source[end:]
    return source


def _unescape(match: re.Match) -> str:
    braced, four, two, single = match.group(2), match.group(3), match.group(4), match.group(1)
    if braced or four or two:
        return chr(int(braced or four or two, 16))
    return "" if single == "\r\n" else ESCAPES.get(single, single)


def literal(node: tree_sitter.Node | None) -> str | None:
    """The value of a string literal, a template without substitutions, or a ``+`` of them; else None."""
    if node is None:
        return None
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        return literal(node.named_children[0])
    operator = node.child_by_field_name("operator")
    if node.type == "binary_expression" and operator is not None and operator.type == "+":
        left, right = literal(node.child_by_field_name("left")), literal(node.child_by_field_name("right"))
        return left + right if left is not None and right is not None else None
    if node.type not in ("string", "template_string"):
        return None
    parts = []
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(child.text.decode("utf-8", "replace"))
        elif child.type == "escape_sequence":
            parts.append(ESCAPE.sub(_unescape, child.text.decode("utf-8", "replace")))
        else:
            return None  # a template substitution
    return "".join(parts)


def test_names(source: bytes) -> list[str]:
    """jest's full name of every test/it call of a spec, skipped ones included."""
    names: list[str] = []

    def visit(node: tree_sitter.Node, titles: tuple[str, ...]) -> None:
        callee = _callee(node) if node.type == "call_expression" else None
        name = RENAMED.get(callee[0], callee[0]) if callee and (not callee[1] or callee[1] in MODIFIERS) else None
        if name in TESTS | BLOCKS:
            arguments = node.child_by_field_name("arguments")
            first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
            title = literal(first)
            if title is None:
                title = first.text.decode("utf-8", "replace") if first is not None else ""
            if name in TESTS:
                names.append(" ".join((*titles, title)))
                return
            titles = (*titles, title)
        for child in node.children:
            visit(child, titles)

    visit(parser(tree_sitter_javascript.language).parse(source).root_node, ())
    return names


def jest_outcomes(data: bytes) -> dict[str, str]:
    """Per-test outcomes in jest's JSON report, by full name; a report cut short is read test by test."""
    data = data[:MAX_REPORT_BYTES]
    try:
        report = json.loads(data)
        suites = report.get("testResults", []) if isinstance(report, dict) else []
        results = [r for s in suites if isinstance(s, dict) for r in s.get("assertionResults", []) or []]
    except (ValueError, RecursionError, TypeError):
        results = _salvage(data)
    outcomes: dict[str, str] = {}
    for result in results:
        if not isinstance(result, dict) or not isinstance(result.get("title"), str):
            continue
        titles = result.get("ancestorTitles")
        titles = [str(t) for t in titles] if isinstance(titles, list) else []
        merge(outcomes, " ".join((*titles, result["title"])), STATUS.get(str(result.get("status")), "error"))
    return outcomes


def _salvage(data: bytes) -> list[object]:
    """Each complete per-test result object of a damaged report."""
    text = data.decode("utf-8", "replace")
    decoder, found = json.JSONDecoder(), []
    for match in RESULT_START.finditer(text):
        try:
            found.append(decoder.raw_decode(text, match.start())[0])
        except (ValueError, RecursionError):
            continue
    return found


class JavaScript(Language):
    """jest with the harness's config and JSON report, from the image's read-only node_modules."""

    name: ClassVar[str] = "javascript"
    image: ClassVar[str] = "javascript"
    fence: ClassVar[str] = "javascript"
    memory_mb: ClassVar[int] = 2048
    pids: ClassVar[int] = 256
    reports: ClassVar[tuple[str, ...]] = (REPORT,)
    test_timeout_s: ClassVar[float] = 180.0

    def canaries(self, exercise: Exercise, canary: str) -> list[str]:
        """``canary`` (a plain throw) and one more per jest matcher the tests use, each failing
        through that matcher alone."""
        forms = self._forms(exercise)
        return [check_canary(canary), *(f"{canary}_{form.replace('.', '_').lower()}" for form in forms)]

    def _forms(self, exercise: Exercise) -> list[str]:
        used = {m for path in exercise.tests for m in MATCHER.findall(exercise.files[path].decode("utf-8", "replace"))}
        return [form for form in CHECKS if form in used]

    def prepare(self, exercise: Exercise, canary: str) -> dict[str, bytes]:
        """The spec files unlocked, the canaries appended to the first."""
        names = self.canaries(exercise, canary)
        checks = [BASE_CHECK, *(CHECKS[form] for form in self._forms(exercise))]
        tests = [
            CANARY.format(title=json.dumps(n), check=c.format(n=json.dumps(n)))
            for n, c in zip(names, checks, strict=True)
        ]
        prepared = {path: unlock(exercise.files[path]) for path in exercise.tests}
        first = exercise.tests[0]
        text = "\n// The harness canaries: tests that must fail." + "".join(tests)
        prepared[first] = prepared[first].rstrip(b"\n") + b"\n" + text.encode()
        return prepared

    def expected(self, exercise: Exercise) -> list[str]:
        """Every test of the spec files, by jest's full name."""
        return list(dict.fromkeys(n for path in exercise.tests for n in test_names(exercise.files[path])))

    def commands(self, exercise: Exercise) -> list[Command]:
        """One step: jest on the spec files."""
        argv = [
            "node",
            f"{NODE}/node_modules/jest/bin/jest.js",
            f"--config={NODE}/jest.config.js",
            "--rootDir=.",
            "--ci",
            "--runInBand",
            "--forceExit",
            "--json",
            f"--outputFile={REPORT}",
            "--cacheDirectory=/tmp/jest",
            "--runTestsByPath",
            *exercise.tests,
        ]
        return [Command("test", argv, {}, self.test_timeout_s)]

    def parse(self, reports: dict[str, bytes], outputs: list[str]) -> dict[str, str]:
        """Outcomes from jest's JSON report."""
        return jest_outcomes(reports.get(REPORT, b""))
