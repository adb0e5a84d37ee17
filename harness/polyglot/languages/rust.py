"""Rust recipe: rustc/cargo 1.96 (bookworm-security's rustc-web), offline, Debian's crates.

Unlocking: ``cargo test -- --include-ignored`` runs the ``#[ignore]`` tests, as in Aider.
Features: only those the pristine Cargo.toml enables by default (``Rust.all_features`` off),
as in Aider: the feature-gated tests (doubly-linked-list ``advanced``, wordy ``exponentials``,
xorcism ``io``) are extras their instructions call optional or bonus, and the model cannot
edit Cargo.toml to turn them on. The references pass with every feature on too (``cargo test
--all-features``), so turning ``all_features`` on is all it takes to run those tests.

Canary: a ``#[test]`` function named after the canary that panics, appended (at the top level)
to the test file, so it is in that test binary and reported by its bare name.

Counting (expected): the ``#[test]`` functions of every ``tests/*.rs`` file (the integration
tests cargo finds), named as libtest prints them (``module::path::name``), without the items
a ``#[cfg(...)]`` leaves out with the features enabled (``feature = "x"``, ``not``, ``all``,
``any``; other predicates count as true). Doc tests and unit tests in ``src`` belong to the
candidate's code and are not counted (they still run and are reported). tree-sitter reads
the source, so comments and strings cannot fool the count.

Commands: the tree is copied to /tmp/<slug> and cargo runs there, so Cargo.lock, the build and
what the tests build themselves (macros' compile-fail tests run ``cargo build`` on
``tests/invalid`` into ``../../target``) have a writable place; /job stays as it was sent, and
no tree file needs to be writable (a 0666 Cargo.lock in the tree works for cargo itself, but
then macros' compile-fail tests fail to build for want of a writable target, and pass without
testing anything). CARGO_HOME is the image's read-only /opt/harness/cargo
(crates.io replaced by Debian's crate directory /usr/share/cargo/registry, ``net.offline``),
so nothing written by one job is read by the next; CARGO_TARGET_DIR is /tmp/target, and
CARGO_INCREMENTAL=0. Build: ``cargo test --no-run``. Test: ``cargo test --no-fail-fast --
--include-ignored`` (every test binary runs even after one fails: the canary's always does),
with stdout and stderr, in order, in /tmp/cargo-test.log, which parse() reads (libtest's
``test <name> ... ok|FAILED|ignored`` lines) and which is then printed for the model.
"""

from __future__ import annotations

import re
import tomllib
from typing import ClassVar

import tree_sitter
import tree_sitter_rust

from harness.polyglot.exercises import Exercise
from harness.polyglot.languages.base import Command, Language
from harness.polyglot.languages.common import check_canary, merge, parser

REPORT = "/tmp/cargo-test.log"
ENV = {
    "CARGO_HOME": "/opt/harness/cargo",
    "CARGO_TARGET_DIR": "/tmp/target",
    "CARGO_NET_OFFLINE": "true",
    "CARGO_INCREMENTAL": "0",
    "CARGO_TERM_COLOR": "never",
}
TEST_LINE = re.compile(r"^test (.+?)(?: - should panic)? \.\.\. (ok|FAILED|ignored)\b", re.M)
OUTCOME = {"ok": "pass", "FAILED": "fail", "ignored": "skip"}


def cfg_holds(predicate: str, features: frozenset[str]) -> bool:
    """Whether a ``cfg(...)`` predicate holds: ``feature = "x"`` by ``features``, ``test`` true,
    ``not``/``all``/``any`` as in rustc, anything else true (so its tests are counted)."""
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|\w+|[(),=]', predicate)
    position = 0

    def take() -> str:
        nonlocal position
        position += 1
        return tokens[position - 1] if position <= len(tokens) else ""

    def peek() -> str:
        return tokens[position] if position < len(tokens) else ""

    def one() -> bool:
        word = take()
        if word in ("not", "all", "any") and peek() == "(":
            take()
            values = []
            while peek() not in (")", ""):
                values.append(one())
                if peek() == ",":
                    take()
            take()
            if word == "not":
                return not (values[0] if values else True)
            return all(values) if word == "all" else any(values)
        if peek() == "=":
            take()
            value = take().strip('"')
            return value in features if word == "feature" else True
        return True

    return one()


def _attributes_keep(attributes: list[str], features: frozenset[str]) -> tuple[bool, bool]:
    """(whether the item is compiled, whether it is a #[test]) from its outer attributes."""
    compiled, is_test = True, False
    for attribute in attributes:
        body = attribute.strip()[2:-1].strip()  # "#[...]" -> "..."
        if body == "test":
            is_test = True
        elif body.startswith("cfg(") and body.endswith(")"):
            compiled = compiled and cfg_holds(body[4:-1], features)
    return compiled, is_test


