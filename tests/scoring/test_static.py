"""Static metrics for six languages: syntax, functions, complexity, Halstead, size."""

from __future__ import annotations

import pytest

from harness.scoring.static import analyze, static_metrics

SNIPPETS = {
    "python": ("def f(a, b):\n    # note\n    if a and b:\n        return 1\n    return 2\n", "f", 3),
    "javascript": ("function f(a, b) {\n  // note\n  if (a && b) { return 1; }\n  return 2;\n}\n", "f", 3),
    "java": (
        "class A {\n  // note\n  int f(int a, int b) { if (a > 0 && b > 0) { return 1; } return 2; }\n}\n",
        "f",
        3,
    ),
    "cpp": ("int f(int a, int b) {\n  // note\n  if (a && b) { return 1; }\n  return 2;\n}\n", "f", 3),
    "go": (
        "package main\n\n// note\nfunc f(a, b bool) int {\n\tif a && b {\n\t\treturn 1\n\t}\n\treturn 2\n}\n",
        "f",
        3,
    ),
    "rust": ("// note\nfn f(a: bool, b: bool) -> i32 {\n    if a && b { return 1; }\n    2\n}\n", "f", 3),
}


@pytest.mark.parametrize("language", SNIPPETS)
def test_valid_snippet(language):
    code, name, complexity = SNIPPETS[language]
    metrics = analyze(code, language)
    assert metrics.syntax_valid and metrics.error_nodes == 0
    assert [(f.name, f.complexity) for f in metrics.functions] == [(name, complexity)]
    assert metrics.complexity_max == complexity
    assert metrics.comment_lines == 1
    assert metrics.loc == len([ln for ln in code.splitlines() if ln.strip()]) - 1
    assert metrics.characters == len(code)
    assert metrics.halstead.total_operators >= 1


@pytest.mark.parametrize("language", SNIPPETS)
def test_broken_code_is_an_outcome_not_an_exception(language):
    metrics = analyze("func ( { if [", language)
    assert not metrics.syntax_valid and metrics.error_nodes >= 1


def test_aliases_and_unknown_language():
    assert analyze("x = 1\n", "py").language == "python"
    assert analyze("int x;", "c++").language == "cpp"
    with pytest.raises(KeyError):
        analyze("x", "cobol")


def test_nested_function_is_its_own_function():
    code = "def outer(x):\n    def inner(y):\n        if y:\n            return 1\n    return inner\n"
    assert {f.name: f.complexity for f in analyze(code, "python").functions} == {"outer": 1, "inner": 2}


def test_halstead_counts_operator_expressions():
    h = analyze("def f(a, b):\n    return a + b * a\n", "python").halstead
    assert (h.distinct_operators, h.total_operators) == (2, 2)
    assert (h.distinct_operands, h.total_operands) == (3, 4)  # operands by text: a, b * a, b, a
    assert h.vocabulary == h.distinct_operators + h.distinct_operands
    assert h.volume > 0 and h.effort == pytest.approx(h.difficulty * h.volume)


def test_comment_after_code_is_a_code_line():
    metrics = analyze("x = 1  # set\n# only a comment\n\n", "python")
    assert (metrics.loc, metrics.comment_lines) == (1, 1)


def test_static_metrics_never_raises():
    assert "error" in static_metrics("x", "cobol")
    record = static_metrics("def f():\n    return 1\n", "python")
    assert record["syntax_valid"] and record["functions"][0]["name"] == "f"


def test_final_statics_keeps_the_last_turns_metrics_of_samples_with_a_candidate():
    from harness.records import ExecResult, Generation, SampleRecord, TurnRecord
    from harness.scoring.static import final_statics

    def sample(*statics) -> SampleRecord:
        turns = [TurnRecord([], "", Generation(""), None, ExecResult("no_code"), s) for s in statics]
        return SampleRecord("1", 0, "no_code", False, turns, 0.0)

    good = static_metrics("def f():\n    return 1\n", "python")
    failed = {"language": "python", "error": "RecursionError: too deep"}
    records = [sample(good), sample(None), sample(failed), sample(), sample(good, None), sample(None, good)]
    assert final_statics(records) == [good, good]
