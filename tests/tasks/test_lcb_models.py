"""The model generators run every LiveCodeBench scenario end to end (the bundled demo
model, a few tokens: the answers are noise, the plumbing is what is checked)."""

from __future__ import annotations

import json

import pytest

from harness.cli import main

pytestmark = pytest.mark.sandbox
SCENARIOS = ["lcb-generation-demo", "lcb-execution-demo", "lcb-test-output-demo"]


@pytest.mark.parametrize("task", SCENARIOS)
def test_baseline_runs_every_scenario(task, tmp_path, capsys, docker_client, sandbox_image):
    argv = ["eval", "--task", task, "--generator", "baseline", "--limit", "2", "--max-new-tokens", "8"]
    assert main([*argv, "--out", str(tmp_path), "--quiet"]) == 0
    results = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    assert results["complete"] and results["demo_model"]
    assert set(results["grading"]) == {"strict", "upstream"}
    if task == "lcb-generation-demo":  # the task's own defaults: lcb_runner's 6 s, AtCoder's 1024 MB
        limits = json.loads(next(tmp_path.glob("*/run.json")).read_text())["sandbox"]["limits"]
        assert (limits["test_timeout_s"], limits["memory_mb"]) == (6.0, 1024)


def test_nir_at_layer_23_runs_code_generation(tmp_path, capsys, docker_client, sandbox_image):
    argv = ["eval", "--task", "lcb-generation-demo", "--generator", "nir", "--layer", "23", "--limit", "2"]
    argv += ["--max-new-tokens", "8", "--think-tokens", "8", "--out", str(tmp_path), "--quiet"]
    assert main(argv) == 0
    record = json.loads(next(tmp_path.glob("*/samples.jsonl")).read_text().splitlines()[0])
    assert record["condition"] == "layer=23"
    assert set(record["turns"][0]["result"]["verdicts"]) == {"strict", "upstream"}
