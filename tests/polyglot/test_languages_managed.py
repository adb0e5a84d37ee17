"""The Java, JavaScript and Python recipes without Docker: what prepare() writes, what expected()
counts, the commands, and parse() on report samples (truncated and garbage ones included). The
sources and reports here are small ones of our own."""

from __future__ import annotations

import ast
import json

import pytest
import tree_sitter
import tree_sitter_java
import tree_sitter_javascript
from exercise_builder import CANARY, exercise
from exercise_builder import GARBAGE as COMMON_GARBAGE

from harness.polyglot.languages.java import Java, junit_outcomes, unlock
from harness.polyglot.languages.javascript import JavaScript
from harness.polyglot.languages.javascript import test_names as spec_names
from harness.polyglot.languages.javascript import unlock as unlock_js
from harness.polyglot.languages.python import Python

GARBAGE = COMMON_GARBAGE + [
    b"<testsuite>" + b"<testcase>" * 100_000,
    b'{"testResults": 5}',
    b'{"testResults": [{"assertionResults": {"title": 1}}]}',
    b'[{"ancestorTitles": 3, "title": null}]',
]


def has_syntax_errors(grammar, source: bytes) -> bool:
    return tree_sitter.Parser(tree_sitter.Language(grammar.language())).parse(source).root_node.has_error


@pytest.mark.parametrize("recipe", [Java(), JavaScript(), Python()], ids=lambda r: r.name)
@pytest.mark.parametrize("data", GARBAGE)
def test_parse_never_raises_on_garbage(recipe, data):
    outcomes = recipe.parse({report: data for report in recipe.reports}, [data.decode("utf-8", "replace")])
    assert isinstance(outcomes, dict)


@pytest.mark.parametrize("recipe", [Java(), JavaScript(), Python()], ids=lambda r: r.name)
@pytest.mark.parametrize("canary", ["not an identifier", "1abc", "a-b", ""])
def test_a_canary_that_is_not_an_identifier_is_refused(recipe, canary):
    demo = {"java": JAVA_DEMO, "javascript": JS_DEMO, "python": PY_DEMO}[recipe.name]
    with pytest.raises(ValueError):
        recipe.prepare(demo, canary)


# --------------------------------------------------------------------------- Java

JAVA_TEST = """import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

public class TallyTest {

    @Test
    public void counts() {
        assertThat(Tally.count("a b")).isEqualTo(2); // @Disabled in a comment stays
    }

    @Disabled("Remove to run test (slow)")
    @Test
    public void countsNothing() {
        assertThat("@Disabled(\\"in a string\\")").isNotEmpty();
        assertThatThrownBy(() -> Tally.count(null)).isInstanceOf(NullPointerException.class);
    }

    @Disabled
    @org.junit.jupiter.api.Test
    void qualified() {}

    @org.junit.jupiter.api.Disabled @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
    void twice(int n) {}

    // @Test
    void helper() {}

    @Nested
    class Inner {
        @Test
        void nested() {}
    }
}
"""
JAVA_EXTENSION = "class TallyExtension { @Disabled void notATest() {} }\n"
JAVA_DEMO = exercise(
    "java",
    {
        "build.gradle": "",
        "src/main/java/Tally.java": "class Tally {}\n",
        "src/test/java/TallyTest.java": JAVA_TEST,
        "src/test/java/TallyExtension.java": JAVA_EXTENSION,
    },
    ("src/test/java/TallyTest.java", "src/test/java/TallyExtension.java"),
    ("src/main/java/Tally.java",),
)


def test_java_unlock_cuts_every_disabled_annotation_and_keeps_the_lines():
    unlocked = unlock(JAVA_TEST.encode()).decode()
    assert unlocked.count("\n") == JAVA_TEST.count("\n")
    code = "\n".join(line for line in unlocked.splitlines() if "//" not in line and '"' not in line)
    assert "Disabled(" not in code and "@Disabled\n" not in code and "api.Disabled @" not in code
    assert "// @Disabled in a comment stays" in unlocked
    assert '"@Disabled(\\"in a string\\")"' in unlocked
    assert "import org.junit.jupiter.api.Disabled;" in unlocked  # an unused import compiles
    assert not has_syntax_errors(tree_sitter_java, unlocked.encode())


