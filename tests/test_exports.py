"""harness export on real runs: tables at both levels in every format, documented columns, and the
upstream shapes (Aider's leaderboard row, LiveCodeBench's _eval_all.json)."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pandas as pd
import pytest
import yaml

from harness.cli import main
from harness.exports import PROBLEM_COLUMNS, SAMPLE_COLUMNS, export
from harness.gate import DATA
from harness.tasks.mbpp import DEMO_DATA

pytestmark = pytest.mark.sandbox


@pytest.fixture(autouse=True)
def keep_sigterm():
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)


def evaluate(out: Path, *argv: str) -> Path:
    assert main(["eval", *argv, "--out", str(out), "--quiet", "--workers", "2"]) == 0
    (run,) = out.iterdir()
    return run


@pytest.fixture(scope="module")
def mbpp_run(tmp_path_factory, docker_client, sandbox_image):
    root = tmp_path_factory.mktemp("exports")
    rows = [json.loads(line) for line in DEMO_DATA.read_text().splitlines()]
    lines = []
    for row in rows:  # two samples each: the reference, and one that fails
        lines.append(json.dumps({"task_id": row["task_id"], "completion": row["code"]}))
        lines.append(json.dumps({"task_id": row["task_id"], "completion": "def f(:\n"}))
    (root / "answers.jsonl").write_text("\n".join(lines) + "\n")
    return evaluate(
        root / "runs",
        "--task",
        "mbpp-demo",
        "--generator",
        "samples",
        "--samples",
        str(root / "answers.jsonl"),
        "-n",
        "2",
    )


@pytest.mark.parametrize("fmt", ["json", "csv", "parquet"])
def test_sample_tables_round_trip_with_documented_columns(mbpp_run, tmp_path, fmt):
    out = export(mbpp_run, fmt, "sample", tmp_path / f"samples.{fmt}")
    frame = {"json": pd.read_json, "csv": pd.read_csv, "parquet": pd.read_parquet}[fmt](out)
    assert len(frame) == 32
    assert set(frame.columns) <= set(SAMPLE_COLUMNS)
    assert frame["passed"].sum() == 16
    failing = frame[frame["sample_index"] == 1]
    assert set(failing["status"]) == {"syntax_error"} and not failing["syntax_valid"].any()
    assert frame.iloc[0]["problem_id"] == 5 if fmt == "csv" else str(frame.iloc[0]["problem_id"]) == "5"


def test_problem_table_has_pass_at_k_per_problem(mbpp_run, tmp_path):
    frame = pd.read_parquet(export(mbpp_run, "parquet", "problem", tmp_path / "p.parquet"))
    assert len(frame) == 16 and set(frame.columns) <= set(PROBLEM_COLUMNS) | {"pass@1"}
    assert (frame["pass@1"] == 0.5).all() and (frame["statuses"] == "pass,syntax_error").all()


def test_bad_format_or_level_is_one_sentence(mbpp_run, tmp_path, capsys):
    assert main(["export", str(mbpp_run), "--format", "xlsx"]) == 2
    assert "--format must be one of" in capsys.readouterr().err
    assert main(["export", str(mbpp_run), "--level", "token"]) == 2
    assert main(["export", str(mbpp_run), "--format", "aider"]) == 2
    assert "needs a Polyglot run" in capsys.readouterr().err
    assert main(["export", str(tmp_path)]) == 2  # not a run


def test_the_default_output_lies_beside_the_run(mbpp_run, capsys):
    assert main(["export", str(mbpp_run), "--format", "csv", "--level", "problem"]) == 0
    assert Path(capsys.readouterr().out.strip()) == mbpp_run / "export-problem.csv"


def test_a_polyglot_run_exports_aiders_leaderboard_row(tmp_path, docker_client):
    run = evaluate(
        tmp_path / "runs", "--task", "polyglot-demo", "--generator", "reference", "--ids", "python/parity-bits"
    )
    (row,) = yaml.safe_load(export(run, "aider", "sample", tmp_path / "row.yml").read_text())
    assert (row["pass_rate_1"], row["pass_rate_2"], row["test_cases"], row["edit_format"]) == (100.0, 100.0, 1, "diff")
    for field in (
        "dirname",
        "model",
        "commit_hash",
        "percent_cases_well_formed",
        "num_malformed_responses",
        "test_timeouts",
        "total_tests",
        "command",
        "date",
        "versions",
        "seconds_per_case",
        "total_cost",
    ):
        assert field in row


def test_an_lcb_generation_run_exports_upstreams_eval_all(tmp_path, docker_client):
    answers = DATA / "lcb_generation_demo_wrong.json"
    ids = "demo_abc001_a,demo_cf1001_a,demo_cf1002_b,equal-letters-far-apart"
    run = evaluate(
        tmp_path / "runs",
        "--task",
        "lcb-generation-demo",
        "--generator",
        "samples",
        "--samples",
        str(answers),
        "--ids",
        ids,
    )
    rows = json.loads(export(run, "lcb", "sample", tmp_path / "eval_all.json").read_text())
    assert [r["question_id"] for r in rows] == sorted(ids.split(","))
    for r in rows:
        assert r["graded_list"] == [False] and r["pass@1"] == 0.0
        assert r["question_content"] and r["platform"] and r["difficulty"] and r["contest_date"]
        assert len(r["code_list"]) == len(r["output_list"]) == len(r["metadata"]) == 1
        assert "error_code" in json.loads(r["metadata"][0])
