"""Aider's aggregates: rates divide by every selected exercise, and the missing ones are named."""

from __future__ import annotations

from harness.polyglot.metrics import aider_record, summary
from harness.records import ExecResult, Generation, Message, SampleRecord, TurnRecord, Verdict


def turn(status: str, tested: bool, malformed: bool = False, text: str = "") -> TurnRecord:
    extras = {"tested": tested, "malformed": malformed, "timed_out": status == "timeout", "test_seconds": 2.0}
    verdict = Verdict(status, status == "pass", extras=extras)
    result = ExecResult(status, verdicts={"polyglot": verdict})
    generation = Generation(text, tokens_in=10, tokens_out=5, seconds=1.5)
    return TurnRecord([Message("user", "q")], "", generation, "{}", result)


def sample(problem_id: str, *turns: TurnRecord) -> SampleRecord:
    last = turns[-1].result
    return SampleRecord(problem_id, 0, last.status, last.passed, list(turns), 1.0)


def test_rates_divide_by_every_selected_exercise_and_name_the_missing():
    records = [
        sample("go/a", turn("pass", True)),
        sample("go/b", turn("fail", True), turn("pass", True)),
        sample("rust/c", turn("not_run", False, malformed=True), turn("timeout", True)),
    ]
    block = summary(records, ["go/a", "go/b", "rust/c", "rust/d"], tries=2, edit_format="diff")
    assert (block["pass_rate_1"], block["pass_rate_2"]) == (25.0, 50.0)
    assert block["missing"] == ["rust/d"] and block["completed_tests"] == 3 and block["total_tests"] == 4
    assert block["num_malformed_responses"] == 1 and block["percent_cases_well_formed"] == 66.7
    assert block["test_timeouts"] == 1
    assert block["per_language"]["rust"]["pass_rate_2"] == 0.0
    assert block["per_language"]["go"]["pass_rate_2"] == 100.0
    assert block["exercises"]["go/b"][0]["tests_outcomes"] == [False, True]
    assert block["exercises"]["rust/d"] == []  # missing, yet listed
    assert "exercises" not in block["per_language"]["go"]


def test_an_exercise_record_has_aiders_fields():
    record = aider_record(sample("go/b", turn("fail", True), turn("pass", True, text="# keep ... as is ")), "diff")
    assert record["tests_outcomes"] == [False, True]
    assert (record["prompt_tokens"], record["completion_tokens"]) == (20, 10)
    assert (record["duration"], record["test_duration"]) == (3.0, 4.0)  # model time and test time apart
    assert record["lazy_comments"] == 1 and record["testcase"] == "b"