def test_java_expected_counts_test_methods_by_name():
    assert Java().expected(JAVA_DEMO) == ["counts", "countsNothing", "qualified", "twice", "nested"]


def test_java_prepare_unlocks_and_adds_the_canary_to_the_test_class():
    prepared = Java().prepare(JAVA_DEMO, CANARY)
    assert set(prepared) == {"src/test/java/TallyTest.java", "src/test/java/TallyExtension.java"}
    test = prepared["src/test/java/TallyTest.java"].decode()
    assert "@Disabled" not in test.replace("// @Disabled", "").replace('"@Disabled', "")
    assert test.startswith(unlock(JAVA_TEST.encode()).decode().rstrip().removesuffix("}"))
    thrown = f"{CANARY}_assertthatthrownby"
    assert Java().canaries(JAVA_DEMO, CANARY) == [CANARY, thrown]
    assert f"void {CANARY}()" in test and f"void {thrown}()" in test and test.rstrip().endswith("}")
    assert test.index(f"void {CANARY}()") > test.index("class Inner")  # at the end of the outer class
    assert f'assertThat("{CANARY}").isEqualTo("{CANARY} must fail")' in test
    assert "assertThatThrownBy(() -> {}).isInstanceOf(IllegalStateException.class)" in test
    assert not has_syntax_errors(tree_sitter_java, test.encode())
    # every line a canary's failure prints names it: its message is its name, it has no stack
    assert f'new AssertionError("{thrown}")' in test and test.count("setStackTrace(new StackTraceElement[0])") == 2
    assert prepared["src/test/java/TallyExtension.java"] == b"class TallyExtension {  void notATest() {} }\n"


def test_java_prepare_refuses_a_tree_without_a_test_class():
    bare = exercise("java", {"src/test/java/T.java": "class T {}\n"}, ("src/test/java/T.java",), ())
    with pytest.raises(ValueError):
        Java().prepare(bare, CANARY)


def test_java_commands_compile_with_only_the_framework_and_run_it_first():
    build, test = Java().commands(JAVA_DEMO)
    assert build.name == "build" and build.argv[:2] == ["sh", "-c"]
    assert "javac" in build.argv[2] and "-proc:none" in build.argv[2] and "find src" in build.argv[2]
    output, classpath = build.argv[3:]
    assert output == "/tmp/classes" and "/tmp" not in classpath and classpath.split(":")[0].endswith("standalone.jar")
    assert test.name == "test" and test.argv[0] == "java"
    runtime = test.argv[test.argv.index("-cp") + 1].split(":")
    assert runtime[-1] == "/tmp/classes" and all(p.endswith(".jar") for p in runtime[:-1])
    assert "--reports-dir=/tmp/junit" in test.argv and "--include-engine=junit-jupiter" in test.argv
    assert [a for a in test.argv if a.startswith("--select-class=")] == ["--select-class=TallyTest"]


def test_java_commands_select_a_test_class_by_its_package():
    path = "src/test/java/org/demo/PTest.java"
    packaged = exercise("java", {path: "package org.demo;\nclass PTest { @Test void a() {} }\n"}, (path,), ())
    assert "--select-class=org.demo.PTest" in Java().commands(packaged)[1].argv


def test_java_may_create_classes_beside_the_solution_only():
    java = Java()
    assert java.creatable(JAVA_DEMO, "src/main/java/Helper.java")
    assert not java.creatable(JAVA_DEMO, "src/main/java/Tally.java")  # exists
    assert not java.creatable(JAVA_DEMO, "src/test/java/MoreTest.java")
    assert not java.creatable(JAVA_DEMO, "src/main/java/org/junit/Fake.java")
    assert not java.creatable(JAVA_DEMO, "build.gradle") and not java.creatable(JAVA_DEMO, "src/main/java/a-b.java")


JUNIT_REPORT = f"""<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="JUnit Jupiter" tests="7" skipped="1" failures="2" errors="1">
<properties><property name="java.version" value="17"/></properties>
<testcase name="counts()" classname="TallyTest" time="0.01"/>
<testcase name="countsNothing()" classname="TallyTest" time="0.01">
<failure message="expected: 1" type="org.opentest4j.AssertionFailedError">trace &lt;here&gt;</failure>
<system-out><![CDATA[printed by the solution <testcase name="forged()"/>]]></system-out>
</testcase>
<testcase name="qualified()" classname="TallyTest"><error type="java.lang.UnsupportedOperationException"/></testcase>
<testcase name="twice(int)[1]" classname="TallyTest"/>
<testcase name="twice(int)[2]" classname="TallyTest"><failure/></testcase>
<testcase name="nested()" classname="TallyTest$Inner"><skipped/></testcase>
<testcase name="{CANARY}()" classname="TallyTest"><failure message="{CANARY}"/></testcase>
</testsuite>
"""


