"""Java recipe: OpenJDK 17, JUnit 5 (Debian's 5.9.2 console launcher), AssertJ 3.26 and org.json, no Gradle.

Unlocking: every ``@Disabled`` annotation on the test files' methods and classes is removed, with
or without arguments (Aider's regex needed the parentheses and left forth's bare one in place).
tree-sitter finds the annotations, so comments and strings are never touched, and each one is cut
out in place, keeping every line where it was (a stack trace names the pristine line numbers).
No other JUnit condition (``@DisabledIf``, ``@EnabledOnOs``, assumptions) occurs in the benchmark.

Canaries: test methods that must fail, added at the end of the first test class (no line of the
tests moves), so they run in the same class, launcher and JVM as the tests. The first, named after
the canary, fails an ``assertThat(...).isEqualTo``, the assertion the tests make most; one more per
AssertJ exception entry point the tests use (``assertThatExceptionOfType``, ``assertThatThrownBy``,
...), named ``<canary>_<entry point>``, fails through that entry point alone. The candidate cannot
replace JUnit's or AssertJ's classes (they come first on the class path), but it could reach
their internals by reflection: an assertion made to pass lets its canary pass. Each canary
rethrows its failure without a stack trace, so every line the launcher prints about it names it,
and the model's feedback, which drops such lines, keeps no trace of them.

Counting (expected): the methods of the test files annotated ``@Test`` (or ``@ParameterizedTest``,
``@RepeatedTest``, ``@TestFactory``, ``@TestTemplate``, none of which the benchmark uses), by method
name, as tree-sitter reads the source. A test is named by its method: every exercise has one test
class, and JUnit's XML report names a method ``name()``, which parse() cuts at the parenthesis; a
method run several times (parameters, repetitions) is one test whose worst outcome stands.

Build: ``javac`` of every ``.java`` file under ``src/`` (solution, editor helpers, tests, and classes the
candidate added beside the solution, which ``creatable`` allows: several references bring helper
classes of their own) into /tmp/classes, with only the framework jars on the class path and
annotation processing off. javac's JVM stops at the C1 compiler: on one CPU that halves its time
(1.8 s to 0.9 s for forth), where an AppCDS archive of javac's classes saved 0.3 s and nothing on
top of C1, so the image has none. The tests' JVM keeps C2 (C1 alone took alphametics from 8 s to 22 s).
Test: the JUnit console launcher on a class path with the framework jars first (a class the
candidate compiles cannot shadow JUnit's or AssertJ's), only the Jupiter engine, the test classes
selected by name, ``--details=tree`` (every test with its outcome, then each failure with its
message and stack trace: what the model reads on its second try, where Gradle would have printed
its own summary) and the legacy XML report in /tmp/junit, which parse() reads.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from typing import ClassVar

import tree_sitter
import tree_sitter_java

from harness.polyglot.exercises import Exercise
from harness.polyglot.languages.base import Command, Language
from harness.polyglot.languages.common import check_canary, merge, parser, walk

LIB = "/opt/harness/java"  # the jars, as harness/sandbox/images/java/Dockerfile lays them out
JARS = (f"{LIB}/junit-platform-console-standalone.jar", f"{LIB}/assertj-core.jar", f"{LIB}/json-latest.jar")
CLASSES = "/tmp/classes"
REPORTS_DIR = "/tmp/junit"
REPORT = f"{REPORTS_DIR}/TEST-junit-jupiter.xml"
TEST_ANNOTATIONS = frozenset({"Test", "ParameterizedTest", "RepeatedTest", "TestFactory", "TestTemplate"})
ANNOTATIONS = ("annotation", "marker_annotation")
NEW_CLASS = re.compile(r"src/main/java/[A-Za-z_$][A-Za-z0-9_$]*\.java")
MAX_REPORT_BYTES = 64 << 20
JUNIT_OUTCOMES = (("error", "error"), ("failure", "fail"), ("skipped", "skip"))  # child element -> outcome
# A canary test method (see the module docstring): ``check`` must throw an AssertionError.
CANARY = """
    @org.junit.jupiter.api.Test
    void {name}() {{
        try {{
            {check};
        }} catch (AssertionError failed) {{
            AssertionError canary = new AssertionError("{name}");
            canary.setStackTrace(new StackTraceElement[0]);
            throw canary;
        }}
    }}
