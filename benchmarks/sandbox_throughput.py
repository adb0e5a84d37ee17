"""Sandbox throughput on MBPP: the Docker sandbox against an unsandboxed fork-per-sample baseline.

Measures, side by side in one run on the same machine:

1. sandboxed: wall clock of the whole ``harness eval --task mbpp --generator reference --workers 2 --quiet``
   command on the 500 test-split problems (CLI start-up, container pool start and teardown included);
2. unsandboxed, EvalPlus-style: one forked process per problem (at most two at a time, killed after 10 s)
   that execs the reference code, ``test_setup_code`` and the ``test_list`` asserts in one namespace;
3. the sandbox's per-job overhead (200 trivial jobs on a one-container pool) and, for comparison, the
   cost of starting a bare interpreter (``python3 -c pass``).

The throughput runs alternate unsandboxed and sandboxed for $HARNESS_BENCH_ROUNDS rounds (default 5),
so drift on a busy machine hits both alike; medians and means are reported.

Run from the repository root with a Docker engine running:

    python benchmarks/sandbox_throughput.py

The data file is $HARNESS_MBPP_JSONL, by default ../shared/data/mbpp/mbpp.jsonl beside the repository.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
TIMEOUT_S = 10.0
ROUNDS = int(os.environ.get("HARNESS_BENCH_ROUNDS", "5"))


def load_problems(path: Path) -> list[dict]:
    """The MBPP test split (task ids 11-510), as raw rows."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row for row in rows if 11 <= int(row["task_id"]) <= 510]


def harness_command() -> list[str]:
    """The ``harness`` console script of this interpreter, else the one on PATH, else ``-m harness.cli``."""
    beside = Path(sys.executable).parent / "harness"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("harness")
    return [found] if found else [sys.executable, "-m", "harness.cli"]


def run_sandboxed(data: Path) -> tuple[float, int]:
    """Time the whole CLI command; return (wall seconds, passing samples from results.json)."""
    with tempfile.TemporaryDirectory(prefix="harness-bench-") as out:
        argv = [*harness_command(), "eval", "--task", "mbpp", "--generator", "reference", "--data", str(data)]
        argv += ["--workers", str(WORKERS), "--quiet", "--out", out]
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        (results,) = Path(out).glob("*/results.json")
        return wall, json.loads(results.read_text())["status_counts"].get("pass", 0)


def _child(problem: dict) -> None:
    """In the forked process: run code, setup and asserts in one namespace; an exception exits 1."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    namespace: dict = {"__name__": "__main__"}
    exec(problem["code"], namespace)
    exec(problem.get("test_setup_code") or "", namespace)
    for test in problem["test_list"]:
        exec(test, namespace)


def run_unsandboxed(problems: list[dict]) -> tuple[float, int]:
    """Fork one process per problem, two at a time; return (wall seconds, passing samples)."""
    fork = multiprocessing.get_context("fork")
    todo, running, passed = list(problems), {}, 0  # running: sentinel -> (process, deadline)
    start = time.perf_counter()
    while todo or running:
        while todo and len(running) < WORKERS:
            proc = fork.Process(target=_child, args=(todo.pop(0),))
            proc.start()
            running[proc.sentinel] = (proc, time.monotonic() + TIMEOUT_S)
        soonest = min(deadline for _, deadline in running.values())
        wait(list(running), timeout=max(soonest - time.monotonic(), 0))
        for sentinel, (proc, deadline) in list(running.items()):
            if proc.exitcode is None and time.monotonic() < deadline:
                continue
            if proc.exitcode is None:
                proc.kill()
            proc.join()
            passed += proc.exitcode == 0
            del running[sentinel]
    return time.perf_counter() - start, passed


def sandbox_overhead(jobs: int = 200) -> list[float]:
    """Milliseconds per trivial job on a one-container pool, run one after another."""
    from harness.records import Job, Limits, ProbeTest
    from harness.sandbox.docker_backend import SandboxPool, connect
    from harness.sandbox.image import ensure_image

    client = connect()
    image = ensure_image(client, log=lambda _msg: None)
    job = Job("python", code="def f():\n    return 1\n", tests=[ProbeTest("assert f() == 1", "f()", "eq", "1")])
    times = []
    with SandboxPool(client, image, 1, Limits(), run_id=f"bench-{os.getpid()}") as pool:
        for _ in range(jobs):
            start = time.perf_counter()
            result = pool.run(job)
            times.append((time.perf_counter() - start) * 1000)
            if not result.passed:
                raise RuntimeError(f"trivial sandbox job did not pass: {result.status}")
    return times


def interpreter_start(times: int = 50) -> float:
    """Mean milliseconds to start and exit a bare ``python3 -c pass`` (this interpreter, not a PATH shim)."""
    start = time.perf_counter()
    for _ in range(times):
        subprocess.run([sys.executable, "-c", "pass"], check=True)
    return (time.perf_counter() - start) * 1000 / times


def figures(label: str, wall: float, n: int) -> str:
    return f"  {label:<22} {wall:7.2f} s  {n / wall:7.1f} samples/s  {wall * 1000 / n:6.1f} ms/sample"


def main() -> int:
    data = Path(os.environ.get("HARNESS_MBPP_JSONL") or ROOT.parent / "shared" / "data" / "mbpp" / "mbpp.jsonl")
    if not data.is_file():
        print(f"MBPP data not found at {data}; set HARNESS_MBPP_JSONL to the path of mbpp.jsonl.")
        return 2
    problems = load_problems(data)
    n = len(problems)
    print(f"MBPP test split: {n} problems from {data}; {WORKERS} workers; {os.cpu_count()} CPUs")
    print(f"harness command: {' '.join(harness_command())}")
    runs: dict[str, list[float]] = {"unsandboxed": [], "sandboxed": []}
    measures = {"unsandboxed": lambda: run_unsandboxed(problems), "sandboxed": lambda: run_sandboxed(data)}
    for round_ in range(1, ROUNDS + 1):
        for kind, measure in measures.items():
            wall, passed = measure()
            runs[kind].append(wall)
            print(f"{figures(f'{kind} (run {round_})', wall, n)}  pass {passed}/{n}", flush=True)
    median = {kind: statistics.median(walls) for kind, walls in runs.items()}
    print(f"Medians (means) of {ROUNDS} runs:")
    for kind, wall in median.items():
        print(f"{figures(kind, wall, n)}  (mean {statistics.mean(runs[kind]):.2f} s)")
    ratio = median["unsandboxed"] / median["sandboxed"]
    verdict = "MET" if ratio >= 1 else "NOT MET"
    print(f"Ratio sandboxed/unsandboxed samples/s: {ratio:.3f}")
    print(f"Bar 'sandboxed is at least as fast as unsandboxed fork-per-sample': {verdict}")
    per_job = sandbox_overhead()
    print(
        f"Sandbox per-job overhead (1 container, {len(per_job)} trivial jobs in sequence): "
        f"mean {statistics.mean(per_job):.2f} ms, median {statistics.median(per_job):.2f} ms"
    )
    print(f"Bare interpreter start (python3 -c pass, 50 times): mean {interpreter_start():.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
