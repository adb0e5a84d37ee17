"""lcb-self-repair: the feedback each turn-1 status gets (real sandbox verdicts, both modes), the
turn-2 request or its absence, results.json's before/after repair, and --from-run end to end."""

from __future__ import annotations

import json
import shutil
import signal
import textwrap
from pathlib import Path

import pytest

from harness.cli import main
from harness.errors import UserError
from harness.records import ExecResult, Generation, Limits, SampleRecord, TestResult, TurnRecord, Verdict
from harness.results import aggregate
from harness.tasks import TaskOptions, get_task
from harness.tasks.lcb import LCBProblem
from harness.tasks.lcb_grade import LCBTest
from harness.tasks.lcb_repair import FEEDBACK_BY_STATUS, feedback_for, repair_messages

DATA = Path(__file__).resolve().parents[2] / "harness" / "tasks" / "data"
MARK = "...(truncated) ..."


def programs(name: str) -> dict[str, str]:
    return {row["question_id"]: row["code_list"][0] for row in json.loads((DATA / name).read_text())}


RIGHT, WRONG = programs("lcb_generation_demo_solutions.json"), programs("lcb_generation_demo_wrong.json")


def fenced(code: str) -> str:
    return f"The fix.\n```python\n{textwrap.dedent(code)}\n```\n"


def stdin_problem(*tests: tuple[str, str]) -> LCBProblem:
    cases = tuple(LCBTest(i, o) for i, o in tests)
    return LCBProblem("probe", "", "Echo it.", "atcoder", "", "2024-01-01T00:00:00", "easy", "", None, cases, ())


def cut(text: str) -> str:
    return text[:150] + MARK + text[-150:]


@pytest.fixture(autouse=True)
def keep_sigterm():
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)  # main() installs its own handler


@pytest.fixture(scope="module")
def task():
    task = get_task("lcb-self-repair-demo")(TaskOptions())
    task.limits = Limits(test_timeout_s=1)
    task.by_id = {p.id: p for p in task.load()}
    return task


# --------------------------------------------------------------------------- feedback per status


LONG_INPUT = "".join(str(i % 10) for i in range(400)) + "\n"
CASES = {
    # name: (problem id or a probe problem, the program or None for no code, strict kind, upstream kind)
    "wrong answer": ("demo_abc001_a", WRONG["demo_abc001_a"], "wrong_answer", "wrong_answer"),
    "wrong call result": (
        "count-fair-splits",
        "class Solution:\n    def countFairSplits(self, nums):\n        return 0",
        "wrong_answer",
        "wrong_answer",
    ),
    "runtime error": ("demo_cf1001_a", WRONG["demo_cf1001_a"], "runtime_error", "runtime_error"),
    "syntax error": ("equal-letters-far-apart", WRONG["equal-letters-far-apart"], "compile_error", "compile_error"),
    "time limit": (stdin_problem(("1\n", "1\n")), "while True:\n    pass", "time_limit", "time_limit"),
    "non-zero exit": (stdin_problem(("1\n", "2\n")), "print(1)\nraise SystemExit(3)", "runtime_error", "wrong_answer"),
    "no code": (stdin_problem(("1\n", "1\n")), None, "compile_error", "compile_error"),
    "long fields": (
        stdin_problem((LONG_INPUT, "x" * 400 + "\n")),
        "print(input()[::-1])",
        "wrong_answer",
        "wrong_answer",
    ),
}
LABELS = {  # what each feedback shows, by the template's labels
    "wrong_answer": {"Input:", "Its output:", "Expected output:"},
    "time_limit": {"Input:", "Expected output:"},
    "runtime_error": {"Input:", "Expected output:", "Error:"},
    "compile_error": {"Error:"},
}


@pytest.fixture(scope="module")
def judged(task, pool):
    out = {}
    for name, (problem, code, _, _) in CASES.items():
        problem = task.by_id[problem] if isinstance(problem, str) else problem
        answer = "I could not solve it." if code is None else fenced(code)
        _, result = task.evaluate(problem, answer, pool)
        out[name] = problem, result
    return out