def test_java_parse_reads_the_junit_report_by_method_name():
    outcomes = Java().parse({"/tmp/junit/TEST-junit-jupiter.xml": JUNIT_REPORT.encode()}, [])
    assert outcomes == {
        "counts": "pass",
        "countsNothing": "fail",
        "qualified": "error",
        "twice": "fail",  # the worse of its two runs
        "nested": "skip",
        CANARY: "fail",
    }


def test_java_parse_keeps_the_complete_test_cases_of_a_truncated_report():
    data = JUNIT_REPORT.encode()
    cut = data[: data.index(b'<testcase name="qualified()')] + b'<testcase name="qual'
    assert Java().parse({"/tmp/junit/TEST-junit-jupiter.xml": cut}, []) == {"counts": "pass", "countsNothing": "fail"}


def test_junit_reports_with_entity_declarations_are_not_read():
    bomb = b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><testsuite><testcase name="x"/></testsuite>'
    assert junit_outcomes(bomb) == []
    assert Java().parse({}, ["<testcase name='x()'/>"]) == {}  # only the report counts, not the output


# --------------------------------------------------------------------------- JavaScript

JS_SPEC = """import { walk } from './walk';

describe('walk', () => {
  test('first', () => {
    expect(walk([])).toEqual([]);
  });

  xtest('it\\'s "quoted" \\u00e9', () => {
    expect(walk(['xtest(not a call'])).toEqual([]); // xit( in a comment stays
  });

  describe.skip('inner ' + "block", () => {
    xit(`template`, () => {});
    it.skip('skipped it', () => {}, 10 * 1000);
  });

  xdescribe('off', () => {
    fit('focused', () => {});
  });
});

test.only('top level', () => {});
test.each([[1]])('table %i', () => {});
"""
JS_DEMO = exercise(
    "javascript",
    {"walk.js": "export const walk = () => [];\n", "walk.spec.js": JS_SPEC, "package.json": "{}\n"},
    ("walk.spec.js",),
    ("walk.js",),
)


def test_javascript_unlock_runs_every_skipped_and_focused_test_and_keeps_the_lines():
    unlocked = unlock_js(JS_SPEC.encode()).decode()
    assert unlocked.count("\n") == JS_SPEC.count("\n")
    for gone in ("xtest('", "xit(`", "describe.skip(", "it.skip(", "xdescribe(", "fit(", "test.only("):
        assert gone not in unlocked
    assert "test('it\\'s" in unlocked and "it(`template`" in unlocked and "describe('off'" in unlocked
    assert "'xtest(not a call'" in unlocked and "// xit( in a comment stays" in unlocked
    assert "test.each([[1]])" in unlocked  # a table is not a skip
    assert not has_syntax_errors(tree_sitter_javascript, unlocked.encode())


def test_javascript_expected_names_tests_as_jest_does():
    assert JavaScript().expected(JS_DEMO) == [
        "walk first",
        'walk it\'s "quoted" é',
        "walk inner block template",
        "walk inner block skipped it",
        "walk off focused",
        "top level",
    ]


def test_javascript_names_of_titles_that_are_not_literals_are_their_source():
    assert spec_names(b"describe(NAME, () => { test(`a ${b}`, () => {}); });") == ["NAME `a ${b}`"]


def test_javascript_prepare_appends_the_canary_to_the_unlocked_spec():
    prepared = JavaScript().prepare(JS_DEMO, CANARY)
    assert set(prepared) == {"walk.spec.js"}
    spec = prepared["walk.spec.js"].decode()
    assert spec.startswith(unlock_js(JS_SPEC.encode()).decode().rstrip("\n"))
    canaries = JavaScript().canaries(JS_DEMO, CANARY)
    assert canaries == [CANARY, f"{CANARY}_toequal"]  # the spec's one matcher
    assert f'throw new Error("{CANARY}")' in spec and f'expect("{CANARY}_toequal").toEqual(null)' in spec
    assert f'canary.stack = "{CANARY}"' in spec and f'canary.stack = "{CANARY}_toequal"' in spec
    assert not has_syntax_errors(tree_sitter_javascript, spec.encode())
    assert spec_names(spec.encode())[-2:] == canaries  # top-level tests: their full names are the canaries


