"""End to end through the CLI against the real sandbox: run, show, kill, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.cli import main
from harness.tasks.mbpp import DEMO_DATA

pytestmark = pytest.mark.sandbox


def run_dirs(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_dir())


def demo_rows() -> list[dict]:
    return [json.loads(line) for line in DEMO_DATA.read_text().splitlines()]


def test_demo_reference_passes_everything(tmp_path, capsys, docker_client, sandbox_image):
    assert main(["eval", "--task", "mbpp-demo", "--generator", "reference", "--out", str(tmp_path), "--quiet"]) == 0
    (run,) = run_dirs(tmp_path)
    results = json.loads((run / "results.json").read_text())
    assert results["metrics"] == {"pass@1": 1.0}
    assert results["problems"] == 16 and results["complete"]
    record = json.loads((run / "run.json").read_text())
    assert record["status"] == "complete"
    assert record["sandbox"]["image_id"].startswith("sha256:")
    assert record["sandbox"]["limits"]["memory_mb"] == 512
    assert record["task"]["prompt_template"]["name"] == "mbpp-3shot"
    assert len(record["config_hash"]) == 64
    samples = [json.loads(line) for line in (run / "samples.jsonl").read_text().splitlines()]
    assert len(samples) == 16
    assert all(s["turns"][0]["static"]["syntax_valid"] for s in samples)
    assert results["static"]["candidates"] == 16 and results["static"]["syntax_valid_rate"] == 1.0
    assert results["static"]["complexity_max"]["mean"] >= 1
    capsys.readouterr()
    assert main(["show", str(run)]) == 0
    assert "pass@1=1.0000" in capsys.readouterr().out
    assert main(["show", str(run), "--table", "nir"]) == 0
    out = capsys.readouterr().out
    assert "syntactic correctness" in out and out.splitlines()[2].split()[1:3] == ["1.0000", "1.0000"]


def test_samples_generator_statuses_and_pass_at_k(tmp_path, docker_client, sandbox_image):
    rows = {str(r["task_id"]): r for r in demo_rows()}
    lines = [
        {"task_id": "Mbpp/5", "completion": rows["5"]["code"]},
        {"task_id": "Mbpp/5", "completion": "def nothing():\n    pass\n"},
        {"task_id": 6, "solution": "```python\n" + rows["6"]["code"] + "\n```", "extra": 1},
        {"task_id": 6, "solution": "I cannot solve this."},
    ]
    samples = tmp_path / "samples.jsonl"
    samples.write_text("".join(json.dumps(x) + "\n" for x in lines))
    argv = ["eval", "--task", "mbpp-demo", "--generator", "samples", "--samples", str(samples)]
    assert main([*argv, "--ids", "5,6", "-n", "2", "--out", str(tmp_path / "runs"), "--quiet"]) == 0
    (run,) = run_dirs(tmp_path / "runs")
    results = json.loads((run / "results.json").read_text())
    by_id = {p["problem_id"]: p for p in results["per_problem"]}
    assert by_id["5"]["statuses"] == ["pass", "error"]  # NameError: the function is missing
    assert by_id["6"]["c"] == 1
    assert results["metrics"] == {"pass@1": 0.5}
    statuses = [json.loads(line)["status"] for line in (run / "samples.jsonl").read_text().splitlines()]
    assert sorted(statuses) == ["error", "pass", "pass", "syntax_error"]


def test_killed_run_resumes_to_identical_results(tmp_path, docker_client, sandbox_image):
    """SIGKILL mid-run, --resume, and compare with an uninterrupted run of the same config."""
    slow = "\nimport time\ntime.sleep(0.15)\n"
    samples = tmp_path / "samples.jsonl"
    with open(samples, "w") as f:
        for row in demo_rows():
            for k in range(3):
                code = row["code"] if (row["task_id"] + k) % 4 else "def broken():\n    pass\n"
                f.write(json.dumps({"task_id": row["task_id"], "completion": code + slow}) + "\n")
    argv = ["eval", "--task", "mbpp-demo", "--generator", "samples", "--samples", str(samples), "-n", "3"]
    cmd = [sys.executable, "-m", "harness", *argv, "--workers", "2", "--quiet"]

    interrupted = tmp_path / "interrupted"
    proc = subprocess.Popen([*cmd, "--out", str(interrupted)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        lines = [p / "samples.jsonl" for p in interrupted.glob("*")] if interrupted.exists() else []
        if lines and lines[0].exists() and len(lines[0].read_text().splitlines()) >= 10:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    (run,) = run_dirs(interrupted)
    done = len((run / "samples.jsonl").read_text().splitlines())
    assert 10 <= done < 48
    assert not (run / "results.json").exists()

    resumed = subprocess.run([sys.executable, "-m", "harness", "eval", "--resume", str(run), "--quiet"])
    assert resumed.returncode == 0
    assert main([*argv, "--out", str(tmp_path / "straight"), "--quiet"]) == 0
    (straight,) = run_dirs(tmp_path / "straight")

    first = json.loads((run / "results.json").read_text())
    second = json.loads((straight / "results.json").read_text())
    assert first.pop("run_id") != second.pop("run_id")
    assert first == second
    assert first["samples"] == 48
    keys = [(r["problem_id"], r["sample_index"]) for r in map(json.loads, (run / "samples.jsonl").open())]
    assert len(keys) == len(set(keys)) == 48


def test_resume_refuses_a_changed_configuration(tmp_path, capsys, docker_client, sandbox_image):
    out = tmp_path / "runs"
    assert main(["eval", "--task", "mbpp-demo", "--generator", "reference", "--limit", "2", "--out", str(out)]) == 0
    (run,) = run_dirs(out)
    options = json.loads((run / "run.json").read_text())
    options["options"]["task_options"]["prompt"] = "mbpp-0shot"
    (run / "run.json").write_text(json.dumps(options))
    capsys.readouterr()
    assert main(["eval", "--resume", str(run), "--quiet"]) == 2
    assert "Cannot resume" in capsys.readouterr().err


def test_ctrl_c_saves_progress_and_removes_containers(tmp_path, docker_client, sandbox_image):
    # long enough that the run is still going at the Ctrl-C even on a loaded machine (5 s test timeout)
    slow = "\nimport time\ntime.sleep(2.5)\n"
    samples = tmp_path / "samples.jsonl"
    samples.write_text(
        "".join(json.dumps({"task_id": r["task_id"], "completion": r["code"] + slow}) + "\n" for r in demo_rows())
    )
    cmd = [sys.executable, "-m", "harness", "eval", "--task", "mbpp-demo", "--generator", "samples"]
    out = tmp_path / "runs"
    proc = subprocess.Popen(
        [*cmd, "--samples", str(samples), "--out", str(out), "--quiet"],
        stderr=subprocess.PIPE,
        text=True,
        # a suite started as a background job inherits SIGINT ignored, and Python then keeps it so:
        # give the child the terminal's default, as a user's Ctrl-C would find it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    # interrupt once a sample is saved, while the others (2.5 s each, 2 at a time) are still running
    while time.monotonic() < deadline and not any(p.stat().st_size for p in out.glob("*/samples.jsonl")):
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "--resume" in err
    run_id = run_dirs(out)[0].name
    assert not docker_client.api.containers(all=True, filters={"label": f"harness.run={run_id}"})
    assert (run_dirs(out)[0] / "samples.jsonl").read_text().count("\n") >= 1


def test_sandbox_clean_removes_orphans(docker_client, sandbox_image, capsys):
    import socket

    from harness.sandbox.docker_backend import LABEL

    labels = {LABEL: "1", "harness.run": "pytest-orphan", "harness.owner": f"{socket.gethostname()}:999999999"}
    docker_client.containers.create(sandbox_image, command=["true"], labels=labels)
    assert main(["sandbox", "clean"]) == 0
    assert "removed" in capsys.readouterr().out
    assert not docker_client.api.containers(all=True, filters={"label": "harness.run=pytest-orphan"})


def test_a_layer_sweep_reports_each_condition_and_resumes(tmp_path, capsys, docker_client, sandbox_image):
    pytest.importorskip("transformers")
    from tests.generators.conftest import build_tiny_llama

    model = build_tiny_llama(tmp_path / "tiny")
    argv = ["eval", "--task", "mbpp-demo", "--generator", "nir", "--model", str(model), "--layer", "1,2+3,none"]
    argv += ["--limit", "3", "--max-new-tokens", "8", "--think-tokens", "8", "--quiet"]
    assert main([*argv, "--out", str(tmp_path / "runs")]) == 0
    (run,) = run_dirs(tmp_path / "runs")
    results = json.loads((run / "results.json").read_text())
    assert results["schema_version"] == 3 and results["samples"] == 9 and results["complete"]
    assert results["condition_names"] == ["layer=1", "layer=2+3", "none"]
    assert list(results["conditions"]) == results["condition_names"]
    assert all(block["problems"] == 3 and "pass@1" in block["metrics"] for block in results["conditions"].values())
    records = [json.loads(line) for line in (run / "samples.jsonl").read_text().splitlines()]
    by_problem: dict[str, set[str]] = {}
    for r in records:
        extras = r["turns"][0]["generation"]["extras"]
        layers = [] if r["condition"] == "none" else [int(k) for k in r["condition"].removeprefix("layer=").split("+")]
        assert extras["condition"] == r["condition"] and extras["layers"] == layers
        by_problem.setdefault(r["problem_id"], set()).add(extras["thinking"])
    assert all(len(traces) == 1 for traces in by_problem.values())  # one thinking trace per problem
    capsys.readouterr()
    assert main(["show", str(run), "--table", "nir"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"model: {model}"
    rows = out[3:]
    assert [row.split()[0] for row in rows] == ["layer=1", "layer=2+3", "none"]

    # drop the last four samples, resume: the same results.json
    lines = (run / "samples.jsonl").read_text().splitlines(keepends=True)
    (run / "samples.jsonl").write_text("".join(lines[:5]))
    (run / "results.json").unlink()
    assert main(["eval", "--resume", str(run), "--quiet"]) == 0
    assert json.loads((run / "results.json").read_text()) == results


def test_the_readme_main_command_runs_nir_on_the_demo_model(tmp_path, capsys, docker_client, sandbox_image):
    pytest.importorskip("transformers")
    from harness.generators.hf import DEMO_LABEL

    argv = ["eval", "--generator", "nir", "--layer", "23", "--task", "mbpp-demo", "--out", str(tmp_path), "--quiet"]
    assert main(argv) == 0
    assert DEMO_LABEL in capsys.readouterr().out  # the summary names the demo model
    (run,) = run_dirs(tmp_path)
    results = json.loads((run / "results.json").read_text())
    assert results["demo_model"] == DEMO_LABEL and results["complete"]
    assert results["samples"] == 16 and results["condition_names"] == ["layer=23"]
    records = [json.loads(line) for line in (run / "samples.jsonl").read_text().splitlines()]
    extras = [r["turns"][0]["generation"]["extras"] for r in records]
    assert all(e["crv_tokens"] > 0 and e["thinking"] and e["layers"] == [23] for e in extras)


# Runs the CLI with the Docker engine "going away" at the 7th job: from then on its API refuses
# connections and every attach stream is closed, as when dockerd is killed (the containers it had
# started are removed through the real engine, which in truth stays up).
ENGINE_LOST_AT_7TH_JOB = """
import socket, sys, threading
import docker
from harness.cli import main
from harness.sandbox.docker_backend import SandboxPool

