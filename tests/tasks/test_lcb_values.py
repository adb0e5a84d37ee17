"""LiveCodeBench code execution and test output prediction: answers judged on the host
as literals, upstream's extraction quirks in upstream mode only, expression answers
evaluated in the sandbox and never on the host."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from harness.cli import main
from harness.records import Limits
from harness.tasks import TaskOptions, get_task
from harness.tasks.lcb_values import (
    answer_equal,
    function_stub,
    upstream_execution_extract,
    upstream_test_output_extract,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
CRUXEVAL = Path(os.environ.get("HARNESS_CRUXEVAL_JSONL", SHARED / "cruxeval" / "cruxeval.jsonl"))
LCB_JSONL = Path(os.environ.get("HARNESS_LCB_JSONL", SHARED / "livecodebench" / "lcb.jsonl"))


@pytest.mark.parametrize(
    ("actual", "expected", "equal"),
    [
        ((1, 2), [1, 2], False),  # a tuple is not a list
        ([1, 2], [1, 2], True),
        (True, 1, False),
        (7, 7.0, True),
        (0.1 + 0.2, 0.3, True),
        ({"a": (1,)}, {"a": (1,)}, True),
        ({1, 2}, frozenset({1, 2}), False),
        ("1", 1, False),
    ],
)
def test_answer_equality_respects_types(actual, expected, equal):
    assert answer_equal(actual, expected) is equal


def test_upstream_execution_extraction_keeps_its_first_equals_bug():
    assert upstream_execution_extract("assert f(x='a==b') == 'a==b'\n[/ANSWER]", cot=False) == "b')"
    assert upstream_execution_extract("[THOUGHT]x[/THOUGHT]\n[ANSWER]\nassert f(1) == 2\n[/ANSWER]", cot=True) == "2"


def test_upstream_test_output_extraction_takes_the_last_assert_line():
    answer = "assert f(1) == 0\nsome text\nassert f(1) == 3\n```python\n    assert f(1) == 9\n```"
    assert upstream_test_output_extract(answer) == "assert f(1) == 3"  # column 0 only
    assert upstream_test_output_extract("```python\n  x = 1\n```") == "  x = 1"


def test_a_leetcode_stub_becomes_a_function_stub():
    stub = function_stub("class Solution:\n    def maxSum(self, nums: List[int], k: int) -> int:\n        ", "maxSum")
    assert stub == "def maxSum(nums: List[int], k: int) -> int:\n    pass"


def _task(name: str, **options):
    task = get_task(name)(TaskOptions(**options))
    task.limits = Limits()
    return task, {i.id: i for i in task.load()}


def test_code_execution_strict_fixes_what_upstream_breaks():
    task, items = _task("lcb-execution-demo")
    item = next(i for i in items.values() if "==" in i.output)
    answer = f"[ANSWER]\nassert {item.call} == {item.output}\n[/ANSWER]"
    _, result = task.evaluate(item, answer, sandbox=None)
    assert result.verdicts["strict"].passed
    assert not result.verdicts["upstream"].passed


def test_code_execution_echo_is_dropped_upstream_and_failed_strictly():
    task, items = _task("lcb-execution-demo")
    item = next(iter(items.values()))
    _, result = task.evaluate(item, f"[ANSWER]\nassert {item.call} == {item.call}\n[/ANSWER]", sandbox=None)
    assert result.verdicts["upstream"].extras["dropped"] is True
    assert result.verdicts["strict"].status == "fail"


def test_test_output_tuple_fails_and_json_true_passes():
    task, items = _task("lcb-test-output-demo")
    bools = [i for i in items.values() if isinstance(json.loads(i.output), bool)]
    lists = [i for i in items.values() if isinstance(json.loads(i.output), list)]
    for item in bools[:1]:
        call = task.fields(item)["call"]
        _, result = task.evaluate(item, f"```python\nassert {call} == {json.loads(item.output)!r}\n```", None)
        assert result.verdicts["strict"].passed and result.verdicts["upstream"].passed
    for item in lists[:1]:
        call = task.fields(item)["call"]
        as_tuple = repr(tuple(json.loads(item.output)))
        _, result = task.evaluate(item, f"```python\nassert {call} == {as_tuple}\n```", None)
        assert not result.verdicts["strict"].passed and not result.verdicts["upstream"].passed


def test_test_output_items_are_derived_from_code_generation_problems():
    task, items = _task(
        "lcb-test-output", data=Path(__file__).resolve().parents[2] / "harness/tasks/data/lcb_generation_demo.jsonl"
    )
    assert items and all(i.derived for i in items.values())
    assert task.config()["derived_from_code_generation"] is True


@pytest.mark.sandbox
def test_expression_answers_run_in_the_sandbox_never_on_the_host(tmp_path, docker_client, sandbox_image):
    from harness.sandbox.docker_backend import SandboxPool

    task, items = _task("lcb-execution-demo")
    item = next(i for i in items.values() if i.output.startswith("["))
    marker = tmp_path / "evaluated-on-the-host"
    hostile = f"[ANSWER]\nassert {item.call} == (open({str(marker)!r}, 'w'), {item.output})[1]\n[/ANSWER]"
    with SandboxPool(docker_client, sandbox_image, 1, Limits(), f"pytest-values-{os.getpid()}") as pool:
        _, result = task.evaluate(item, hostile, pool)
        expression = f"[ANSWER]\nassert {item.call} == {item.output} + []\n[/ANSWER]"
        _, evaluated = task.evaluate(item, expression, pool)
    assert not marker.exists()
    assert result.verdicts["strict"].status == "fail"  # not a literal
    assert evaluated.verdicts["upstream"].passed  # upstream evaluates expressions, here in the sandbox
    assert not evaluated.verdicts["strict"].passed


@pytest.mark.sandbox
@pytest.mark.parametrize("task_name", ["lcb-execution-demo", "lcb-test-output-demo"])
def test_reference_answers_pass_strictly_on_the_demo_sets(task_name, tmp_path, capsys, docker_client, sandbox_image):
    assert main(["eval", "--task", task_name, "--generator", "reference", "--out", str(tmp_path), "--quiet"]) == 0
    results = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    assert results["grading"]["strict"]["metrics"]["pass@1"] == 1.0


@pytest.mark.sandbox
@pytest.mark.slow
def test_reference_passes_all_of_cruxeval_and_the_derived_test_output_set(tmp_path, docker_client, sandbox_image):
    if not CRUXEVAL.is_file() or not LCB_JSONL.is_file():
        pytest.skip(f"real data not found at {CRUXEVAL} / {LCB_JSONL} (set HARNESS_CRUXEVAL_JSONL, HARNESS_LCB_JSONL)")
    for task_name, data, count in (("lcb-execution", CRUXEVAL, 800), ("lcb-test-output", LCB_JSONL, 439)):
        out = tmp_path / task_name
        argv = ["eval", "--task", task_name, "--data", str(data), "--generator", "reference", "--out", str(out)]
        assert main([*argv, "--quiet"]) == 0
        results = json.loads(next(out.glob("*/results.json")).read_text())
        assert results["problems"] == count
        assert {m: g["metrics"]["pass@1"] for m, g in results["grading"].items()} == {"strict": 1.0, "upstream": 1.0}


def test_code_generation_refuses_the_reference_generator_in_one_sentence(capsys):
    assert main(["eval", "--task", "lcb-generation-demo", "--generator", "reference", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no canonical solutions" in err


def test_from_run_is_refused_by_tasks_that_do_not_read_one(tmp_path, capsys):
    argv = ["eval", "--task", "lcb-execution-demo", "--generator", "reference", "--from-run", str(tmp_path)]
    assert main([*argv, "--quiet"]) == 2
    assert "--from-run is for lcb-self-repair" in capsys.readouterr().err