def test_javascript_canaries_cover_the_matchers_the_tests_chain():
    spec = "test('a', async () => { await expect(p).resolves.toBe(1); expect(f).not.toThrow(); x.toArray(); });\n"
    demo = exercise("javascript", {"a.spec.js": spec}, ("a.spec.js",), ())
    assert JavaScript().canaries(demo, CANARY) == [CANARY, f"{CANARY}_not_tothrow", f"{CANARY}_resolves_tobe"]
    prepared = JavaScript().prepare(demo, CANARY)["a.spec.js"]
    assert b"await expect(Promise.resolve(" in prepared and not has_syntax_errors(tree_sitter_javascript, prepared)


def test_javascript_command_uses_the_harness_config_and_writes_json():
    (test,) = JavaScript().commands(JS_DEMO)
    assert test.name == "test" and test.argv[:2] == ["node", "/opt/harness/node/node_modules/jest/bin/jest.js"]
    for flag in ("--config=/opt/harness/node/jest.config.js", "--rootDir=.", "--ci", "--runInBand", "--json"):
        assert flag in test.argv
    assert "--outputFile=/tmp/jest-report.json" in test.argv and "--cacheDirectory=/tmp/jest" in test.argv
    assert test.argv[-2:] == ["--runTestsByPath", "walk.spec.js"]


def jest_result(ancestors: list[str], title: str, status: str) -> dict:
    full = " ".join([*ancestors, title])
    return {"ancestorTitles": ancestors, "duration": 1, "failureMessages": [], "fullName": full, "status": status,
            "title": title}  # fmt: skip


JEST_REPORT = {
    "numFailedTests": 2,
    "success": False,
    "testResults": [
        {
            "assertionResults": [
                jest_result(["walk"], "first", "passed"),
                jest_result(["walk", "inner block"], "template", "failed"),
                jest_result(["walk", "inner block"], "skipped it", "pending"),
                jest_result(["walk"], "first", "failed"),  # a name twice: the worse stands
                jest_result([], CANARY, "failed"),
                jest_result(["walk"], 'odd "quote" {"ancestorTitles": []}', "todo"),
            ],
            "message": "",
            "name": "/job/demo/walk.spec.js",
        },
        {"assertionResults": [], "message": "Test suite failed to run", "name": "/job/demo/other.spec.js"},
    ],
}
JS_OUTCOMES = {
    "walk first": "fail",
    "walk inner block template": "fail",
    "walk inner block skipped it": "skip",
    CANARY: "fail",
    'walk odd "quote" {"ancestorTitles": []}': "skip",
}


def test_javascript_parse_reads_jests_json_report():
    data = json.dumps(JEST_REPORT).encode()
    assert JavaScript().parse({"/tmp/jest-report.json": data}, []) == JS_OUTCOMES


def test_javascript_parse_salvages_the_complete_results_of_a_truncated_report():
    data = json.dumps(JEST_REPORT, separators=(",", ":")).encode()
    cut = data[: data.index(b"skipped it") + 5]
    assert JavaScript().parse({"/tmp/jest-report.json": cut}, []) == {
        "walk first": "pass",
        "walk inner block template": "fail",
    }


# --------------------------------------------------------------------------- Python

PY_TEST = """import unittest

from tally import count


class TallyTest(unittest.TestCase):
    def test_counts(self):
        self.assertEqual(count("a b"), 2)

    @unittest.skip("left alone")
    def test_skipped_upstream(self):
        pass

    def helper(self):
        pass


class TestPlain:
    def test_plain(self):
        assert True


class Helper:
    def test_not_collected(self):
        pass


def test_function():
    assert count("") == 0
"""
PY_HELPERS = "class MockFile:\n    def test_like(self):\n        pass\n"
PY_DEMO = exercise(
    "python",
    {"tally.py": "def count(text):\n    pass\n", "tally_test.py": PY_TEST, "test_helpers.py": PY_HELPERS},
    ("test_helpers.py", "tally_test.py"),
    ("tally.py",),
)


