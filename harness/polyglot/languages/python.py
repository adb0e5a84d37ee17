"""Python recipe: CPython 3.11 and Debian's pytest 7.2, isolated from the tree's configuration.

Unlocking: none. The benchmark's Python tests are stdlib ``unittest`` classes with no skip markers,
and a skip decorator, were one ever added, would be the test author's choice: it is left alone. A
test reported skipped (also one the solution skips by raising ``unittest.SkipTest``) is not a
pass, so the run fails.

Canaries: a ``unittest.TestCase`` class of its own, ``HarnessCanary``, appended to the first test
module (the one with the tests), so it is collected and run by the same pytest process as the
tests. Its tests must fail: the first, named after the canary, by ``self.fail``; one more per
unittest assertion the tests call (``assertEqual``, ``assertRaises``, ...), named
``<canary>_<assertion>``, through that assertion alone, so an assertion the solution patches to
pass lets its canary pass. Each names itself in its failure message, so nearly every line pytest
prints about it names a canary, and the model's feedback drops such lines. unittest runs only
methods whose names start with ``test``, so each method is ``test_<name>``; parse() reports the
tests of ``HarnessCanary`` without that prefix.

Counting (expected): the ``test*`` methods of the test modules' top-level classes (unittest's
``TestCase`` subclasses, and pytest's ``Test*`` classes) and their top-level ``test*`` functions, read
with ``ast``; a test is named by its method or function, as pytest's JUnit XML report names it (each
exercise has one test class). Inherited test methods are not counted (none occur).

Test: ``python3 -I -B -m pytest`` (no user site, no PYTHON* variables, the working directory not on
``sys.path`` but for pytest's own rootdir insertion, no bytecode written), with
PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 and ``-p no:cacheprovider`` (no installed plugin loads, no cache
written), ``--noconftest`` (no conftest.py is imported), ``-c`` the harness's pytest.ini (no ini file
of the tree is read), ``--rootdir=.``, the test files by path, and the JUnit XML report in
/tmp/pytest-report.xml, which parse() reads. Output keeps pytest's default verbosity and
tracebacks, as Aider's plain ``pytest`` shows them to the model.
"""

from __future__ import annotations

import ast
import re
from typing import ClassVar

from harness import pyast
from harness.polyglot.exercises import Exercise
from harness.polyglot.languages.base import Command, Language
from harness.polyglot.languages.common import check_canary, merge
from harness.polyglot.languages.java import junit_outcomes

REPORT = "/tmp/pytest-report.xml"
CONFIG = "/opt/harness/pytest.ini"  # harness/sandbox/images/python-polyglot/pytest.ini
CANARY_CLASS = "HarnessCanary"
CANARY_HEAD = """

class {cls}(__import__("unittest").TestCase):
    # The harness canaries: tests that must fail.
"""
CANARY = """
    def test_{name}(self):
        {check}
"""
BASE_CHECK = "self.fail({n})"
# unittest's assertions, each with a call of it alone that fails; {n} is the canary's name, quoted
CHECKS = {
    "assertEqual": "self.assertEqual({n}, None)",
    "assertNotEqual": "self.assertNotEqual({n}, {n})",
    "assertMultiLineEqual": "self.assertMultiLineEqual({n}, '')",
    "assertSetEqual": "self.assertSetEqual({{{n}}}, set())",
    "assertDictEqual": "self.assertDictEqual({{{n}: 1}}, {{}})",
    "assertListEqual": "self.assertListEqual([{n}], [])",
    "assertTupleEqual": "self.assertTupleEqual(({n},), ())",
    "assertSequenceEqual": "self.assertSequenceEqual([{n}], [])",
    "assertCountEqual": "self.assertCountEqual([{n}], [])",
    "assertTrue": "self.assertTrue('', {n})",
    "assertFalse": "self.assertFalse({n})",
    "assertIs": "self.assertIs({n}, None)",
    "assertIsNot": "self.assertIsNot({n}, {n})",
    "assertIsNone": "self.assertIsNone({n})",
    "assertIsNotNone": "self.assertIsNotNone(None, {n})",
    "assertIn": "self.assertIn({n}, [])",
    "assertNotIn": "self.assertNotIn({n}, [{n}])",
    "assertIsInstance": "self.assertIsInstance({n}, int)",
    "assertNotIsInstance": "self.assertNotIsInstance({n}, str)",
    "assertRegex": "self.assertRegex({n}, '^$')",
    "assertNotRegex": "self.assertNotRegex({n}, {n})",
    "assertLess": "self.assertLess({n}, {n})",
    "assertLessEqual": "self.assertLessEqual(1, 0, {n})",
    "assertGreater": "self.assertGreater({n}, {n})",
    "assertGreaterEqual": "self.assertGreaterEqual(0, 1, {n})",
    "assertAlmostEqual": "self.assertAlmostEqual(0, 1, msg={n})",
    "assertNotAlmostEqual": "self.assertNotAlmostEqual(0, 0, msg={n})",
    "assertRaises": "with self.assertRaises(ValueError, msg={n}): pass",
    "assertRaisesRegex": "with self.assertRaisesRegex(ValueError, '', msg={n}): pass",
    "assertWarns": "with self.assertWarns(UserWarning, msg={n}): pass",
}
ASSERTION = re.compile(r"\bself\.(assert\w+)\s*\(")


