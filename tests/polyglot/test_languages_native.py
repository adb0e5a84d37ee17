"""The C++, Go and Rust recipes without Docker: what prepare() writes, what expected() counts,
the commands, and parse() on report samples (truncated and garbage ones included). The
sources here are small ones of our own."""

from __future__ import annotations

import json

import pytest
from exercise_builder import CANARY, exercise
from exercise_builder import GARBAGE as COMMON_GARBAGE

from harness.polyglot.exercises import Exercise
from harness.polyglot.languages.cpp import Cpp, active_source, condition
from harness.polyglot.languages.go import Go, builds
from harness.polyglot.languages.rust import Rust, cfg_holds, enabled_features

GARBAGE = COMMON_GARBAGE + [
    b"<Catch><Group>" + b"<TestCase>" * 100_000,
]


# --------------------------------------------------------------------------- C++

CPP_TEST = r"""#include "demo.h"
#ifdef EXERCISM_TEST_SUITE
#include <catch2/catch.hpp>
#else
#include "test/catch.hpp"
#endif

TEST_CASE("first") { REQUIRE(demo::twice(1) == 2); }
// TEST_CASE("commented out")
/* TEST_CASE("block comment") */
#if defined(EXERCISM_RUN_ALL_TESTS)
TEST_CASE(
    "second \"quoted\" -> arrow", "[tag]") {
    const char* text = "TEST_CASE(\"inside a string\")";
    REQUIRE(text);
}
#if defined(EXERCISM_INCLUDE_BENCHMARK)
TEST_CASE("benchmark") {}
#else
TEST_CASE("no benchmark") {}
#endif
#endif  // EXERCISM_RUN_ALL_TESTS
"""

CMAKE_RELEASE_TBB = """project(demo CXX)
set_target_properties(${exercise} PROPERTIES CXX_STANDARD 17)
set(CMAKE_BUILD_TYPE Release)
find_package(TBB)
find_package(Threads REQUIRED)
set_target_properties(${exercise} PROPERTIES COMPILE_FLAGS "-Wall -Werror")
"""


def cpp_exercise(cmake: str = "set(CMAKE_BUILD_TYPE Debug)\n") -> Exercise:
    files = {"demo_test.cpp": CPP_TEST, "demo.cpp": "", "demo.h": "", "CMakeLists.txt": cmake}
    return exercise("cpp", files, ("demo_test.cpp",), ("demo.cpp", "demo.h"))


def test_cpp_counts_the_test_cases_the_defines_compile_in():
    assert Cpp().expected(cpp_exercise()) == ["first", 'second "quoted" -> arrow', "no benchmark"]


def test_cpp_prepare_appends_a_failing_canary_case_and_keeps_the_tests():
    ex = cpp_exercise()
    prepared = Cpp().prepare(ex, CANARY)
    assert list(prepared) == ["demo_test.cpp"]
    text = prepared["demo_test.cpp"].decode()
    assert text.startswith(CPP_TEST.rstrip("\n"))
    assert f'TEST_CASE("{CANARY}") {{ FAIL("{CANARY}"); }}' in text
    assert CANARY in active_source(text, frozenset({"EXERCISM_RUN_ALL_TESTS"}))  # outside every #if


def test_canary_names_must_be_identifiers():
    for recipe, ex in ((Cpp(), cpp_exercise()), (Go(), go_exercise()), (Rust(), rust_exercise())):
        with pytest.raises(ValueError):
            recipe.prepare(ex, 'x"); system("boom')


def test_cpp_build_follows_the_cmake_variant():
    debug = Cpp().commands(cpp_exercise())
    assert [c.name for c in debug] == ["build", "test"]
    argv = debug[0].argv
    assert argv[:2] == ["g++", "-std=c++17"] and "-g" in argv and "-DEXERCISM_RUN_ALL_TESTS" in argv
    assert "-Wpedantic" in argv and "-DEXERCISM_TEST_SUITE" in argv
    assert argv[argv.index("-o") + 1] == "/tmp/demo" and argv[-3:] == [
        "demo_test.cpp",
        "demo.cpp",
        "/opt/harness/cpp/catch-main-debug.o",
    ]
    assert debug[1].argv == ["/tmp/demo"]
    release = Cpp().commands(cpp_exercise(CMAKE_RELEASE_TBB))[0].argv
    assert "-O3" in release and "-DNDEBUG" in release and "-g" not in release
    assert "/opt/harness/cpp/catch-main-release.o" in release and "-ltbb" in release and "-pthread" in release
    assert "-Wall" in release and "-Wextra" not in release  # the CMakeLists' own flags


