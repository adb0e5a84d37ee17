"""The polyglot task end to end in the real sandboxes: the reference replayed as edits passes the
demo in every language; the protocol (reflections, a second try with the cleaned test output,
stored transcripts that end early); edits outside the solution files refused; Aider's metrics."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from harness.cli import main
from harness.polyglot.edits import render_blocks
from harness.polyglot.exercises import load_exercises
from harness.tasks import TaskOptions, get_task
from harness.tasks.polyglot import DEMO, state_after

pytestmark = pytest.mark.sandbox

PARITY = "python/parity-bits"
QUEUE = "python/queue-sim"


@pytest.fixture(autouse=True)
def keep_sigterm():
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)  # main() installs its own handler


@pytest.fixture(scope="module")
def demo():
    return {e.id: e for e in load_exercises(DEMO)}


def evaluate(out: Path, *argv: str, rows: dict[str, list[str]] | None = None) -> Path | None:
    if rows is not None:
        argv = ("--generator", "samples", "--samples", str(samples_file(out.parent / "samples.jsonl", rows)), *argv)
    before = set(out.iterdir()) if out.exists() else set()
    if main(["eval", "--task", "polyglot-demo", *argv, "--out", str(out), "--workers", "2", "--quiet"]) != 0:
        return None
    (run,) = set(out.iterdir()) - before
    return run


def read(run: Path) -> tuple[dict, dict, dict[str, dict]]:
    samples = {(s := json.loads(line))["problem_id"]: s for line in (run / "samples.jsonl").open()}
    return json.loads((run / "run.json").read_text()), json.loads((run / "results.json").read_text()), samples


def samples_file(path: Path, rows: dict[str, list[str]]) -> Path:
    path.write_text("".join(json.dumps({"task_id": k, "responses": v}) + "\n" for k, v in rows.items()))
    return path


def whole_file_edit(exercise, path: str, text: str) -> str:
    return render_blocks(path, exercise.files[path].decode(), text)


def test_the_reference_passes_every_demo_exercise_through_the_edit_path(tmp_path):
    run = evaluate(tmp_path / "runs", "--generator", "reference")
    assert run is not None
    meta, results, samples = read(run)
    assert results["metrics"]["pass@1"] == 1.0
    poly = results["polyglot"]
    assert (poly["pass_rate_1"], poly["pass_rate_2"], poly["percent_cases_well_formed"]) == (100.0, 100.0, 100.0)
    assert set(poly["per_language"]) == {"cpp", "go", "java", "javascript", "python", "rust"}
    assert poly["missing"] == []
    for record in samples.values():
        (turn,) = record["turns"]
        assert "<<<<<<< SEARCH" in turn["generation"]["text"]  # replayed as edits, not written over the stubs
        verdict = turn["result"]["verdicts"]["polyglot"]
        assert verdict["status"] == "pass" and all(t["status"] == "pass" for t in verdict["tests"])
    images = meta["sandbox"]["images"]
    assert set(images) == {"cpp", "go", "java", "javascript", "python-polyglot", "rust"}
    assert all(i["image_id"].startswith("sha256:") for i in images.values())
    assert meta["task"]["prompt_template"]["name"] == "polyglot-diff"
    assert images["go"]["toolchain"]["go"]["go"].startswith("go version go1.21")


def test_a_malformed_reply_is_reflected_then_fixed_within_the_try(tmp_path, demo):
    ex = demo[PARITY]
    bad = "parity_bits.py\n```\n<<<<<<< SEARCH\nnot in the file\n=======\nx = 1\n>>>>>>> REPLACE\n```\n"
    good = whole_file_edit(ex, "parity_bits.py", ex.example["parity_bits.py"])
    run = evaluate(tmp_path / "runs", "--ids", PARITY, rows={PARITY: [bad, good]})
    _, results, samples = read(run)
    turns = samples[PARITY]["turns"]
    assert [t["result"]["status"] for t in turns] == ["not_run", "pass"]
    assert "did not match" in turns[1]["messages"][-1]["content"]  # the reflection the model saw
    poly = results["polyglot"]
    assert (poly["pass_rate_1"], poly["num_malformed_responses"], poly["percent_cases_well_formed"]) == (100.0, 1, 0.0)


def test_try_two_sees_the_cleaned_test_output_without_the_canary(tmp_path, demo):
    ex = demo[QUEUE]
    wrong = ex.example["queue_sim.py"].replace("return plan", "return plan[:1]")
    fix = render_blocks("queue_sim.py", wrong, ex.example["queue_sim.py"])
    run = evaluate(tmp_path / "runs", "--ids", QUEUE, rows={QUEUE: [whole_file_edit(ex, "queue_sim.py", wrong), fix]})
    _, results, samples = read(run)
    first, second = samples[QUEUE]["turns"]
    assert (first["result"]["status"], second["result"]["status"]) == ("fail", "pass")
    shown = second["messages"][-1]["content"]
    assert "queue_sim_test.py" in shown and "failed" in shown.lower()
    assert "harness_canary" not in shown and "/job/" not in shown
    assert (results["polyglot"]["pass_rate_1"], results["polyglot"]["pass_rate_2"]) == (0.0, 100.0)


def test_a_transcript_that_ends_after_try_one_ends_the_sample(tmp_path, demo):
    run = evaluate(tmp_path / "runs", "--ids", QUEUE, rows={QUEUE: ["no edits at all"]})
    _, results, samples = read(run)
    assert len(samples[QUEUE]["turns"]) == 1
    assert samples[QUEUE]["status"] == "fail"
    assert results["polyglot"]["pass_rate_2"] == 0.0


def test_edits_to_tests_are_refused_and_counted_as_malformed(tmp_path, demo):
    ex = demo[PARITY]
    test_file = ex.tests[0]
    cheat = render_blocks(test_file, ex.files[test_file].decode(), "import unittest\n")
    run = evaluate(tmp_path / "runs", "--ids", PARITY, "--tries", "1", rows={PARITY: [cheat] * 4})
    _, results, samples = read(run)
    turns = samples[PARITY]["turns"]
    assert len(turns) == 4  # three reflections, then the tests ran on the untouched stub
    assert all(t["result"]["verdicts"]["polyglot"]["extras"]["edits"]["reasons"] == ["forbidden_path"] for t in turns)
    assert turns[-1]["result"]["status"] == "fail"
    assert results["polyglot"]["num_malformed_responses"] == 4


def test_a_build_failure_names_the_compilers_first_error(tmp_path, demo):
    rust = "rust/roman-codec"
    ex = demo[rust]
    undeclared = "use rand::Rng;\n" + ex.example["src/lib.rs"]  # a crate Cargo.toml does not declare
    run = evaluate(
        tmp_path / "runs", "--ids", rust, "--tries", "1", rows={rust: [whole_file_edit(ex, "src/lib.rs", undeclared)]}
    )
    _, results, samples = read(run)
    verdict = samples[rust]["turns"][-1]["result"]["verdicts"]["polyglot"]
    assert verdict["status"] == "build_error"
    assert verdict["detail"].startswith("the build failed (exit code 101): error") and "rand" in verdict["detail"]
    assert results["polyglot"]["build_failures"] == 1


def test_state_follows_the_turns(demo):
    task = get_task("polyglot-demo")(TaskOptions())
    ex = demo[PARITY]
    state = state_after(ex, [])
    assert (state.attempt, state.reflections, state.finished) == (1, 0, False)
    assert state.files == {"parity_bits.py": ex.files["parity_bits.py"].decode()}
    request = task.request(ex, 0, [])
    assert request.turn == 0 and not request.optional
    assert "parity_bits.py" in request.messages[-1].content
    assert ex.instructions.strip()[:40] in request.messages[-1].content
    assert task.edit(ex, request.reference, state.files).files["parity_bits.py"] == ex.example["parity_bits.py"]


@pytest.mark.parametrize("generator", ["baseline", "nir"])
def test_the_model_generators_run_both_tries(generator, tmp_path):
    # the demo model writes noise: no edits apply, so every try fails and try 2 gets the test output
    argv = [
        "--generator",
        generator,
        "--ids",
        f"{PARITY},go/bank-ledger",
        "--max-new-tokens",
        "8",
        "--reflections",
        "0",
    ]
    argv += ["--layer", "23", "--think-tokens", "8"] if generator == "nir" else []
    run = evaluate(tmp_path / "runs", *argv)
    assert run is not None
    _, results, samples = read(run)
    assert results["complete"] and results["demo_model"]
    for record in samples.values():
        assert [t["result"]["verdicts"]["polyglot"]["extras"]["try"] for t in record["turns"]] == [1, 2]
        assert record["turns"][1]["messages"][-1]["content"].count("####") == 1  # test output, then the request