def test_python_expected_counts_test_methods_and_functions():
    assert Python().expected(PY_DEMO) == ["test_counts", "test_skipped_upstream", "test_plain", "test_function"]
    broken = exercise("python", {"t_test.py": "def test_a(:\n"}, ("t_test.py",), ())
    assert Python().expected(broken) == []


def test_python_prepare_appends_a_canary_test_case_to_the_module_with_tests():
    prepared = Python().prepare(PY_DEMO, CANARY)
    assert set(prepared) == {"tally_test.py"}
    module = prepared["tally_test.py"].decode()
    assert module.startswith(PY_TEST.rstrip("\n")) and "@unittest.skip" in module  # nothing unlocked
    tree = ast.parse(module)
    canary = tree.body[-1]
    assert isinstance(canary, ast.ClassDef) and canary.name == "HarnessCanary"
    methods = [m.name for m in canary.body if isinstance(m, ast.FunctionDef)]
    assert methods == [f"test_{CANARY}", f"test_{CANARY}_assertequal"]
    assert Python().canaries(PY_DEMO, CANARY) == [CANARY, f"{CANARY}_assertequal"]
    assert f'self.fail("{CANARY}")' in module and f'self.assertEqual("{CANARY}_assertequal", None)' in module


def test_python_canaries_cover_the_assertions_the_tests_call():
    source = "class T(unittest.TestCase):\n    def test_a(self):\n        with self.assertRaises(ValueError):\n"
    source += (
        "            f()\n        self.assertSetEqual(g(), {1})\n        self.assertRaisesWithMessage(ValueError)\n"
    )
    demo = exercise("python", {"t_test.py": source}, ("t_test.py",), ())
    names = [CANARY, f"{CANARY}_assertsetequal", f"{CANARY}_assertraises"]  # the helper is no unittest method
    assert Python().canaries(demo, CANARY) == names
    module = ast.parse(Python().prepare(demo, CANARY)["t_test.py"])
    assert [m.name for m in module.body[-1].body if isinstance(m, ast.FunctionDef)] == [f"test_{n}" for n in names]


def test_python_command_is_isolated_from_the_tree():
    (test,) = Python().commands(PY_DEMO)
    assert test.argv[:5] == ["python3", "-I", "-B", "-m", "pytest"]
    for flag in ("no:cacheprovider", "--noconftest", "/opt/harness/pytest.ini", "--rootdir=."):
        assert flag in test.argv
    assert "--junitxml=/tmp/pytest-report.xml" in test.argv and test.argv[-2:] == ["test_helpers.py", "tally_test.py"]
    assert test.env == {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


PYTEST_REPORT = f"""<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1"
 failures="2" skipped="1" tests="6"><testcase classname="tally_test.TallyTest" name="test_counts" time="0.001"/>
<testcase classname="tally_test.TallyTest" name="test_skipped_upstream"><skipped type="pytest.skip"
 message="left alone">left alone</skipped></testcase>
<testcase classname="tally_test.TestPlain" name="test_plain"><failure message="assert False">E assert
</failure><system-out>é &lt;testcase name="forged"/&gt;</system-out></testcase>
<testcase classname="tally_test" name="test_function"><error message="failed on setup"/></testcase>
<testcase classname="tally_test.HarnessCanary" name="test_{CANARY}"><failure message="AssertionError"/></testcase>
<testcase classname="" name="other_test"><error message="collection failure"/></testcase>
</testsuite></testsuites>"""


def test_python_parse_reads_the_junit_report_and_names_the_canary():
    assert Python().parse({"/tmp/pytest-report.xml": PYTEST_REPORT.encode()}, []) == {
        "test_counts": "pass",
        "test_skipped_upstream": "skip",
        "test_plain": "fail",
        "test_function": "error",
        CANARY: "fail",
        "other_test": "error",
    }


def test_python_parse_of_a_truncated_report_keeps_what_it_can_read():
    data = PYTEST_REPORT.encode()
    cut = data[: data.index(b"<system-out>")]
    assert Python().parse({"/tmp/pytest-report.xml": cut}, []) == {
        "test_counts": "pass",
        "test_skipped_upstream": "skip",
    }
