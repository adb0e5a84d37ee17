"""Go recipe: Go 1.21 (bookworm-backports), ``go test -json``, offline.

Unlocking: Go tests have no skip markers. Build tags: none (``Go.tags``), as in Aider: the
``bonus`` tests of two-bucket, which its instructions call an optional extra, stay out, and
robot-simulator's three step files all build (their constraints hold with no ``step*`` tag).
The references pass with ``bonus`` too, so adding it to ``Go.tags`` is all it takes to run them.

Canary: a top-level test appended to the test file (with an import of "testing" of its own,
after the package clause), so it is in the same test binary and shares the file's build
constraint. The canary's name is not a Go test name (those must start
with ``Test``), so the function is ``Test_<canary>``; parse() reports every ``Test_<x>`` also
as ``<x>``.

Counting (expected): the top-level test functions (``func TestXxx(t *testing.T)``) of every
``*_test.go`` file of the package whose ``//go:build`` line holds for linux/amd64, Go 1.21,
``CGO_ENABLED=0`` and ``Go.tags`` (comments and strings cannot fool the count: tree-sitter reads
the source). Subtests are not counted: table-driven subtests exist only at run time, and a
failed subtest fails its top-level test, which is the unit reported. counter's test file has
no tests at all (its instructions ask for a test suite written in counter.go, which go test
never runs), so it counts none and any solution that builds passes it, as in Aider.

Commands: both steps first copy the image's read-only warm build cache of the standard
library to a fresh GOCACHE under /tmp (a shared writable cache could be poisoned by one
candidate for the next). Build: ``go test -c`` (compiles and links the test binary, runs
nothing). Test: ``go test -json -count=1 -vet=off`` with GOPROXY=off GOTOOLCHAIN=local
GOFLAGS=-mod=readonly (the tree's go.mod has no requirements; nothing may be resolved or
rewritten) GOWORK=off GOENV=off CGO_ENABLED=0; the JSON events go to /tmp/go-test.json,
which parse() reads, and their Output text (what ``go test -v`` prints) to stdout for the
model.
"""

from __future__ import annotations

import json
import re
from typing import ClassVar

import tree_sitter_go

from harness.polyglot.exercises import Exercise
from harness.polyglot.languages.base import Command, Language
from harness.polyglot.languages.common import check_canary, merge, parser
from harness.polyglot.languages.cpp import condition

REPORT = "/tmp/go-test.json"
WARM_CACHE = "/opt/harness/go/cache"  # baked into the image (harness/sandbox/images/go/Dockerfile)
GOCACHE = "/tmp/go-cache"
GO_MINOR = 21
PLATFORM_TAGS = frozenset({"linux", "amd64", "unix", "gc", *(f"go1.{minor}" for minor in range(1, GO_MINOR + 1))})
ENV = {
    "GOCACHE": GOCACHE,
    "GOPATH": "/tmp/go",
    "GOFLAGS": "-mod=readonly",
    "GOTOOLCHAIN": "local",
    "GOPROXY": "off",
    "GOSUMDB": "off",
    "GOWORK": "off",
    "GOENV": "off",
    "CGO_ENABLED": "0",
}
COPY_CACHE = f"[ -d {GOCACHE} ] || cp -R {WARM_CACHE} {GOCACHE} || exit 1"
# Prints the Output of each JSON event (what `go test -v` prints) and any line that is not JSON.
SHOW_OUTPUT = (
    "import json, sys\n"
    "for line in open(sys.argv[1], 'rb'):\n"
    "    try:\n"
    "        event = json.loads(line)\n"
    "    except (ValueError, RecursionError):\n"
    "        event = {'Action': 'output', 'Output': line.decode('utf-8', 'replace')}\n"
    "    if isinstance(event, dict) and event.get('Action') == 'output':\n"
    "        sys.stdout.write(str(event.get('Output', '')))\n"
)
TEST_NAME = re.compile(r"Test(?![a-z])\w*\Z")  # go test's rule: "Test" then no lowercase letter
TESTING_T = re.compile(r"\(\s*\w+\s+\*\s*testing\.T\s*\)\Z")
BUILD_LINE = re.compile(r"^//go:build\s+(.*)$", re.M)


def builds(source: str, tags: frozenset[str]) -> bool:
    """Whether a Go file's ``//go:build`` constraint (in the header before ``package``) holds."""
    header = re.split(r"^package\s", source, maxsplit=1, flags=re.M)[0]
    line = BUILD_LINE.search(header)
    if line is None:
        return True
    try:
        return condition(line.group(1), lambda tag: tag in tags)
    except ValueError:
        return True  # a constraint we cannot read keeps the file's tests counted: they must then pass


