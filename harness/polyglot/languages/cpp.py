"""C++ recipe: g++ 12 and Catch2 v2 (Debian's 2.13.10), without CMake.

Unlocking: every test after the first is inside ``#if defined(EXERCISM_RUN_ALL_TESTS)``, so
the define is passed to the compiler (as Aider's ``cmake -DEXERCISM_RUN_ALL_TESTS=1`` does);
the test file itself is not edited for that. ``EXERCISM_TEST_SUITE`` is defined too, which makes
the tests include Debian's ``<catch2/catch.hpp>``, the header the image's precompiled Catch main
was built from, instead of the vendored 2.13.6 copy; ``EXERCISM_INCLUDE_BENCHMARK`` is not.

Canaries: a ``TEST_CASE`` named after the canary, failing with ``FAIL``, and one more for each
Catch assertion macro the tests use, failing through that macro alone, appended to the test file:
they are compiled in the same translation unit after everything the test file includes (the
solution header comes first) and run in the same binary, so a solution that includes Catch itself
and redefines ``REQUIRE`` turns its canary into a pass, which the verdict calls tampering.

Counting (expected): the names of the ``TEST_CASE``s of the test files in the branches of the
preprocessor conditionals that these defines select (comments ignored); Catch reports one
outcome per ``TEST_CASE``, sections and loops inside one count as that one.

Build: one ``g++`` call with the flags the exercise's CMakeLists.txt gives (C++ standard, its
COMPILE_FLAGS, ``-g`` for Debug or ``-O3 -DNDEBUG`` for Release) on the test file and the
solution's ``.cpp`` files, linked with the precompiled Catch main of that build type and the
libraries the CMakeLists finds (Threads: ``-pthread``, Boost date_time, TBB), to a binary under
/tmp. Test: that binary with Catch's console reporter (what the model reads); the main's
listener writes Catch's XML report to /tmp/catch.xml, which parse() reads.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from typing import ClassVar

from harness.polyglot.exercises import Exercise
from harness.polyglot.languages.base import Command, Language
from harness.polyglot.languages.common import check_canary, merge

REPORT = "/tmp/catch.xml"  # fixed in the image's Catch main (harness/sandbox/images/cpp/Dockerfile)
CATCH_MAIN = "/opt/harness/cpp/catch-main-{}.o"
DEFINES = ("EXERCISM_TEST_SUITE", "EXERCISM_RUN_ALL_TESTS")
BUILD_FLAGS = {"debug": ("-g",), "release": ("-O3", "-DNDEBUG")}  # CMake's defaults per build type
DEFAULT_COMPILE_FLAGS = ("-Wall", "-Wextra", "-Wpedantic", "-Werror")
LIBRARIES = (  # what a CMakeLists finds -> what g++ links
    (re.compile(r"find_package\s*\(\s*Threads\b"), "-pthread"),
    (re.compile(r"find_package\s*\(\s*Boost\b[^)]*\bdate_time\b"), "-lboost_date_time"),
    (re.compile(r"find_package\s*\(\s*TBB\b"), "-ltbb"),
)
TEST_CASE = re.compile(r'\bTEST_CASE\s*\(\s*((?:"(?:[^"\\\n]|\\.)*"\s*)+)')
STRING_PART = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
C_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}
# A failing use of each Catch assertion macro the benchmark's tests use; {name} is a std::string.
CANARY_MACROS = {
    "REQUIRE": "REQUIRE({name}.empty())",
    "CHECK": "CHECK({name}.empty())",
    "REQUIRE_FALSE": "REQUIRE_FALSE({name}.size() > 0)",
    "CHECK_FALSE": "CHECK_FALSE({name}.size() > 0)",
    "REQUIRE_THROWS_AS": "REQUIRE_THROWS_AS({name}.size(), std::domain_error)",
    "CHECK_THROWS_AS": "CHECK_THROWS_AS({name}.size(), std::domain_error)",
    "REQUIRE_NOTHROW": "REQUIRE_NOTHROW(throw std::domain_error({name}))",
    "CHECK_NOTHROW": "CHECK_NOTHROW(throw std::domain_error({name}))",
    "REQUIRE_THAT": 'REQUIRE_THAT({name}, Catch::Matchers::Equals(""))',
    "CHECK_THAT": 'CHECK_THAT({name}, Catch::Matchers::Equals(""))',
}
MACRO_USE = re.compile(r"\b((?:REQUIRE|CHECK)\w*)\s*\(")
MAX_REPORT_BYTES = 64 << 20


def condition(expression: str, atom: Callable[[str], bool]) -> bool:
    """Value of a boolean expression of ``!``, ``&&``, ``||``, parentheses and atoms (identifiers,
    numbers, ``go1.21``), each atom's truth given by ``atom``. Shared with Go's ``//go:build`` lines.
    Raises ValueError on anything else."""
    tokens = re.findall(r"\|\||&&|!|\(|\)|[\w.]+|\S", expression)
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        if position >= len(tokens):
            raise ValueError(f"unexpected end of {expression!r}")
        position += 1
        return tokens[position - 1]

    def either() -> bool:
        value = both()
        while peek() == "||":
            take()
            value = both() or value
        return value

    def both() -> bool:
        value = unary()
        while peek() == "&&":
            take()
            value = unary() and value
        return value

    def unary() -> bool:
        token = take()
        if token == "!":
            return not unary()
        if token == "(":
            value = either()
            if take() != ")":
                raise ValueError(f"unbalanced parentheses in {expression!r}")
            return value
        if re.fullmatch(r"[\w.]+", token):
            return atom(token)
        raise ValueError(f"unexpected {token!r} in {expression!r}")

    value = either()
    if peek() is not None:
        raise ValueError(f"trailing {peek()!r} in {expression!r}")
    return value


def blank_comments(source: str) -> str:
    """``source`` with every comment replaced by spaces (newlines kept), string and character
    literals left alone."""
    out = list(source)
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c in "\"'":
            i += 1
            while i < n and source[i] not in (c, "\n"):
                i += 2 if source[i] == "\\" else 1
            i += 1
        elif source.startswith("//", i):
            end = source.find("\n", i)
            end = n if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out[i:end] = [ch if ch == "\n" else " " for ch in source[i:end]]
            i = end
        else:
            i += 1
    return "".join(out)


def active_source(source: str, defined: frozenset[str]) -> str:
    """The lines of ``source`` that the preprocessor keeps with the macros in ``defined`` (each
    defined to 1, every other one undefined); the others become blank. Conditionals only: no
    includes, no macro expansion."""

    def truth(expression: str) -> bool:
        expression = re.sub(
            r"\bdefined\s*(?:\(\s*(\w+)\s*\)|(\w+))",
            lambda m: "1" if (m.group(1) or m.group(2)) in defined else "0",
            expression,
        )
        try:
            return condition(expression, lambda a: a in defined or (a.isdigit() and int(a) != 0))
        except ValueError:
            return True  # a condition we cannot read keeps its tests counted: they must then pass

    stack: list[tuple[bool, bool]] = []  # (enclosing branch active, some branch of this #if taken)
    active = True
    lines = []
    for line in blank_comments(source).split("\n"):
        directive = re.match(r"\s*#\s*(\w+)\s*(.*)", line)
        word, rest = (directive.group(1), directive.group(2).strip()) if directive else ("", "")
        if word in ("if", "ifdef", "ifndef"):
            taken = truth(rest) if word == "if" else (rest in defined) == (word == "ifdef")
            stack.append((active, taken))
            active = active and taken
        elif word == "elif" and stack:
            enclosing, taken = stack[-1]
            value = not taken and truth(rest)
            stack[-1] = (enclosing, taken or value)
            active = enclosing and value
        elif word == "else" and stack:
            enclosing, taken = stack[-1]
            stack[-1] = (enclosing, True)
            active = enclosing and not taken
        elif word == "endif" and stack:
            active = stack.pop()[0]
        lines.append(line if active and not directive else "")
    return "\n".join(lines)


def unescape(literal: str) -> str:
    """The text of the body of a C string literal (simple escapes only)."""
    return re.sub(r"\\(.)", lambda m: C_ESCAPES.get(m.group(1), m.group(1)), literal)


def test_case_names(source: str, defined: frozenset[str] = frozenset(DEFINES)) -> list[str]:
    """Names of the ``TEST_CASE``s that ``source`` compiles to with the macros in ``defined``."""
    names = []
    for match in TEST_CASE.finditer(active_source(source, defined)):
        names.append("".join(unescape(part) for part in STRING_PART.findall(match.group(1))))
    return names


def catch_xml_outcomes(data: bytes) -> dict[str, str]:
    """Per-test outcomes in a Catch XML report, as far as it can be read: a test case that began
    but did not end (the binary died in it) is an "error"."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return {}  # Catch writes neither: no entity tricks from a forged report
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    outcomes: dict[str, str] = {}
    current: str | None = None
    result: str | None = None
    depth = 0

    try:
        parser.feed(data[:MAX_REPORT_BYTES])
        for event, element in parser.read_events():
            if element.tag == "TestCase":
                if event == "start":
                    current, result, depth = element.get("name"), None, 0  # no name: not Catch's
                elif current is not None:
                    merge(outcomes, current, result or "error")
                    current = None
                    element.clear()
            elif current is not None:
                depth += 1 if event == "start" else -1
                if event == "end" and element.tag == "OverallResult" and depth == 0:
                    result = "pass" if element.get("success") == "true" else "fail"
    except ElementTree.ParseError:
        pass
    if current is not None:
        merge(outcomes, current, "error")
    return outcomes


