"""Agreement and speed of our LiveCodeBench grading against upstream's grader, in one run.

Grades the same programs on the same public tests twice: with upstream's lcb_runner
(``benchmarks/lcb_upstream.py``, imported from a checkout given by ``--lcb-repo``; never
vendored) and with ``harness eval --task lcb-generation --grading both`` in the sandbox.
Prints per-sample and per-test agreement of our upstream mode with lcb_runner, every
difference with our recorded reason, how many verdicts strict mode changes and why, and
both wall times. Default programs: the O1-Preview outputs in ../shared.

    python benchmarks/lcb_agreement.py --lcb-repo ../lcb-upstream [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "livecodebench"


def run_upstream(args, out: Path) -> float:
    command = [sys.executable, str(ROOT / "benchmarks" / "lcb_upstream.py"), "--lcb-repo", str(args.lcb_repo)]
    command += ["--problems", str(args.problems), "--programs", str(args.programs)]
    command += ["--processes", str(args.workers), "--timeout", "6", "--out", str(out)]
    started = time.monotonic()
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def run_ours(args, out: Path, grading: str = "both") -> tuple[float, Path]:
    command = [sys.executable, "-m", "harness", "eval", "--task", "lcb-generation", "--data", str(args.problems)]
    command += ["--generator", "samples", "--samples", str(args.programs), "--grading", grading]
    command += ["--workers", str(args.workers), "--out", str(out), "--quiet"]
    started = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started, next(out.iterdir())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lcb-repo", type=Path, required=True, help="a checkout of LiveCodeBench/LiveCodeBench")
    parser.add_argument("--problems", type=Path, default=SHARED / "lcb.jsonl")
    parser.add_argument("--programs", type=Path, default=next(SHARED.glob("outputs/*.eval_all.json"), None))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        upstream_s = run_upstream(args, tmp / "upstream.json")
        ours_s, run_dir = run_ours(args, tmp / "runs")
        upstream_only_s, _ = run_ours(args, tmp / "runs-upstream", "upstream")
        strict_only_s, _ = run_ours(args, tmp / "runs-strict", "strict")
        theirs = {
            (r["question_id"], r["sample_index"]): r for r in json.loads((tmp / "upstream.json").read_text())["results"]
        }
        ours = [json.loads(line) for line in (run_dir / "samples.jsonl").read_text().splitlines()]
    same_sample = same_tests = tests = 0
    differences, strict_changes = [], Counter()
    for record in ours:
        verdicts = record["turns"][-1]["result"]["verdicts"]
        up, strict = verdicts["upstream"], verdicts["strict"]
        reference = theirs[(record["problem_id"], record["sample_index"])]
        mine, their = up["extras"]["lcb_result"], reference["result"]
        same_sample += up["passed"] == reference["passed"]
        tests += len(their)
        same_tests += sum(a == b for a, b in zip(mine, their, strict=False)) if len(mine) == len(their) else 0
        if mine != their:
            why = "; ".join(up["notes"]) or up["detail"][:100]
            differences.append(f"  {record['problem_id']}: ours {mine} lcb_runner {their}: {why}")
        if strict["passed"] != up["passed"]:
            strict_changes[f"{up['status']} -> {strict['status']}: {strict['detail'][:60] or 'passes'}"] += 1
    n = len(ours)
    print(f"programs: {n}; lcb_runner passes {sum(r['passed'] for r in theirs.values())}")
    print(f"sample verdicts, our upstream mode vs lcb_runner: {same_sample}/{n} agree ({same_sample / n:.2%})")
    print(f"per-test results: {same_tests}/{tests} agree ({same_tests / max(tests, 1):.2%})")
    print(f"differences ({len(differences)}):", *differences, sep="\n")
    print(f"strict mode changes {sum(strict_changes.values())} verdicts:")
    for reason, count in strict_changes.most_common():
        print(f"  {count:4d}  {reason}")
    print(f"wall, {n} programs, whole commands incl. start-up: lcb_runner {upstream_s:.1f} s, {args.workers} processes")
    for label, seconds in (("upstream", upstream_only_s), ("strict", strict_only_s), ("both", ours_s)):
        ratio = upstream_s / seconds
        print(f"  ours --grading {label:<8} {seconds:5.1f} s, {args.workers} workers: {ratio:.2f}x lcb_runner's speed")


if __name__ == "__main__":
    main()