def test_functions(source: bytes) -> list[str]:
    """Names of the top-level ``func TestXxx(t *testing.T)`` of a Go source file."""
    names = []
    for node in parser(tree_sitter_go.language).parse(source).root_node.children:
        if node.type != "function_declaration":
            continue
        name, parameters = node.child_by_field_name("name"), node.child_by_field_name("parameters")
        if name is None or parameters is None:
            continue
        text = name.text.decode("utf-8", "replace")
        if TEST_NAME.match(text) and TESTING_T.match(parameters.text.decode("utf-8", "replace")):
            names.append(text)
    return names


def go_test_outcomes(data: bytes) -> dict[str, str]:
    """Outcomes of the top-level tests in ``go test -json`` output, as far as it can be read: a
    test that started but has no final event (the binary died or was killed) is an "error"."""
    outcomes: dict[str, str] = {}
    started: list[str] = []
    for line in data.splitlines():
        try:
            event = json.loads(line)
        except (ValueError, RecursionError):
            continue
        test = event.get("Test") if isinstance(event, dict) else None
        if not isinstance(test, str) or not test or "/" in test:
            continue
        if event.get("Action") == "run":
            started.append(test)
        elif event.get("Action") in ("pass", "fail", "skip"):
            merge(outcomes, test, event["Action"])
    for test in started:
        outcomes.setdefault(test, "error")
    for test, outcome in list(outcomes.items()):
        if test.startswith("Test_") and len(test) > len("Test_"):
            merge(outcomes, test[len("Test_") :], outcome)
    return outcomes


class Go(Language):
    """go test -json in the package directory, with a per-job copy of a warm build cache."""

    name: ClassVar[str] = "go"
    image: ClassVar[str] = "go"
    fence: ClassVar[str] = "go"
    memory_mb: ClassVar[int] = 1536
    pids: ClassVar[int] = 256
    reports: ClassVar[tuple[str, ...]] = (REPORT,)
    tags: ClassVar[tuple[str, ...]] = ()  # build tags of both steps and of the count
    build_timeout_s: ClassVar[float] = 120.0
    test_timeout_s: ClassVar[float] = 120.0

    def prepare(self, exercise: Exercise, canary: str) -> dict[str, bytes]:
        """The test file with the canary test appended (nothing is locked in Go tests)."""
        name = check_canary(canary)
        test = exercise.tests[0]
        source = exercise.files[test]
        top = parser(tree_sitter_go.language).parse(source).root_node.children
        package = next(
            (n for n in top if n.type == "package_clause"),
            None,
        )
        if package is None:
            raise ValueError(f"{exercise.id}: {test} has no package clause")
        # An import of its own: the test file may not import "testing" (counter's has no tests).
        head = source[: package.end_byte] + b'\n\nimport harnesstesting "testing"\n'
        canary_test = (
            "\n// The harness canary: the one test that must fail.\n"
            f'func Test_{name}(t *harnesstesting.T) {{\n\tt.Fatal("{name}")\n}}\n'
        )
        return {test: head + source[package.end_byte :].rstrip(b"\n") + b"\n" + canary_test.encode()}

    def expected(self, exercise: Exercise) -> list[str]:
        """Every top-level test function of the package's test files that build with ``tags``."""
        tags = PLATFORM_TAGS | set(self.tags)
        names: list[str] = []
        for path, data in sorted(exercise.files.items()):
            if "/" in path or not path.endswith("_test.go"):
                continue
            if builds(data.decode("utf-8", "replace"), tags):
                names += [name for name in test_functions(data) if name not in names]
        return names

    def commands(self, exercise: Exercise) -> list[Command]:
        """go test -c, then go test -json with its events kept in /tmp/go-test.json."""
        tags = [f"-tags={','.join(self.tags)}"] if self.tags else []
        flags = " ".join(["-count=1", "-vet=off", *tags])
        build = f"{COPY_CACHE}; exec go test {flags} -c -o /tmp/go-test.bin ."
        test = (
            f'{COPY_CACHE}; go test -json {flags} . > {REPORT}; status=$?; python3 -I -S -c "$0" {REPORT}; exit $status'
        )
        return [
            Command("build", ["sh", "-c", build], dict(ENV), self.build_timeout_s),
            Command("test", ["sh", "-c", test, SHOW_OUTPUT], dict(ENV), self.test_timeout_s),
        ]

    def parse(self, reports: dict[str, bytes], outputs: list[str]) -> dict[str, str]:
        """Outcomes from the JSON events in /tmp/go-test.json."""
        return go_test_outcomes(reports.get(REPORT, b""))