def _is_test_class(node: ast.ClassDef) -> bool:
    bases = [b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "") for b in node.bases]
    return node.name.startswith("Test") or any(base.endswith("TestCase") for base in bases)


def test_names(source: bytes) -> list[str]:
    """Names of the test methods and functions of a test module (none if it does not parse)."""
    try:
        module = pyast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return []
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    names = []
    for node in module.body:
        if isinstance(node, functions) and node.name.startswith("test"):
            names.append(node.name)
        elif isinstance(node, ast.ClassDef) and _is_test_class(node):
            names += [m.name for m in node.body if isinstance(m, functions) and m.name.startswith("test")]
    return names


class Python(Language):
    """pytest on the test files, isolated from the tree's configuration, with its JUnit XML report."""

    name: ClassVar[str] = "python"
    image: ClassVar[str] = "python-polyglot"
    fence: ClassVar[str] = "python"
    memory_mb: ClassVar[int] = 1024
    pids: ClassVar[int] = 128
    reports: ClassVar[tuple[str, ...]] = (REPORT,)
    test_timeout_s: ClassVar[float] = 120.0

    def canaries(self, exercise: Exercise, canary: str) -> list[str]:
        """``canary`` (a ``self.fail``) and one more per unittest assertion the tests use, each failing
        through that assertion alone."""
        return [check_canary(canary), *(f"{canary}_{form.lower()}" for form in self._forms(exercise))]

    def _forms(self, exercise: Exercise) -> list[str]:
        used = {
            m for path in exercise.tests for m in ASSERTION.findall(exercise.files[path].decode("utf-8", "replace"))
        }
        return [form for form in CHECKS if form in used]

    def prepare(self, exercise: Exercise, canary: str) -> dict[str, bytes]:
        """The first test module with tests, with the canary class appended (nothing is locked)."""
        names = self.canaries(exercise, canary)
        checks = [BASE_CHECK, *(CHECKS[form] for form in self._forms(exercise))]
        methods = [CANARY.format(name=n, check=c.format(n=f'"{n}"')) for n, c in zip(names, checks, strict=True)]
        module = next((p for p in exercise.tests if test_names(exercise.files[p])), exercise.tests[0])
        text = CANARY_HEAD.format(cls=CANARY_CLASS) + "".join(methods)
        return {module: exercise.files[module].rstrip(b"\n") + b"\n" + text.encode()}

    def expected(self, exercise: Exercise) -> list[str]:
        """Every test method and function of the test files, by name."""
        return list(dict.fromkeys(n for path in exercise.tests for n in test_names(exercise.files[path])))

    def commands(self, exercise: Exercise) -> list[Command]:
        """One step: pytest on the test files."""
        argv = [
            "python3",
            "-I",
            "-B",
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--noconftest",
            "-c",
            CONFIG,
            "--rootdir=.",
            f"--junitxml={REPORT}",
            *exercise.tests,
        ]
        return [Command("test", argv, {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}, self.test_timeout_s)]

    def parse(self, reports: dict[str, bytes], outputs: list[str]) -> dict[str, str]:
        """Outcomes from pytest's JUnit XML report, by test name."""
        outcomes: dict[str, str] = {}
        for classname, name, outcome in junit_outcomes(reports.get(REPORT, b"")):
            if classname.rsplit(".", 1)[-1] == CANARY_CLASS and name.startswith("test_"):
                name = name[len("test_") :]
            merge(outcomes, name, outcome)
        return outcomes