"""
ASSERTJ = "org.assertj.core.api.Assertions."
BASE_CHECK = ASSERTJ + 'assertThat("{name}").isEqualTo("{name} must fail")'
# AssertJ's entry points for exceptions, each with a check through it alone that fails
EXCEPTION_CHECKS = {
    "assertThatExceptionOfType": ASSERTJ
    + "assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> {{}})",
    "assertThatThrownBy": ASSERTJ + "assertThatThrownBy(() -> {{}}).isInstanceOf(IllegalStateException.class)",
    "assertThatIllegalArgumentException": ASSERTJ + "assertThatIllegalArgumentException().isThrownBy(() -> {{}})",
    "assertThatIllegalStateException": ASSERTJ + "assertThatIllegalStateException().isThrownBy(() -> {{}})",
    "assertThatNullPointerException": ASSERTJ + "assertThatNullPointerException().isThrownBy(() -> {{}})",
    "assertThatCode": ASSERTJ
    + 'assertThatCode(() -> {{ throw new IllegalStateException("{name}"); }}).doesNotThrowAnyException()',
}
ENTRY_POINT = re.compile(r"\b(assertThat\w+)\s*\(")


def _text(node: tree_sitter.Node) -> str:
    return node.text.decode("utf-8", "replace")


def _annotation_name(node: tree_sitter.Node) -> str:
    """The simple name of an annotation node: ``Test`` for ``@org.junit.jupiter.api.Test``."""
    name = node.child_by_field_name("name")
    return _text(name).rsplit(".", 1)[-1] if name is not None else ""


def _annotations(declaration: tree_sitter.Node) -> list[tree_sitter.Node]:
    modifiers = next((c for c in declaration.children if c.type == "modifiers"), None)
    return [c for c in modifiers.children if c.type in ANNOTATIONS] if modifiers is not None else []


def unlock(source: bytes) -> bytes:
    """The source with every ``@Disabled`` annotation cut out (line breaks kept)."""
    spans = [
        (node.start_byte, node.end_byte)
        for node in walk(parser(tree_sitter_java.language).parse(source).root_node)
        if node.type in ANNOTATIONS and _annotation_name(node) == "Disabled"
    ]
    for start, end in sorted(spans, reverse=True):
        source = source[:start] + source[end:]
    return source


def _is_test(node: tree_sitter.Node) -> bool:
    if node.type != "method_declaration" or node.child_by_field_name("name") is None:
        return False
    return any(_annotation_name(a) in TEST_ANNOTATIONS for a in _annotations(node))


def _test_class_body(source: bytes) -> tree_sitter.Node | None:
    """The body of the first top-level class with a test method in it."""
    for top in parser(tree_sitter_java.language).parse(source).root_node.children:
        body = top.child_by_field_name("body")
        if top.type == "class_declaration" and body is not None and any(_is_test(n) for n in walk(top)):
            return body
    return None


def test_methods(source: bytes) -> list[tuple[str, str]]:
    """(top-level class, method) of every test method in a Java source file; the class is qualified
    with the file's package, if it has one."""
    root = parser(tree_sitter_java.language).parse(source).root_node
    package = next((c for c in root.children if c.type == "package_declaration"), None)
    name = next((c for c in package.children if c.type.endswith("identifier")), None) if package else None
    prefix = f"{_text(name)}." if name is not None else ""
    found = []
    for top in root.children:
        title = top.child_by_field_name("name")
        if top.type == "class_declaration" and title is not None:
            found += [(prefix + _text(title), _text(n.child_by_field_name("name"))) for n in walk(top) if _is_test(n)]
    return found