CATCH_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<Catch name="demo">
  <Group name="demo">
    <TestCase name="first" filename="demo_test.cpp" line="8">
      <OverallResult success="true"/>
    </TestCase>
    <TestCase name="second &quot;quoted&quot; -&gt; arrow" filename="demo_test.cpp" line="12">
      <Section name="part" filename="demo_test.cpp" line="13">
        <OverallResults successes="0" failures="1" expectedFailures="0"/>
      </Section>
      <Expression success="false" type="REQUIRE" filename="demo_test.cpp" line="14">
        <Original>x</Original><Expanded>false</Expanded>
      </Expression>
      <OverallResult success="false"/>
    </TestCase>
    <TestCase name="harness_canary_00ff00ff00ff" filename="demo_test.cpp" line="30">
      <Failure filename="demo_test.cpp" line="30">harness_canary_00ff00ff00ff</Failure>
      <OverallResult success="false"/>
    </TestCase>
    <TestCase name="no benchmark" filename="demo_test.cpp" line="20">
      <FatalErrorCondition filename="demo_test.cpp" line="20">SIGSEGV</FatalErrorCondition>
"""


def test_cpp_parse_reads_the_catch_xml_report():
    outcomes = Cpp().parse({"/tmp/catch.xml": CATCH_XML + b"  </Group>\n</Catch>\n"}, [])
    assert outcomes == {"first": "pass", 'second "quoted" -> arrow': "fail", CANARY: "fail", "no benchmark": "error"}


def test_cpp_parse_survives_truncation_and_garbage():
    truncated = Cpp().parse({"/tmp/catch.xml": CATCH_XML}, [])
    assert truncated["first"] == "pass" and truncated["no benchmark"] == "error"  # began, never ended
    for cut in range(0, len(CATCH_XML), 37):
        Cpp().parse({"/tmp/catch.xml": CATCH_XML[:cut]}, [])
    for data in GARBAGE:
        assert Cpp().parse({"/tmp/catch.xml": data}, ["whatever"]) == {}
    entity = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><Catch><TestCase name="&a;"><OverallResult success="true"/></TestCase>'
    assert Cpp().parse({"/tmp/catch.xml": entity}, []) == {}
    assert Cpp().parse({}, []) == {}


def test_preprocessor_conditions():
    assert condition("1 && !(0 || x)", lambda a: a == "1")
    assert not condition("defined_elsewhere", lambda a: False)
    with pytest.raises(ValueError):
        condition("a &&", lambda a: True)
    text = "#if 0\nA\n#elif defined X\nB\n#else\nC\n#endif\n#ifndef X\nD\n#endif\n"
    assert active_source(text, frozenset({"X"})).split() == ["B"]
    assert active_source(text, frozenset()).split() == ["C", "D"]


# --------------------------------------------------------------------------- Go

GO_TEST = """package demo

import "testing"

func TestTwice(t *testing.T) {
	for _, c := range []int{1, 2} {
		t.Run("case", func(t *testing.T) {})
	}
	_ = `
func TestInsideARawString(t *testing.T) {}
`
}

// func TestCommented(t *testing.T) {}

func TestHalf(t *testing.T) {}
func Testlowercase(t *testing.T) {}
func TestHelper(x int) {}
func BenchmarkTwice(b *testing.B) {}
"""

GO_BONUS = """//go:build bonus
// +build bonus

package demo

import "testing"

func TestBonus(t *testing.T) {}
"""

GO_STEP = """//go:build step2 || (!step1 && !step3)

package demo

import "testing"

