"""Replay MBPP's canonical solutions through the sandbox and print the pass counts.

    python benchmarks/mbpp_reference.py

Runs `harness eval --generator reference` on the 500-problem test split and on all
974 problems (challenge tests included) of the original mbpp.jsonl, then prints the
pass counts and every failing task id with its status and a one-line reason.
The data file comes from $HARNESS_MBPP_JSONL (default ../shared/data/mbpp/mbpp.jsonl).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from harness.tasks.mbpp import KNOWN_BROKEN

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("HARNESS_MBPP_JSONL", REPO.parent / "shared" / "data" / "mbpp" / "mbpp.jsonl"))


def run(split: str, out: Path) -> Path:
    cmd = [sys.executable, "-m", "harness", "eval", "--task", "mbpp", "--generator", "reference"]
    cmd += ["--data", str(DATA), "--split", split, "--challenge-tests", "--workers", "2", "--quiet"]
    subprocess.run([*cmd, "--out", str(out / split)], check=True, stdout=subprocess.DEVNULL)
    return next((out / split).iterdir())


def report(split: str, run_dir: Path) -> None:
    results = json.loads((run_dir / "results.json").read_text())
    passed = results["status_counts"].get("pass", 0)
    print(f"{split:>5}: {passed}/{results['samples']} pass ({passed / results['samples']:.2%})")
    for line in (run_dir / "samples.jsonl").read_text().splitlines():
        sample = json.loads(line)
        if not sample["passed"]:
            result = sample["turns"][-1]["result"]
            bad = next((t for t in result["tests"] if t["status"] != "pass"), {})
            why = f"{result['detail']}, got {bad.get('actual')}" if bad.get("actual") else result["detail"]
            known = KNOWN_BROKEN.get(sample["problem_id"], "NOT a known-broken problem")
            print(f"       task {sample['problem_id']}: {sample['status']}: {why} [{known}]")


def main() -> int:
    if not DATA.is_file():
        print(f"MBPP data not found at {DATA}; set HARNESS_MBPP_JSONL to the original mbpp.jsonl.")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        for split in ("test", "full"):
            report(split, run(split, Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