@pytest.mark.sandbox
@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("mode", ["strict", "upstream"])
def test_feedback_kind_and_fields_per_status(task, judged, name, mode):
    problem, result = judged[name]
    kind = CASES[name][2 if mode == "strict" else 3]
    feedback = feedback_for(problem, result, mode)
    assert feedback is not None and feedback.kind == kind, (result.verdicts[mode].status, feedback)
    text = repair_messages(task.repair, problem, "print(0)", feedback)[-1].content
    said = text.split("### What happened\n", 1)[1].split("### Answer format", 1)[0]
    shown = {label for label in ("Input:", "Its output:", "Expected output:", "Error:") if label in said}
    assert shown == LABELS[kind]
    assert problem.content.strip() in text and "```python\nprint(0)\n```" in text
    assert "standard input" in text  # the stdin/stdout format, for every problem as upstream
    f = feedback.fields
    if name == "wrong answer":
        assert (f["input"], f["output"], f["expected"]) == ("8\nxx.xxx.x\n", "6\n", "3\n")
    if name == "wrong call result":  # a call's arguments shown as lcb_runner shows them
        assert (f["input"], f["output"], f["expected"]) == ("[[2, 3, 4, 5]]", "0", "1")
    if name == "runtime error":
        assert "IndexError" in f["error"] and f["expected"] == "10\n11\n6\n"
    if name == "syntax error":
        assert "expected ':'" in f["error"]
    if name == "time limit":
        assert f == {"input": "1\n", "expected": "1\n"}
    if name == "non-zero exit" and mode == "strict":
        assert "exit code 3" in f["error"]
    if name == "long fields":
        reversed_line = LONG_INPUT.strip()[::-1] + "\n"
        assert f == {"input": cut(LONG_INPUT), "output": cut(reversed_line), "expected": cut("x" * 400 + "\n")}
        assert len(f["input"]) == 318 and f["input"] in text


def turn(result: ExecResult, candidate: str | None = "print(1)") -> TurnRecord:
    return TurnRecord([], "", Generation("x"), candidate, result)


def verdicts_result(statuses: dict[str, str]) -> ExecResult:
    """Verdicts that fail (or pass) on demo_abc001_a's second test; upstream's with lcb_runner's metadata."""
    verdicts = {}
    for mode, status in statuses.items():
        tests = [TestResult("pass"), TestResult(status, f"{status} detail", "7")]
        meta = {"inputs": "3\n...\n", "expected": "0\n", "output": "7", "error": f"{status} detail"}
        extras = {"lcb_metadata": meta if status != "pass" else {}} if mode == "upstream" else {}
        verdicts[mode] = Verdict(status, status == "pass", f"{status} detail", tests, extras=extras)
    first = next(iter(verdicts.values()))
    return ExecResult(first.status, first.detail, first.tests, verdicts=verdicts)


@pytest.mark.parametrize("status", [*FEEDBACK_BY_STATUS, "pass", "harness_error"])
def test_turn_two_is_asked_for_by_the_primary_verdict_only(task, status):
    problem = task.by_id["demo_abc001_a"]
    request = task.request(problem, 0, [turn(verdicts_result({"strict": status, "upstream": "pass"}))])
    if status in ("pass", "harness_error"):  # passed: carried over; a sandbox fault is not the program's to fix
        assert request is None
        return
    assert request is not None and request.turn == 1
    assert [m.role for m in request.messages] == ["system", "user"]  # a fresh prompt, not the old chat
    user = request.messages[-1].content
    assert ("Input: 3\n...\n" in user) == (FEEDBACK_BY_STATUS[status] != "compile_error")  # the second test failed
    assert task.request(problem, 0, [turn(verdicts_result({"strict": "fail"})), turn(ExecResult("pass"))]) is None


def test_excluded_primary_takes_the_next_modes_verdict(task):
    problem = task.by_id["demo_abc001_a"]
    assert task.request(problem, 0, [turn(verdicts_result({"strict": "excluded", "upstream": "pass"}))]) is None
    request = task.request(problem, 0, [turn(verdicts_result({"strict": "excluded", "upstream": "timeout"}))])
    assert request is not None and "ran out of time" in request.messages[-1].content


def test_first_turn_is_the_code_generation_request(task):
    generation = get_task("lcb-generation-demo")(TaskOptions())
    problem = task.by_id["count-fair-splits"]
    assert task.request(problem, 0, []) == generation.request(problem, 0, [])


def test_base_model_templates_are_refused():
    with pytest.raises(UserError, match="grades chat answers"):
        get_task("lcb-self-repair-demo")(TaskOptions(prompt="lcb-generation-base"))


