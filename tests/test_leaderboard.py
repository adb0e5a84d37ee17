"""Leaderboards on real runs: add (and what it refuses), render, check (exact and sampled), compare."""

from __future__ import annotations

import json
import shutil
import signal
from pathlib import Path

import pytest

from harness.cli import main
from harness.errors import UserError
from harness.leaderboard import add, check, compare, load_board, markdown
from harness.tasks.mbpp import DEMO_DATA

pytestmark = pytest.mark.sandbox


@pytest.fixture(autouse=True)
def keep_sigterm():
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)  # main() installs its own handler


def samples_run(out: Path, wrong: set[str], n: int = 1) -> Path:
    """An mbpp-demo run of stored answers: the reference code, except a wrong answer for ``wrong``."""
    rows = [json.loads(line) for line in DEMO_DATA.read_text().splitlines()]
    lines = []
    for row in rows:
        task_id = str(row["task_id"])
        code = "def nothing():\n    pass\n" if task_id in wrong else row["code"]
        lines += [json.dumps({"task_id": task_id, "completion": code})] * n
    path = out.parent / f"{out.name}.jsonl"
    path.write_text("\n".join(lines) + "\n")
    argv = ["eval", "--task", "mbpp-demo", "--generator", "samples", "--samples", str(path), "-n", str(n)]
    assert main([*argv, "--out", str(out), "--quiet"]) == 0
    (run,) = out.iterdir()
    return run


@pytest.fixture(scope="module")
def runs(tmp_path_factory, docker_client, sandbox_image):
    root = tmp_path_factory.mktemp("boards")
    return {
        "good": samples_run(root / "good", wrong={"5"}),
        "flipped": samples_run(root / "flipped", wrong={"6"}),
    }


def test_an_entry_holds_provenance_intervals_and_the_verdict_vector(runs, tmp_path):
    path, (entry,) = add(runs["good"], tmp_path)
    assert path == tmp_path / "mbpp-demo.json"
    board = load_board(tmp_path, "mbpp-demo")
    assert board["entries"] == [entry] and entry["deterministic"]
    assert entry["problems"]["5"] == [1, 0] and entry["problems"]["6"] == [1, 1]
    low, high = entry["intervals"]["pass@1"]
    assert low < entry["metrics"]["pass@1"] < high
    prov = entry["provenance"]
    assert prov["prompt_templates"]["mbpp-3shot"] and prov["dataset_sha256"] and prov["harness_version"]
    assert all(v.startswith("sha256:") for v in prov["sandbox_images"].values())
    assert "| 1 | samples (good.jsonl) |" in markdown(board)


def test_add_refuses_duplicates_incomplete_and_unsandboxed_runs(runs, tmp_path):
    add(runs["good"], tmp_path)
    with pytest.raises(UserError, match="already has"):
        add(runs["good"], tmp_path)
    add(runs["good"], tmp_path, replace=True)  # on purpose
    assert len(load_board(tmp_path, "mbpp-demo")["entries"]) == 1
    for change, message in ((("status", "running"), "incomplete"), (("sandbox", "none"), "without the sandbox")):
        copy = tmp_path / change[0]
        shutil.copytree(runs["good"], copy)
        run = json.loads((copy / "run.json").read_text())
        if change[0] == "sandbox":
            run["sandbox"]["backend"] = "none"
        else:
            run["status"] = "running"
        (copy / "run.json").write_text(json.dumps(run))
        with pytest.raises(UserError, match=message):
            add(copy, tmp_path / "other")


def test_check_names_the_problems_that_flipped_and_exits_non_zero(runs, tmp_path, capsys):
    add(runs["good"], tmp_path)
    (same,) = check(runs["good"], tmp_path)
    assert not same.failed
    # the same setup with other answers would be another samples file: make the board's entry the
    # flipped run's verdict vector under the good run's setup, as a changed harness would
    board = json.loads((tmp_path / "mbpp-demo.json").read_text())
    flipped = json.loads((runs["flipped"] / "results.json").read_text())
    board["entries"][0]["problems"] = {r["problem_id"]: [r["n"], r["c"]] for r in flipped["per_problem"]}
    (tmp_path / "mbpp-demo.json").write_text(json.dumps(board))
    (outcome,) = check(runs["good"], tmp_path)
    assert outcome.failed and outcome.comparison.worse == ["5"] and outcome.comparison.better == ["6"]
    capsys.readouterr()
    assert main(["leaderboard", "--dir", str(tmp_path), "check", str(runs["good"])]) == 1
    out = capsys.readouterr().out
    assert "now failing (1): 5" in out and "now passing (1): 6" in out and "VERDICTS CHANGED" in out


def test_check_without_a_matching_entry_is_one_sentence(runs, tmp_path, capsys):
    add(runs["good"], tmp_path)
    assert main(["leaderboard", "--dir", str(tmp_path), "check", str(runs["flipped"])]) == 2
    assert "has no entry with this run's setup" in capsys.readouterr().err
    assert main(["leaderboard", "--dir", str(tmp_path), "check", str(runs["good"]), "--board", "nope"]) == 2


def test_a_sampled_entry_tolerates_one_flip(runs, tmp_path):
    add(runs["good"], tmp_path)
    board = json.loads((tmp_path / "mbpp-demo.json").read_text())
    board["entries"][0]["deterministic"] = False
    board["entries"][0]["problems"]["6"] = [1, 0]  # one discordant problem, in the run's favour
    (tmp_path / "mbpp-demo.json").write_text(json.dumps(board))
    (outcome,) = check(runs["good"], tmp_path)
    assert not outcome.failed and outcome.comparison.better == ["6"]


def test_compare_prints_the_paired_comparison(runs, capsys):
    (result,) = compare(runs["good"], runs["flipped"])
    assert (result[1].worse, result[1].better, result[1].p_value) == (["6"], ["5"], 1.0)
    assert main(["compare", str(runs["good"]), str(runs["flipped"])]) == 0
    out = capsys.readouterr().out
    assert "discordant 2" in out and "B worse: 6" in out