func TestStep2(t *testing.T) {}
"""


def go_exercise() -> Exercise:
    files = {
        "demo_test.go": GO_TEST,
        "bonus_test.go": GO_BONUS,
        "step2_test.go": GO_STEP,
        "demo.go": "package demo\n",
        "go.mod": "module demo\n\ngo 1.18\n",
        "sub/other_test.go": 'package sub\n\nimport "testing"\n\nfunc TestSub(t *testing.T) {}\n',
    }
    return exercise("go", files, ("demo_test.go",), ("demo.go",))


def test_go_counts_top_level_tests_of_the_files_that_build():
    assert Go().expected(go_exercise()) == ["TestTwice", "TestHalf", "TestStep2"]
    assert not builds(GO_BONUS, frozenset({"linux"})) and builds(GO_BONUS, frozenset({"bonus"}))


def test_go_prepare_appends_a_failing_canary_test():
    prepared = Go().prepare(go_exercise(), CANARY)
    text = prepared["demo_test.go"].decode()
    head, rest = GO_TEST.split("\n", 1)
    assert text.startswith(f'{head}\n\nimport harnesstesting "testing"\n\n{rest.rstrip()}')
    assert text.endswith(f'func Test_{CANARY}(t *harnesstesting.T) {{\n\tt.Fatal("{CANARY}")\n}}\n')
    with pytest.raises(ValueError, match="no package clause"):
        Go().prepare(exercise("go", {"x_test.go": "// nothing\n"}, ("x_test.go",), ()), CANARY)


def test_go_commands_copy_the_warm_cache_and_keep_the_json_report():
    build, test = Go().commands(go_exercise())
    assert build.argv[:2] == ["sh", "-c"] and "cp -R /opt/harness/go/cache /tmp/go-cache" in build.argv[2]
    assert "go test -count=1 -vet=off -c" in build.argv[2]
    assert "go test -json -count=1 -vet=off . > /tmp/go-test.json" in test.argv[2]
    for command in (build, test):
        assert command.env["GOCACHE"] == "/tmp/go-cache" and command.env["GOPROXY"] == "off"
        assert command.env["GOTOOLCHAIN"] == "local" and command.env["CGO_ENABLED"] == "0"
        assert command.env["GOFLAGS"] == "-mod=readonly"
    compile(test.argv[3], "show-output", "exec")  # the output printer is valid Python


def go_events(*events: dict) -> bytes:
    return b"".join(json.dumps(e).encode() + b"\n" for e in events)


GO_JSON = go_events(
    {"Action": "start", "Package": "demo"},
    {"Action": "run", "Package": "demo", "Test": "TestTwice"},
    {"Action": "output", "Package": "demo", "Test": "TestTwice", "Output": "--- PASS: TestTwice\n"},
    {"Action": "run", "Package": "demo", "Test": "TestTwice/case"},
    {"Action": "fail", "Package": "demo", "Test": "TestTwice/case"},
    {"Action": "pass", "Package": "demo", "Test": "TestTwice"},
    {"Action": "run", "Package": "demo", "Test": "TestHalf"},
    {"Action": "fail", "Package": "demo", "Test": "TestHalf"},
    {"Action": "run", "Package": "demo", "Test": f"Test_{CANARY}"},
    {"Action": "fail", "Package": "demo", "Test": f"Test_{CANARY}"},
    {"Action": "run", "Package": "demo", "Test": "TestStep2"},
)


def test_go_parse_reads_top_level_outcomes_and_the_canary_alias():
    outcomes = Go().parse({"/tmp/go-test.json": GO_JSON + b"panic: boom\n"}, [])
    assert outcomes == {
        "TestTwice": "pass",
        "TestHalf": "fail",
        f"Test_{CANARY}": "fail",
        CANARY: "fail",
        "TestStep2": "error",  # started, never finished
    }


def test_go_parse_survives_truncation_and_garbage():
    for cut in range(0, len(GO_JSON), 29):
        Go().parse({"/tmp/go-test.json": GO_JSON[:cut]}, [])
    for data in GARBAGE:
        assert Go().parse({"/tmp/go-test.json": data}, []) == {}
    odd = go_events({"Test": 5, "Action": "pass"}, {"Test": "TestX", "Action": None}, {"Test": "TestY"})
    assert Go().parse({"/tmp/go-test.json": odd + b'"str"\n[]\n'}, []) == {}


# --------------------------------------------------------------------------- Rust

RUST_TEST = """use demo::*;

#[test]
fn twice_one() {
    assert_eq!(twice(1), 2);
}

#[test]
#[ignore]
fn twice_two() {
    let s = "}} #[test] fn fake() {}";
    assert!(!s.is_empty());
}

// #[test]
// fn commented() {}

fn helper() {}

mod nested {
    use super::*;

    #[test]
    #[ignore]
    #[should_panic]
    fn panics() {
        helper();
    }

    #[cfg(feature = "extra")]
    mod extra {
        #[test]
        fn gated_module() {}
    }

    #[test]
    #[cfg(not(feature = "extra"))]
    fn without_extra() {}
}

