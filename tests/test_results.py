"""aggregate(): results.json from hand-made sample records."""

from __future__ import annotations

import pytest

from harness.records import SampleRecord
from harness.results import DEFINITIONS, SCHEMA_VERSION, aggregate, problem_order


def run(n: int = 2, num_problems: int = 2) -> dict:
    return {
        "run_id": "r1",
        "config_hash": "abc",
        "task": {"name": "mbpp", "num_problems": num_problems},
        "generator": {"name": "reference"},
        "sandbox": {"backend": "docker"},
        "eval": {"n": n},
    }


def rec(problem_id: str, sample_index: int, status: str) -> SampleRecord:
    return SampleRecord(problem_id, sample_index, status, status == "pass", [], 0.1)


RECORDS = [
    rec("10", 1, "fail"),
    rec("2", 0, "pass"),
    rec("10", 0, "pass"),
    rec("2", 1, "pass"),
]


def test_header():
    results = aggregate(run(), RECORDS)
    assert results["schema_version"] == SCHEMA_VERSION
    assert (results["run_id"], results["config_hash"]) == ("r1", "abc")
    assert (results["task"], results["generator"], results["sandbox"]) == ("mbpp", "reference", "docker")
    assert (results["n"], results["problems"], results["problems_expected"], results["samples"]) == (2, 2, 2, 4)
    assert results["definitions"] == DEFINITIONS


def test_pass_at_1_and_complete():
    results = aggregate(run(), RECORDS)
    assert results["complete"] is True
    assert results["metrics"] == {"pass@1": pytest.approx(0.75)}


def test_per_problem_rows_in_numeric_order():
    per_problem = aggregate(run(), RECORDS)["per_problem"]
    assert [p["problem_id"] for p in per_problem] == ["2", "10"]
    assert per_problem[0] == {"problem_id": "2", "n": 2, "c": 2, "pass@1": 1.0, "statuses": ["pass", "pass"]}
    # statuses follow the sample index, not the order the records came in
    assert per_problem[1] == {"problem_id": "10", "n": 2, "c": 1, "pass@1": 0.5, "statuses": ["pass", "fail"]}


def test_status_counts_skip_zeroes_and_follow_the_status_order():
    records = [*RECORDS, rec("3", 0, "timeout"), rec("3", 1, "error")]
    counts = aggregate(run(num_problems=3), records)["status_counts"]
    assert counts == {"pass": 3, "fail": 1, "error": 1, "timeout": 1}
    assert list(counts) == ["pass", "fail", "error", "timeout"]


def test_incomplete_problem():
    records = [*RECORDS, rec("3", 0, "pass")]  # problem 3 has 1 of 2 samples
    results = aggregate(run(num_problems=3), records)
    assert results["complete"] is False
    assert results["problems"] == 3
    # pass@k averages only the problems with all n samples
    assert results["metrics"]["pass@1"] == pytest.approx(0.75)
    row = results["per_problem"][1]
    assert row == {"problem_id": "3", "n": 1, "c": 1, "pass@1": 1.0, "statuses": ["pass"]}


def test_missing_problem_is_incomplete():
    results = aggregate(run(num_problems=3), RECORDS)
    assert results["complete"] is False
    assert results["problems_expected"] == 3


def test_no_records():
    results = aggregate(run(), [])
    assert results["samples"] == 0 and results["per_problem"] == []
    assert results["metrics"] == {"pass@1": 0.0}
    assert results["status_counts"] == {}
    assert results["complete"] is False


def test_larger_n_reports_more_ks():
    records = [rec("1", i, "pass" if i == 0 else "fail") for i in range(5)]
    results = aggregate(run(n=5, num_problems=1), records)
    assert results["metrics"] == {"pass@1": pytest.approx(0.2), "pass@5": pytest.approx(1.0)}
    assert results["per_problem"][0]["pass@5"] == 1.0


def test_problem_order():
    ids = ["b", "10", "2", "a", "1", "Mbpp/3"]
    assert sorted(ids, key=problem_order) == ["1", "2", "10", "Mbpp/3", "a", "b"]


def test_a_sweep_reports_each_condition_and_one_condition_stays_at_the_top():
    sweep = {**run(n=1), "eval": {"n": 1, "conditions": ["layer=1", "none"]}}
    records = [
        SampleRecord("2", 0, "pass", True, [], 0.1, "layer=1"),
        SampleRecord("10", 0, "fail", False, [], 0.1, "layer=1"),
        SampleRecord("2", 0, "fail", False, [], 0.1, "none"),
    ]
    results = aggregate(sweep, records)
    assert results["condition_names"] == ["layer=1", "none"] and "metrics" not in results
    assert results["conditions"]["layer=1"]["metrics"] == {"pass@1": 0.5}
    assert results["conditions"]["none"]["problems"] == 1 and not results["conditions"]["none"]["complete"]
    assert not results["complete"] and results["samples"] == 3
    single = aggregate({**sweep, "eval": {"n": 1, "conditions": ["layer=1"]}}, records[:2])
    assert single["metrics"] == {"pass@1": 0.5} and single["condition_names"] == ["layer=1"]


def graded(problem_id: str, strict: str, upstream: str, dropped: bool = False) -> SampleRecord:
    from harness.records import ExecResult, Generation, TurnRecord, Verdict

    verdicts = {
        "strict": Verdict(strict, strict == "pass"),
        "upstream": Verdict(upstream, upstream == "pass", extras={"dropped": dropped}),
    }
    result = ExecResult(strict, verdicts=verdicts)
    turn = TurnRecord([], "", Generation("x"), "x", result)
    return SampleRecord(problem_id, 0, strict, strict == "pass", [turn], 0.1)


def test_graded_runs_report_each_mode_and_the_primary_at_the_top():
    records = [graded("a", "pass", "pass"), graded("b", "excluded", "pass"), graded("c", "fail", "pass", True)]
    results = aggregate(run(n=1, num_problems=3), records)
    strict, upstream = results["grading"]["strict"], results["grading"]["upstream"]
    assert strict["excluded"] == ["b"] and strict["metrics"]["pass@1"] == 0.5  # b leaves the denominator
    assert results["metrics"] == strict["metrics"]  # the primary mode, exclusions honoured
    # upstream drops c's only sample: a problem with every sample dropped counts as failed
    assert upstream["dropped"] == 1 and upstream["metrics"]["pass@1"] == pytest.approx(2 / 3)