real_run, lock, calls = SandboxPool.run, threading.Lock(), []

def run(self, job):
    with lock:
        calls.append(job)
        if len(calls) == 7:
            self.client = docker.DockerClient(base_url="unix:///nonexistent/docker.sock", version="1.41", timeout=5)
            for worker in list(self.all):
                worker.sock.shutdown(socket.SHUT_RDWR)
    return real_run(self, job)

SandboxPool.run = run
sys.exit(main(sys.argv[1:]))
"""


def test_losing_the_engine_mid_run_stops_with_one_sentence_and_resumes(tmp_path, docker_client, sandbox_image):
    argv = ["eval", "--task", "mbpp-demo", "--generator", "reference", "--workers", "2", "--quiet"]
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", ENGINE_LOST_AT_7TH_JOB, *argv, "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,  # it used to hang for ever
    )
    assert time.monotonic() - started < 30
    (run,) = run_dirs(tmp_path)
    saved = len((run / "samples.jsonl").read_text().splitlines())
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("harness: error: The sandbox stopped mid-run (the Docker engine stopped answering)")
    assert f"; {saved} of 16 samples are saved in {run};" in line and f"`harness eval --resume {run}`." in line
    assert 0 < saved < 16
    assert not docker_client.api.containers(all=True, filters={"label": f"harness.run={run.name}"})

    assert main(["eval", "--resume", str(run), "--quiet"]) == 0
    results = json.loads((run / "results.json").read_text())
    assert results["complete"] and results["samples"] == 16 and results["metrics"] == {"pass@1": 1.0}


def test_resume_keeps_how_the_run_began_and_appends_each_resume(tmp_path, monkeypatch, docker_client, sandbox_image):
    out = tmp_path / "runs"
    argv = ["eval", "--task", "mbpp-demo", "--generator", "reference", "--limit", "2", "--out", str(out), "--quiet"]
    monkeypatch.setattr(sys, "argv", ["harness", *argv])
    assert main(argv) == 0
    (run,) = run_dirs(out)
    original = json.loads((run / "run.json").read_text())
    # as if begun on another machine, at another commit
    original["machine"]["hostname"] = "elsewhere"
    original["harness"]["commit"] = "0" * 40
    (run / "run.json").write_text(json.dumps(original))
    for workers in ("1", "2"):
        resume = ["eval", "--resume", str(run), "--workers", workers, "--quiet"]
        monkeypatch.setattr(sys, "argv", ["harness", *resume])
        assert main(resume) == 0
    after = json.loads((run / "run.json").read_text())
    for key in ("command", "machine", "harness", "created_at", "options"):
        assert after[key] == original[key], key
    assert after["sandbox"]["workers"] == original["sandbox"]["workers"]
    assert [r["command"] for r in after["resumes"]] == [
        ["harness", *argv[:1], "--resume", str(run), "--workers", w, "--quiet"] for w in ("1", "2")
    ]
    assert [r["workers"] for r in after["resumes"]] == [1, 2]
    assert all(r["machine"]["hostname"] != "elsewhere" and r["harness"]["commit"] != "0" * 40 for r in after["resumes"])
    assert all(r["at"] >= original["created_at"] for r in after["resumes"]) and after["status"] == "complete"


def test_every_executor_of_an_evaluation_is_shut_down(tmp_path, monkeypatch, docker_client, sandbox_image):
    import concurrent.futures

    import harness.runner

    made: list[concurrent.futures.ThreadPoolExecutor] = []

    class Recorded(concurrent.futures.ThreadPoolExecutor):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(harness.runner, "ThreadPoolExecutor", Recorded)
    argv = ["eval", "--task", "mbpp-demo", "--generator", "reference", "--limit", "2", "--out", str(tmp_path)]
    assert main([*argv, "--quiet"]) == 0
    assert len(made) == 3  # data loading, pool start, turns
    assert all(executor._shutdown for executor in made)