def junit_outcomes(data: bytes) -> list[tuple[str, str, str]]:
    """(classname, name, outcome) of every complete ``<testcase>`` of a JUnit-style XML report, as
    far as it can be read: a failure is "fail", an error "error", a skip "skip", else "pass"."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return []  # no test framework writes these: no entity tricks from a forged report
    parser = ElementTree.XMLPullParser(events=("end",))
    cases = []
    try:
        parser.feed(data[:MAX_REPORT_BYTES])
        for _, element in parser.read_events():
            if element.tag != "testcase":
                continue
            name, tags = element.get("name"), {child.tag for child in element}
            if name is not None:
                outcome = next((o for tag, o in JUNIT_OUTCOMES if tag in tags), "pass")
                cases.append((element.get("classname") or "", name, outcome))
            element.clear()
    except ElementTree.ParseError:
        pass
    return cases


class Java(Language):
    """javac into /tmp/classes, then the JUnit console launcher with its XML report."""

    name: ClassVar[str] = "java"
    image: ClassVar[str] = "java"
    fence: ClassVar[str] = "java"
    memory_mb: ClassVar[int] = 2048
    pids: ClassVar[int] = 256
    reports: ClassVar[tuple[str, ...]] = (REPORT,)
    build_timeout_s: ClassVar[float] = 120.0
    test_timeout_s: ClassVar[float] = 120.0

    def creatable(self, exercise: Exercise, path: str) -> bool:
        """A new class beside the solution, ``src/main/java/<Name>.java``, as Gradle would compile it
        (several references bring helper classes of their own)."""
        return NEW_CLASS.fullmatch(path) is not None and path not in exercise.files

    def canaries(self, exercise: Exercise, canary: str) -> list[str]:
        """``canary`` (an ``assertThat(...).isEqualTo``) and one more per AssertJ exception entry point
        the tests use (``assertThatExceptionOfType`` ...), each failing through that one alone."""
        return [check_canary(canary), *(f"{canary}_{form.lower()}" for form in self._forms(exercise))]

    def _forms(self, exercise: Exercise) -> list[str]:
        used = {
            m for path in exercise.tests for m in ENTRY_POINT.findall(exercise.files[path].decode("utf-8", "replace"))
        }
        return [form for form in EXCEPTION_CHECKS if form in used]

    def prepare(self, exercise: Exercise, canary: str) -> dict[str, bytes]:
        """The test files unlocked, the canary test method added to the first test class."""
        name = check_canary(canary)
        prepared = {path: unlock(exercise.files[path]) for path in exercise.tests}
        for path, source in prepared.items():
            body = _test_class_body(source)
            if body is not None:
                at = body.end_byte - 1  # before the closing brace: no line of the tests moves
                checks = [BASE_CHECK, *(EXCEPTION_CHECKS[form] for form in self._forms(exercise))]
                methods = [
                    CANARY.format(name=test, check=check.format(name=test))
                    for test, check in zip(self.canaries(exercise, name), checks, strict=True)
                ]
                text = "\n    // The harness canaries: tests that must fail.\n" + "".join(methods)
                prepared[path] = source[:at] + text.encode() + source[at:]
                return prepared
        raise ValueError(f"{exercise.id}: no test class to add the canary to")

    def expected(self, exercise: Exercise) -> list[str]:
        """Every test method of the test files, by name."""
        return list(dict.fromkeys(m for path in exercise.tests for _, m in test_methods(exercise.files[path])))

    def commands(self, exercise: Exercise) -> list[Command]:
        """javac, then the console launcher on the test classes."""
        classes = dict.fromkeys(c for path in exercise.tests for c, _ in test_methods(exercise.files[path]))
        # The sources are found at run time: the candidate may have added classes (see creatable).
        javac = (
            'exec javac -J-XX:TieredStopAtLevel=1 -encoding UTF-8 -proc:none -nowarn -d "$0" -cp "$1" '
            '$(find src -type f -name "*.java" | sort)'
        )
        build = ["sh", "-c", javac, CLASSES, ":".join(JARS)]
        test = [
            "java",
            "-XX:+UseSerialGC",
            "-cp",
            ":".join((*JARS, CLASSES)),
            "org.junit.platform.console.ConsoleLauncher",
            "--disable-banner",
            "--disable-ansi-colors",
            "--details=tree",
            "--include-engine=junit-jupiter",
            "--fail-if-no-tests",
            f"--reports-dir={REPORTS_DIR}",
            *(f"--select-class={c}" for c in classes),
        ]
        return [
            Command("build", build, {}, self.build_timeout_s),
            Command("test", test, {}, self.test_timeout_s),
        ]

    def parse(self, reports: dict[str, bytes], outputs: list[str]) -> dict[str, str]:
        """Outcomes from the launcher's XML report, by method name."""
        outcomes: dict[str, str] = {}
        for _, name, outcome in junit_outcomes(reports.get(REPORT, b"")):
            merge(outcomes, name.split("(", 1)[0], outcome)
        return outcomes
