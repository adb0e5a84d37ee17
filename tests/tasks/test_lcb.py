"""lcb-generation end to end in the real sandbox: the demo set's own solutions pass
under both grading modes, broken programs get their distinct statuses, and lcb_runner's
quirks are reproduced in upstream mode only."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from harness.records import Limits
from harness.tasks import TaskOptions, get_task
from harness.tasks.lcb import LCBProblem
from harness.tasks.lcb_grade import LCBTest

pytestmark = pytest.mark.sandbox
DATA = Path(__file__).resolve().parents[2] / "harness" / "tasks" / "data"
LCB_JSONL = Path(
    os.environ.get("HARNESS_LCB_JSONL", Path(__file__).resolve().parents[3] / "shared/data/livecodebench/lcb.jsonl")
)


@pytest.fixture(scope="module")
def task():
    task = get_task("lcb-generation-demo")(TaskOptions())
    task.limits = Limits(test_timeout_s=2)
    task.problems_by_id = {p.id: p for p in task.load()}
    return task


def fenced(code: str) -> str:
    return f"Here it is.\n```python\n{textwrap.dedent(code)}\n```\n"


def programs(name: str) -> dict[str, str]:
    return {row["question_id"]: row["code_list"][0] for row in json.loads((DATA / name).read_text())}


def test_demo_solutions_pass_in_both_modes(task, pool):
    for problem_id, code in programs("lcb_generation_demo_solutions.json").items():
        _, result = task.evaluate(task.problems_by_id[problem_id], fenced(code), pool)
        assert {m: v.status for m, v in result.verdicts.items()} == {"strict": "pass", "upstream": "pass"}, problem_id
        assert len(result.verdicts["strict"].tests) == len(task.problems_by_id[problem_id].tests)


def test_broken_programs_get_distinct_statuses(task, pool):
    expected = {
        "demo_abc001_a": ("fail", [-2]),
        "demo_cf1001_a": ("error", [-4]),
        "demo_cf1002_b": ("timeout", [-3]),
        "equal-letters-far-apart": ("syntax_error", [-4]),
    }
    for problem_id, code in programs("lcb_generation_demo_wrong.json").items():
        _, result = task.evaluate(task.problems_by_id[problem_id], fenced(code), pool)
        status, codes = expected[problem_id]
        assert result.status == status, (problem_id, result.detail)
        assert result.verdicts["upstream"].status == status
        assert result.verdicts["upstream"].extras["lcb_result"][-1:] == codes


def stdin_problem(*tests: tuple[str, str]) -> LCBProblem:
    cases = tuple(LCBTest(i, o) for i, o in tests)
    return LCBProblem("probe", "", "", "atcoder", "", "2024-01-01T00:00:00", "easy", "", None, cases, ())


THIRD = ("", "0.333333333\n")
QUIRKS = {
    # lcb_runner's stdin buffer returns the first line on every readline
    "buffer": (
        "import sys\nprint(int(sys.stdin.buffer.readline()) + int(sys.stdin.buffer.readline()))",
        ("1\n2\n", "3\n"),
        "pass",
        "fail",
        [-2],
    ),
    "float": ("print('%.6f' % (1 / 3))", THIRD, "pass", "fail", [-2]),  # no tolerance upstream
    "stdout-buffer": ("import sys\nsys.stdout.buffer.write(b'0.333333333\\n')", THIRD, "pass", "error", [-4]),
    "prelude": ("print(math.sqrt(9))", ("", "3.0\n"), "error", "pass", [True]),  # upstream's prelude imports math
    "exit": ("print(3)\nexit(1)", ("", "3\n"), "exited_early", "pass", [True]),  # SystemExit swallowed upstream
    "quit": ("print(3)\nquit()", ("", "3\n"), "pass", "error", [-4]),  # reliability_guard sets quit to None
    "c-loop": ("sum(range(10**11))", ("", "0\n"), "timeout", "timeout", [-2]),  # upstream's crash path
}


@pytest.mark.parametrize("name", list(QUIRKS))
def test_upstream_quirks_and_strict_fixes(task, pool, name):
    code, test, strict, upstream, lcb = QUIRKS[name]
    _, result = task.evaluate(stdin_problem(test), fenced(code), pool)
    assert result.verdicts["strict"].status == strict, result.verdicts["strict"]
    assert result.verdicts["upstream"].status == upstream, result.verdicts["upstream"]
    assert result.verdicts["upstream"].extras["lcb_result"] == lcb
    if name == "c-loop":
        assert any("-5" in note for note in result.verdicts["upstream"].notes)


def test_errata_are_excluded_from_strict_only(task, pool):
    problem = stdin_problem(("1\n", "1\n"))
    problem = LCBProblem("abc337_e", *list(problem.__dict__.values())[1:])
    _, result = task.evaluate(problem, fenced("print(1)"), pool)
    assert result.verdicts["strict"].status == "excluded"
    assert result.verdicts["upstream"].status == "pass"


def test_real_release_v1_public_tests_load_and_say_so():
    if not LCB_JSONL.is_file():
        pytest.skip(f"LiveCodeBench data not found at {LCB_JSONL} (set HARNESS_LCB_JSONL)")
    task = get_task("lcb-generation")(TaskOptions(data=LCB_JSONL, start_date="2023-09-01", platform="leetcode"))
    problems = task.load()
    assert problems and all(p.platform == "leetcode" and p.contest_date >= "2023-09-01" for p in problems)
    config = task.config()
    assert config["public_tests_only"] is True
    assert config["window"] == {"start_date": "2023-09-01", "end_date": None}
    assert set(config["tests"]) == {p.id for p in problems}