def test_turns_block_counts_carried_over_samples_when_no_sample_took_turn_two():
    verdicts = {"strict": Verdict("pass", True), "upstream": Verdict("pass", True)}
    record = SampleRecord("p", 0, "pass", True, [turn(ExecResult("pass", verdicts=verdicts))], 0.1)
    run = {
        "run_id": "r",
        "config_hash": "h",
        "task": {"name": "lcb-self-repair-demo", "num_problems": 1, "turns": 2},
        "generator": {"name": "samples"},
        "sandbox": {"backend": "docker"},
        "eval": {"n": 1},
    }
    turns = aggregate(run, [record])["turns"]
    assert [(t["turn"], t["metrics"], t["grading"]["strict"], t["grading"]["upstream"]) for t in turns] == [
        (1, {"pass@1": 1.0}, {"pass@1": 1.0}, {"pass@1": 1.0}),
        (2, {"pass@1": 1.0}, {"pass@1": 1.0}, {"pass@1": 1.0}),
    ]


# --------------------------------------------------------------------------- end to end through the CLI


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def evaluate(out: Path, task: str, samples: Path, ids: str | None, *extra: str) -> Path | None:
    argv = ["eval", "--task", task, "--generator", "samples", "--samples", str(samples)]
    argv += ["--ids", ids] if ids else []
    before = set(out.iterdir()) if out.exists() else set()
    if main([*argv, "--out", str(out), "--workers", "2", "--quiet", *extra]) != 0:
        return None
    (run,) = set(out.iterdir()) - before
    return run


def read(run: Path) -> tuple[dict, dict, dict[str, dict]]:
    samples = {(s := json.loads(line))["problem_id"]: s for line in (run / "samples.jsonl").open()}
    return json.loads((run / "run.json").read_text()), json.loads((run / "results.json").read_text()), samples


def before_after(results: dict) -> list[tuple[float, float, float]]:
    """(primary, strict, upstream) pass@1 after each turn."""
    return [
        (t["metrics"]["pass@1"], t["grading"]["strict"]["pass@1"], t["grading"]["upstream"]["pass@1"])
        for t in results["turns"]
    ]


@pytest.mark.sandbox
def test_wrong_first_answers_repaired_at_turn_two(tmp_path, capsys, docker_client, sandbox_image):
    rows = [
        {"task_id": "demo_abc001_a", "responses": [fenced(WRONG["demo_abc001_a"]), fenced(RIGHT["demo_abc001_a"])]},
        {
            "task_id": "equal-letters-far-apart",
            "responses": [fenced(WRONG["equal-letters-far-apart"]), fenced(RIGHT["equal-letters-far-apart"])],
        },
    ]
    samples = write_jsonl(tmp_path / "replies.jsonl", rows)
    run = evaluate(tmp_path / "runs", "lcb-self-repair-demo", samples, "demo_abc001_a,equal-letters-far-apart")
    assert run is not None, capsys.readouterr().err
    config, results, records = read(run)
    assert before_after(results) == [(0.0, 0.0, 0.0), (1.0, 1.0, 1.0)]
    assert results["metrics"]["pass@1"] == 1.0
    first, second = records["demo_abc001_a"]["turns"]
    assert first["result"]["status"] == "fail" and second["result"]["status"] == "pass"
    assert set(second["result"]["verdicts"]) == {"strict", "upstream"}
    repair = second["messages"][-1]["content"]
    assert "Input: 8\nxx.xxx.x\n" in repair and "Its output: 6\n" in repair and "Expected output: 3\n" in repair
    assert RIGHT["demo_abc001_a"] not in repair and WRONG["demo_abc001_a"].rstrip() in repair
    assert config["task"]["turns"] == 2 and config["task"]["self_repair"]["from_run"] is None
    assert config["task"]["self_repair"]["template"]["name"] == "lcb-self-repair"
    assert len(config["task"]["self_repair"]["template"]["sha256"]) == 64


@pytest.mark.sandbox
def test_right_first_answer_gets_no_second_request(tmp_path, capsys, docker_client, sandbox_image):
    # one reply only: a turn-2 request would be a UserError from the samples generator
    samples = write_jsonl(
        tmp_path / "replies.jsonl",
        [{"task_id": "count-fair-splits", "responses": [fenced(RIGHT["count-fair-splits"])]}],
    )
    run = evaluate(tmp_path / "runs", "lcb-self-repair-demo", samples, "count-fair-splits")
    assert run is not None, capsys.readouterr().err
    _, results, records = read(run)
    assert len(records["count-fair-splits"]["turns"]) == 1 and records["count-fair-splits"]["passed"]
    assert before_after(results) == [(1.0, 1.0, 1.0), (1.0, 1.0, 1.0)]


