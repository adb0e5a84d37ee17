"""LiveCodeBench's hub path, run for real against a local hub cache laid out as
huggingface_hub lays it out (offline: no traffic leaves the machine)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from harness.tasks.lcb_data import GENERATION_REVISION

DEMO = Path(__file__).resolve().parents[2] / "harness" / "tasks" / "data" / "lcb_generation_demo.jsonl"
COMMIT = GENERATION_REVISION  # the pinned revision: what a run without --revision reads

LOAD = """
import json, sys
from harness.tasks import TaskOptions, get_task
task = get_task("lcb-generation")(TaskOptions(release=sys.argv[1], revision=sys.argv[2] if len(sys.argv) > 2 else None))
problems = task.load()
print(json.dumps({"ids": [p.id for p in problems], "private": sum(len(p.private) for p in problems),
                  "config": {k: task.config()[k] for k in ("source", "files", "public_tests_only")}}))
"""


def fake_hub(root: Path) -> Path:
    repo = root / "hub" / "datasets--livecodebench--code_generation_lite"
    snapshot = repo / "snapshots" / COMMIT
    snapshot.mkdir(parents=True)
    rows = DEMO.read_text().splitlines()
    (snapshot / "test.jsonl").write_text("\n".join(rows[:6]) + "\n")
    (snapshot / "test2.jsonl").write_text("\n".join(rows[6:]) + "\n")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(COMMIT)
    return root / "hub"


def load(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    hub = tmp_path / "hub"
    if not hub.exists():
        fake_hub(tmp_path)
    env = {**os.environ, "HF_HUB_CACHE": str(hub), "HF_HUB_OFFLINE": "1", "HARNESS_CACHE": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-c", LOAD, *args], capture_output=True, text=True, env=env)


def test_releases_resolve_to_hub_files_and_record_the_commit(tmp_path):
    first = load(tmp_path, "release_v1")
    assert first.returncode == 0, first.stderr
    v1 = json.loads(first.stdout)
    assert len(v1["ids"]) == 6
    assert v1["config"]["files"][0]["file"] == "test.jsonl" and v1["config"]["files"][0]["commit"] == COMMIT
    assert v1["config"]["public_tests_only"] is False
    both = json.loads(load(tmp_path, "release_v2").stdout)
    assert len(both["ids"]) == 10 and len(both["config"]["files"]) == 2
    delta = json.loads(load(tmp_path, "v2").stdout)
    assert sorted(delta["ids"]) == sorted(set(both["ids"]) - set(v1["ids"]))
    # decoded once, then read from the JSON cache keyed by the file's sha256
    assert len(list((tmp_path / "cache" / "lcb").glob("*.json"))) == 2
    again = json.loads(load(tmp_path, "release_v2").stdout)
    assert again["private"] == both["private"] > 0


def test_a_missing_file_offline_is_one_sentence(tmp_path):
    result = load(tmp_path, "release_v3")
    assert result.returncode != 0
    assert "pass --data PATH" in result.stderr.strip().splitlines()[-1]


def test_value_scenarios_offline_say_what_to_pass(tmp_path):
    env = {
        **os.environ,
        "HF_HOME": str(tmp_path),
        "HF_HUB_CACHE": str(tmp_path / "hub"),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_CACHE": str(tmp_path / "ds"),
        "HF_DATASETS_OFFLINE": "1",
    }
    for task in ("lcb-execution", "lcb-test-output"):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "harness",
                "eval",
                "--task",
                task,
                "--generator",
                "reference",
                "--out",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            env=env,
        )
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "pass --data PATH" in lines[0], lines