def enabled_features(cargo_toml: bytes, every: bool) -> frozenset[str]:
    """The features a build of the crate turns on: every one in ``[features]``, or the ``default``
    ones and what they enable in turn."""
    try:
        table = tomllib.loads(cargo_toml.decode("utf-8", "replace")).get("features", {})
    except tomllib.TOMLDecodeError:
        return frozenset()
    if not isinstance(table, dict):
        return frozenset()
    if every:
        return frozenset(table)
    enabled: set[str] = set()
    pending = ["default"]
    while pending:
        feature = pending.pop()
        if feature in enabled or not isinstance(table.get(feature), list):
            continue
        enabled.add(feature)
        pending += [f for f in table[feature] if isinstance(f, str)]
    return frozenset(enabled)


def test_functions(source: bytes, features: frozenset[str] = frozenset()) -> list[str]:
    """``module::path::name`` of every ``#[test]`` function of a test crate's source that the
    crate compiles with ``features``."""
    names: list[str] = []

    def walk(node: tree_sitter.Node, path: tuple[str, ...]) -> None:
        attributes: list[str] = []
        for child in node.named_children:
            if child.type == "attribute_item":
                attributes.append(child.text.decode("utf-8", "replace"))
                continue
            if child.type in ("line_comment", "block_comment"):
                continue
            compiled, is_test = _attributes_keep(attributes, features)
            attributes = []
            name = child.child_by_field_name("name")
            if not compiled or name is None:
                continue
            text = name.text.decode("utf-8", "replace")
            body = child.child_by_field_name("body")
            if child.type == "mod_item" and body is not None:
                walk(body, (*path, text))
            elif child.type == "function_item" and is_test:
                names.append("::".join((*path, text)))

    walk(parser(tree_sitter_rust.language).parse(source).root_node, ())
    return names


def libtest_outcomes(text: str) -> dict[str, str]:
    """Per-test outcomes from libtest's ``test <name> ... <result>`` lines (of every test binary
    and the doc tests); of two outcomes for one name the worse stands."""
    outcomes: dict[str, str] = {}
    for name, result in TEST_LINE.findall(text):
        merge(outcomes, name, OUTCOME[result])
    return outcomes


class Rust(Language):
    """cargo test on a /tmp copy of the tree, offline, against Debian's crate sources."""

    name: ClassVar[str] = "rust"
    image: ClassVar[str] = "rust"
    fence: ClassVar[str] = "rust"
    memory_mb: ClassVar[int] = 2048
    pids: ClassVar[int] = 256
    reports: ClassVar[tuple[str, ...]] = (REPORT,)
    all_features: ClassVar[bool] = False  # cargo's --all-features for both steps and the count
    build_timeout_s: ClassVar[float] = 300.0
    test_timeout_s: ClassVar[float] = 120.0

    def prepare(self, exercise: Exercise, canary: str) -> dict[str, bytes]:
        """The test file with a failing canary test appended (``--include-ignored`` unlocks)."""
        name = check_canary(canary)
        test = exercise.tests[0]
        canary_test = (
            "\n// The harness canary: the one test that must fail.\n"
            f'#[test]\n#[allow(non_snake_case)]\nfn {name}() {{\n    panic!("{name}");\n}}\n'
        )
        return {test: exercise.files[test].rstrip(b"\n") + b"\n" + canary_test.encode()}

    def expected(self, exercise: Exercise) -> list[str]:
        """Every compiled #[test] function of the integration test files tests/*.rs."""
        features = enabled_features(exercise.files.get("Cargo.toml", b""), self.all_features)
        names: list[str] = []
        for path, data in sorted(exercise.files.items()):
            if re.fullmatch(r"tests/[^/]+\.rs", path):
                names += [name for name in test_functions(data, features) if name not in names]
        return names

    def commands(self, exercise: Exercise) -> list[Command]:
        """cargo test --no-run, then cargo test with every test unlocked, in a /tmp copy of the tree."""
        crate = f"/tmp/{exercise.slug}"
        cargo = "cargo test --offline --all-features" if self.all_features else "cargo test --offline"
        enter = f"{{ [ -d {crate} ] || {{ cp -R . {crate} && chmod -R u+w {crate}; }}; }} && cd {crate} || exit 1"
        build = f"{enter}; exec {cargo} --no-run"
        test = (
            f"{enter}; {cargo} --no-fail-fast -- --include-ignored > {REPORT} 2>&1; status=$?; "
            f"cat {REPORT}; exit $status"
        )
        return [
            Command("build", ["sh", "-c", build], dict(ENV), self.build_timeout_s),
            Command("test", ["sh", "-c", test], dict(ENV), self.test_timeout_s),
        ]

    def parse(self, reports: dict[str, bytes], outputs: list[str]) -> dict[str, str]:
        """Outcomes from the libtest lines in /tmp/cargo-test.log."""
        return libtest_outcomes(reports.get(REPORT, b"").decode("utf-8", "replace"))
