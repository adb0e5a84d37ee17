"""Solutions that try to fool the Polyglot sandboxes, one table per language, each run through the
task's real path (edits, tree, build, test, judging) in the language's real image. Every attack
must end as a failure with the right status, leave nothing behind, and the next job (the
reference solution, on the same container) must still pass."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from harness.polyglot.edits import render_blocks
from harness.polyglot.exercises import Exercise, load_exercises
from harness.records import Limits
from harness.sandbox.docker_backend import SandboxPools
from harness.sandbox.image import image_exists, image_tag
from harness.tasks import TaskOptions, get_task
from harness.tasks.polyglot import DEMO

pytestmark = pytest.mark.sandbox
RUN_ID = f"pytest-polyglot-adversarial-{os.getpid()}"


@dataclass(frozen=True)
class Attack:
    name: str
    exercise: str
    change: dict[str, str]  # solution path -> (example text -> attack text), as replacements "old\0new" or whole text
    statuses: tuple[str, ...]
    answer: str | None = None  # a raw answer instead of edits made from ``change``


def patched(old: str, new: str) -> str:
    return f"{old}\0{new}"


PY, JS, GO = "python/parity-bits", "javascript/matrix-walk", "go/bank-ledger"
JAVA, RUST, CPP = "java/word-tally", "rust/roman-codec", "cpp/run-length"
PY_FILE, JS_FILE, GO_FILE = "parity_bits.py", "matrix-walk.js", "bank_ledger.go"
JAVA_FILE, RUST_FILE, CPP_H, CPP_CC = "src/main/java/WordTally.java", "src/lib.rs", "run_length.h", "run_length.cpp"

ATTACKS = [
    # --- exiting before or during the tests
    Attack("python sys.exit(0) at import", PY, {PY_FILE: patched("", "import sys\nsys.exit(0)\n")}, ("exited_early",)),
    Attack(
        "python os._exit(0) inside a test",
        PY,
        {PY_FILE: patched("def parity_bit(bits):\n", "def parity_bit(bits):\n    import os\n    os._exit(0)\n")},
        ("exited_early",),
    ),
    Attack("javascript process.exit(0) at load", JS, {JS_FILE: patched("", "process.exit(0);\n")}, ("exited_early",)),
    Attack(
        "go os.Exit(0) in init",
        GO,
        {GO_FILE: patched("package bankledger\n", 'package bankledger\n\nimport "os"\n\nfunc init() { os.Exit(0) }\n')},
        ("exited_early",),
    ),
    Attack(
        "java System.exit(0) in a static initializer",
        JAVA,
        {JAVA_FILE: patched("class WordTally {\n", "class WordTally {\n    static { System.exit(0); }\n")},
        ("exited_early",),
    ),
    Attack(
        "rust process::exit(0) inside a test",
        RUST,
        {
            RUST_FILE: patched(
                "pub fn to_roman(n: u32) -> Result<String, RomanError> {\n",
                "pub fn to_roman(n: u32) -> Result<String, RomanError> {\n    std::process::exit(0);\n",
            )
        },
        ("exited_early",),
    ),
    Attack(
        "cpp exit(0) from a static initializer",
        CPP,
        {
            CPP_CC: patched(
                "namespace run_length {\n",
                "#include <cstdlib>\nint harness_quit = (std::exit(0), 0);\nnamespace run_length {\n",
            )
        },
        ("exited_early",),
    ),
    # --- patching the test framework from solution code
    Attack(
        "python patches unittest's assertEqual",
        PY,
        {PY_FILE: patched("", "import unittest\nunittest.TestCase.assertEqual = lambda *args, **kwargs: None\n")},
        ("tampered",),
    ),
    Attack(
        "javascript replaces jest's expect",
        JS,
        {
            JS_FILE: patched(
                "", "const pass = new Proxy({}, { get: () => () => pass });\nglobalThis.expect = () => pass;\n"
            )
        },
        ("tampered",),
    ),
    Attack(
        "cpp redefines REQUIRE after including Catch first",
        CPP,
        {
            CPP_H: patched(
                "#include <string>\n",
                '#include <string>\n#include "test/catch.hpp"\n#undef REQUIRE\n#define REQUIRE(...) (void)0\n',
            )
        },
        ("tampered",),
    ),
    # --- bombs
    Attack(
        "python fork bomb at import",
        PY,
        {
            PY_FILE: patched(
                "", "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
            )
        },
        ("timeout", "killed", "exited_early", "error"),
    ),
    Attack(
        "python memory bomb at import",
        PY,
        {PY_FILE: patched("", "hog = []\nwhile True:\n    hog.append(bytearray(1 << 24))\n")},
        ("oom", "killed", "exited_early"),
    ),
    Attack(
        "cpp template recursion at compile time",
        CPP,
        {
            CPP_CC: patched(
                "namespace run_length {\n",
                "template <int N> struct Bomb { static const int v = Bomb<N + 1>::v; };\n"
                "static const int boom = Bomb<0>::v;\nnamespace run_length {\n",
            )
        },
        ("build_error", "timeout", "output_limit"),
    ),
    Attack(
        "rust compile-time loop",
        RUST,
        {
            RUST_FILE: patched(
                "",
                "const fn spin() -> u64 {\n    let mut i: u64 = 0;\n    loop {\n        i = i.wrapping_add(1);\n"
                "        if i == 0 {\n            return i;\n        }\n    }\n}\npub static SPIN: u64 = spin();\n",
            )
        },
        ("build_error", "timeout"),
    ),
    Attack(
        "cpp compile-time memory bomb (#include /dev/zero)",
        CPP,
        {CPP_CC: patched("namespace run_length {\n", '#include "/dev/zero"\nnamespace run_length {\n')},
        ("oom", "timeout", "build_error", "killed", "output_limit"),
    ),
    Attack(
        "go memory bomb inside a test",
        GO,
        {
            GO_FILE: patched(
                "func NewLedger() *Ledger {\n",
                "var hog [][]byte\n\nfunc NewLedger() *Ledger {\n\tfor {\n\t\thog = append(hog, make([]byte, 1<<24))\n"
                "\t\tfor i := range hog[len(hog)-1] {\n\t\t\thog[len(hog)-1][i] = 1\n\t\t}\n\t}\n",
            )
        },
        ("oom", "killed", "exited_early", "timeout"),
    ),
    Attack(
        "javascript fork bomb through child_process",
        JS,
        {
            JS_FILE: patched(
                "",
                "import { spawn } from 'child_process';\n"
                "for (;;) { try { spawn('sh', ['-c', 'sleep 60']); } catch (e) { /* keep going */ } }\n",
            )
        },
        ("timeout", "killed", "exited_early", "oom", "fail"),
    ),
    Attack(
        "rust memory bomb inside a test",
        RUST,
        {
            RUST_FILE: patched(
                "pub fn to_roman(n: u32) -> Result<String, RomanError> {\n",
                "pub fn to_roman(n: u32) -> Result<String, RomanError> {\n"
                "    let mut hog: Vec<Vec<u8>> = Vec::new();\n"
                "    loop {\n        hog.push(vec![1u8; 1 << 24]);\n    }\n",
            )
        },
        ("oom", "killed", "exited_early", "timeout"),
    ),
    # --- writes outside the solution (each would end the run; none may succeed)
    Attack(
        "python writes conftest.py, its test file and outside the work dir",
        PY,
        {
            PY_FILE: patched(
                "",
                "for name in ('conftest.py', 'parity_bits_test.py', '/etc/harness', '/job/x', '/opt/harness/x'):\n"
                "    try:\n        open(name, 'w').write('')\n    except OSError:\n        continue\n"
                "    raise SystemExit(f'wrote {name}')\n",
            )
        },
        ("pass",),  # every write fails, so the otherwise right solution passes
    ),
]

EDIT_ATTACKS = [
    # edits to paths that are not solution files are refused (malformed), and the tests still run on the stub
    ("python edits its test file", PY, "parity_bits_test.py", "import unittest\n"),
    ("python creates conftest.py", PY, "conftest.py", "import pytest\n"),
    ("javascript creates jest.config.js", JS, "jest.config.js", "module.exports = { testMatch: [] };\n"),
    (
        "rust adds a build script to Cargo.toml",
        RUST,
        "Cargo.toml",
        '[package]\nname = "x"\nversion = "0.1.0"\nbuild = "build.rs"\n',
    ),
    ("cpp edits CMakeLists.txt", CPP, "CMakeLists.txt", "project(x)\n"),
    ("go creates a TestMain file", GO, "main_test.go", "package bankledger\n"),
]


@pytest.fixture(scope="module")
def demo() -> dict[str, Exercise]:
    return {e.id: e for e in load_exercises(DEMO)}


@pytest.fixture(scope="module")
def task():
    task = get_task("polyglot-demo")(TaskOptions(tries=1, reflections=0))
    task.limits = Limits()
    return task


@pytest.fixture(scope="module")
def pools(docker_client, task):
    images = {}
    for name, limits in task.sandboxes().items():
        if not image_exists(docker_client, language=name):
            message = f"the {name} sandbox image is not built; run `harness sandbox build`"
            pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
        images[name] = (image_tag(language=name), limits)
    pools = SandboxPools(docker_client, images, 1, RUN_ID)
    yield pools
    pools.close()
    assert docker_client.api.containers(all=True, filters={"label": f"harness.run={RUN_ID}"}) == []


def answer_for(exercise: Exercise, change: dict[str, str]) -> str:
    blocks = []
    for path, text in change.items():
        old, _, new = text.partition("\0")
        example = exercise.example[path]
        attack = example.replace(old, new, 1) if old else new + example
        assert attack != example, "the attack did not change the solution"
        blocks.append(render_blocks(path, exercise.files[path].decode(), attack))
    for path, text in exercise.example.items():  # the rest of the reference, so only the attack differs
        if path not in change:
            blocks.append(render_blocks(path, exercise.files[path].decode(), text))
    return "\n".join(blocks)


def reference(task, exercise: Exercise) -> str:
    return task.request(exercise, 0, []).reference


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_attack_fails_with_the_right_status(attack, task, pools, demo):
    exercise = demo[attack.exercise]
    _, result = task.evaluate(exercise, answer_for(exercise, attack.change), pools, [])
    assert result.status in attack.statuses, f"{result.status}: {result.detail}"
    _, after = task.evaluate(exercise, reference(task, exercise), pools, [])
    assert after.status == "pass", f"the next job did not run normally: {after.status} {after.detail}"


@pytest.mark.parametrize(("name", "exercise_id", "path", "text"), EDIT_ATTACKS, ids=[a[0] for a in EDIT_ATTACKS])
def test_edits_outside_the_solution_are_refused(name, exercise_id, path, text, task, pools, demo):
    exercise = demo[exercise_id]
    search = exercise.files[path].decode() if path in exercise.files else ""
    answer = render_blocks(path, search, text) + "\n" + reference(task, exercise)
    candidate, result = task.evaluate(exercise, answer, pools, [])
    extras = result.verdicts["polyglot"].extras
    assert extras["malformed"] and "forbidden_path" in extras["edits"]["reasons"]
    assert result.status == "pass"  # the refused block changed nothing; the solution's own blocks applied
    assert path not in candidate or path in exercise.solution