class Cpp(Language):
    """g++ with the exercise's CMake flags, a precompiled Catch main, Catch's XML report."""

    name: ClassVar[str] = "cpp"
    image: ClassVar[str] = "cpp"
    fence: ClassVar[str] = "cpp"
    memory_mb: ClassVar[int] = 2048
    pids: ClassVar[int] = 256
    reports: ClassVar[tuple[str, ...]] = (REPORT,)
    build_timeout_s: ClassVar[float] = 180.0
    test_timeout_s: ClassVar[float] = 60.0

    def canaries(self, exercise: Exercise, canary: str) -> list[str]:
        """``canary`` (a ``FAIL``) and one more per Catch assertion macro the tests use, each failing
        through that macro alone: a macro redefined to do nothing lets its canary pass."""
        used = set(MACRO_USE.findall(b"\n".join(exercise.files[t] for t in exercise.tests).decode("utf-8", "replace")))
        return [check_canary(canary), *(f"{canary}_{macro.lower()}" for macro in CANARY_MACROS if macro in used)]

    def prepare(self, exercise: Exercise, canary: str) -> dict[str, bytes]:
        """The test file with the canary test cases appended (the define does the unlocking)."""
        name = check_canary(canary)
        test = exercise.tests[0]
        cases = [f'TEST_CASE("{name}") {{ FAIL("{name}"); }}']
        for case in self.canaries(exercise, canary)[1:]:
            macro = case[len(name) + 1 :].upper()
            # the failing expression names the canary, so every line Catch prints about it does
            body = CANARY_MACROS[macro].format(name=f'std::string("{case}")')
            cases.append(f'TEST_CASE("{case}") {{ {body}; }}')
        text = "\n// The harness canaries: tests that must fail.\n#include <stdexcept>\n#include <string>\n"
        text += "\n".join(cases) + "\n"
        return {test: exercise.files[test].rstrip(b"\n") + b"\n" + text.encode()}

    def expected(self, exercise: Exercise) -> list[str]:
        """Every TEST_CASE name of the test files that the defines compile in."""
        names: list[str] = []
        for path in exercise.tests:
            for name in test_case_names(exercise.files[path].decode("utf-8", "replace")):
                if name not in names:
                    names.append(name)
        return names

    def commands(self, exercise: Exercise) -> list[Command]:
        """g++ to /tmp/<slug>, then the binary."""
        cmake = exercise.files.get("CMakeLists.txt", b"").decode("utf-8", "replace")
        release = re.search(r"set\s*\(\s*CMAKE_BUILD_TYPE\s+Release\b", cmake) is not None
        build_type = "release" if release else "debug"
        standard = re.search(r"CXX_STANDARD\s+(\d+)", cmake)
        flags = re.search(r'COMPILE_FLAGS\s+"(-[^"]*)"', cmake)
        sources = [*exercise.tests, *(p for p in exercise.solution if p.endswith(".cpp"))]
        binary = f"/tmp/{exercise.slug}"
        argv = [
            "g++",
            f"-std=c++{standard.group(1) if standard else '17'}",
            *(flags.group(1).split() if flags else DEFAULT_COMPILE_FLAGS),
            *BUILD_FLAGS[build_type],
            *(f"-D{name}" for name in DEFINES),
            "-o",
            binary,
            *sources,
            CATCH_MAIN.format(build_type),
            *(library for pattern, library in LIBRARIES if pattern.search(cmake)),
        ]
        return [
            Command("build", argv, {}, self.build_timeout_s),
            Command("test", [binary], {}, self.test_timeout_s),
        ]

    def parse(self, reports: dict[str, bytes], outputs: list[str]) -> dict[str, str]:
        """Outcomes from the XML report the Catch main's listener wrote."""
        return catch_xml_outcomes(reports.get(REPORT, b""))