def one_error(capsys) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("harness: error: --from-run "), lines
    return lines[0]


@pytest.mark.sandbox
def test_from_run_repairs_an_earlier_generation_run(tmp_path, capsys, docker_client, sandbox_image):
    first = write_jsonl(
        tmp_path / "first.jsonl",
        [
            {"task_id": "demo_abc001_a", "completion": fenced(WRONG["demo_abc001_a"])},
            {"task_id": "count-fair-splits", "completion": fenced(RIGHT["count-fair-splits"])},
        ],
    )
    ids = "demo_abc001_a,count-fair-splits"
    earlier = evaluate(tmp_path / "gen", "lcb-generation-demo", first, ids)
    assert earlier is not None, capsys.readouterr().err
    # turn 1 is never asked for; count-fair-splits passed, so it has no line at all
    replies = write_jsonl(
        tmp_path / "replies.jsonl", [{"task_id": "demo_abc001_a", "responses": ["", fenced(RIGHT["demo_abc001_a"])]}]
    )
    run = evaluate(tmp_path / "runs", "lcb-self-repair-demo", replies, ids, "--from-run", str(earlier))
    assert run is not None, capsys.readouterr().err
    config, results, records = read(run)
    earlier_run, _, earlier_records = read(earlier)
    assert before_after(results) == [(0.5, 0.5, 0.5), (1.0, 1.0, 1.0)]
    assert config["task"]["self_repair"]["from_run"]["path"] == str(earlier)
    assert config["task"]["self_repair"]["from_run"]["run_id"] == earlier_run["run_id"]
    assert config["task"]["self_repair"]["from_run"]["config_hash"] == earlier_run["config_hash"]
    repaired = records["demo_abc001_a"]["turns"]
    assert repaired[0]["generation"]["text"] == earlier_records["demo_abc001_a"]["turns"][0]["generation"]["text"]
    assert repaired[0]["result"]["verdicts"] == earlier_records["demo_abc001_a"]["turns"][0]["result"]["verdicts"]
    assert repaired[1]["result"]["status"] == "pass" and "Its output: 6\n" in repaired[1]["messages"][-1]["content"]
    assert len(records["count-fair-splits"]["turns"]) == 1 and records["count-fair-splits"]["passed"]

    # without --ids: the problems the earlier run answered
    run = evaluate(tmp_path / "all", "lcb-self-repair-demo", replies, None, "--from-run", str(earlier))
    assert run is not None, capsys.readouterr().err
    assert set(read(run)[2]) == {"demo_abc001_a", "count-fair-splits"}

    # one mode of the two the earlier run graded by: turn 1 is judged by that mode alone
    args = ("--from-run", str(earlier), "--grading", "upstream")
    run = evaluate(tmp_path / "upstream", "lcb-self-repair-demo", replies, ids, *args)
    assert run is not None, capsys.readouterr().err
    _, results, records = read(run)
    assert [t["grading"] for t in results["turns"]] == [{"upstream": {"pass@1": 0.5}}, {"upstream": {"pass@1": 1.0}}]
    assert all(list(t["result"]["verdicts"]) == ["upstream"] for r in records.values() for t in r["turns"])

    # refusals, each one sentence and exit 2
    out = tmp_path / "refused"
    capsys.readouterr()
    assert evaluate(out, "lcb-self-repair-demo", replies, ids, "--from-run", str(tmp_path)) is None
    assert "is not a run directory" in one_error(capsys)
    assert evaluate(out, "lcb-self-repair", replies, ids, "--from-run", str(earlier)) is None
    assert "is a run of 'lcb-generation-demo'" in one_error(capsys)
    strict_only = tmp_path / "strict-only"
    shutil.copytree(earlier, strict_only)
    doc = json.loads((strict_only / "run.json").read_text())
    doc["task"]["grading"] = ["strict"]
    (strict_only / "run.json").write_text(json.dumps(doc))
    assert evaluate(out, "lcb-self-repair-demo", replies, ids, "--from-run", str(strict_only)) is None
    assert "graded by strict only" in one_error(capsys)
    assert evaluate(out, "lcb-self-repair-demo", replies, ids, "--from-run", str(earlier), "-n", "2") is None
    assert "has no sample 2 of problem" in one_error(capsys)