#[cfg(feature = "extra")]
#[test]
fn gated() {}
"""


def rust_exercise() -> Exercise:
    files = {
        "tests/demo.rs": RUST_TEST,
        "tests/more.rs": "#[test]\nfn more() {}\n#[test]\nfn twice_one() {}\n",
        "tests/invalid/broken.rs": "#[test]\nfn not_a_test_target() {}\n",
        "src/lib.rs": "#[test]\nfn unit() {}\n",
        "Cargo.toml": '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n\n[features]\nextra = []\n',
    }
    return exercise("rust", files, ("tests/demo.rs",), ("src/lib.rs",))


def test_rust_counts_test_functions_with_module_paths_and_default_features():
    assert Rust().expected(rust_exercise()) == [
        "twice_one",
        "twice_two",
        "nested::panics",
        "nested::without_extra",
        "more",
    ]


def test_rust_all_features_runs_and_counts_the_gated_tests():
    class AllFeatures(Rust):
        all_features = True

    names = AllFeatures().expected(rust_exercise())
    assert "nested::extra::gated_module" in names and "gated" in names and "nested::without_extra" not in names
    assert all("cargo test --offline --all-features" in c.argv[2] for c in AllFeatures().commands(rust_exercise()))


def test_rust_default_features_follow_cargo_toml():
    toml = b'[features]\ndefault = ["a"]\na = ["b", "dep:x", "other/c"]\nb = []\nc = []\n'
    assert enabled_features(toml, every=False) == {"default", "a", "b"}
    assert enabled_features(toml, every=True) == {"default", "a", "b", "c"}
    assert enabled_features(b"[package]\n", every=False) == frozenset()
    assert enabled_features(b"not = toml = at all", every=True) == frozenset()


def test_go_tags_build_the_tagged_files():
    class Bonus(Go):
        tags = ("bonus",)

    assert "TestBonus" in Bonus().expected(go_exercise())
    assert all("-tags=bonus" in c.argv[2] for c in Bonus().commands(go_exercise()))


def test_rust_cfg_predicates():
    features = frozenset({"a"})
    assert cfg_holds('feature = "a"', features) and not cfg_holds('feature = "b"', features)
    assert cfg_holds('all(feature = "a", not(feature = "b"))', features)
    assert not cfg_holds('any(feature = "b", not(test))', features)
    assert cfg_holds('target_os = "linux"', features) and cfg_holds("unix", features)


def test_rust_prepare_appends_a_failing_canary_test():
    text = Rust().prepare(rust_exercise(), CANARY)["tests/demo.rs"].decode()
    assert text.startswith(RUST_TEST.rstrip("\n"))
    assert f'#[test]\n#[allow(non_snake_case)]\nfn {CANARY}() {{\n    panic!("{CANARY}");\n}}' in text


def test_rust_commands_run_cargo_offline_on_a_tmp_copy():
    recipe = Rust()
    build, test = recipe.commands(rust_exercise())
    assert recipe.writable == ()
    assert (
        "cp -R . /tmp/demo && chmod -R u+w /tmp/demo" in build.argv[2]
        and "cargo test --offline --no-run" in build.argv[2]
    )
    assert "--no-fail-fast -- --include-ignored > /tmp/cargo-test.log 2>&1" in test.argv[2]
    for command in (build, test):
        assert command.env["CARGO_HOME"] == "/opt/harness/cargo" and command.env["CARGO_TARGET_DIR"] == "/tmp/target"
        assert command.env["CARGO_NET_OFFLINE"] == "true"


CARGO_LOG = f"""   Compiling demo v0.1.0 (/tmp/demo)
    Finished `test` profile [unoptimized + debuginfo] target(s) in 0.50s
     Running unittests src/lib.rs (/tmp/target/debug/deps/demo-1)

running 1 test
test unit ... ok

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

     Running tests/demo.rs (/tmp/target/debug/deps/demo-2)

running 5 tests
test twice_one ... ok
test nested::panics - should panic ... ok
test twice_two ... FAILED
test nested::without_extra ... ignored, slow
test {CANARY} ... FAILED

failures:

---- twice_two stdout ----
test fake_line_in_output ... ok (a line printed by a test, it still reads as one)

     Running tests/more.rs (/tmp/target/debug/deps/more-3)

running 2 tests
test more ... ok
test twice_one ... FAILED
"""


def test_rust_parse_reads_libtest_lines_the_worse_outcome_standing():
    outcomes = Rust().parse({"/tmp/cargo-test.log": CARGO_LOG.encode()}, [])
    assert outcomes == {
        "unit": "pass",
        "twice_one": "fail",  # passed in tests/demo.rs, failed in tests/more.rs
        "nested::panics": "pass",
        "twice_two": "fail",
        "nested::without_extra": "skip",
        CANARY: "fail",
        "fake_line_in_output": "pass",
        "more": "pass",
    }


def test_rust_parse_survives_truncation_and_garbage():
    data = CARGO_LOG.encode()
    for cut in range(0, len(data), 31):
        Rust().parse({"/tmp/cargo-test.log": data[:cut]}, [])
    for garbage in GARBAGE:
        assert Rust().parse({"/tmp/cargo-test.log": garbage}, [garbage.decode("utf-8", "replace")]) == {}
    assert Rust().parse({}, ["test looks_like_a_test ... ok"]) == {}  # only the report counts
