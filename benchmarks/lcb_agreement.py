"""Agreement and speed of our LiveCodeBench grading against upstream's grader, in one run.

Grades the same programs on the same public tests twice: with upstream's lcb_runner
(``benchmarks/lcb_upstream.py``, imported from a checkout given by ``--lcb-repo``; never
vendored) and with ``harness eval --task lcb-generation --grading both`` in the sandbox.
Prints per-sample and per-test agreement of our upstream mode with lcb_runner, every
difference with our recorded reason, how many verdicts strict mode changes and why, and
the wall times. Default programs: the O1-Preview outputs in ../shared, then our probe
programs (benchmarks/data/lcb_probes.json: C-level loops, segfaults, float formatting,
whitespace, exit(), stdin.buffer, threads, ...), each with its own one-problem set.
lcb_runner runs unsandboxed on this machine, under a 6 GB address-space limit.

    python benchmarks/lcb_agreement.py --lcb-repo ../lcb-upstream [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "livecodebench"
PROBES = ROOT / "benchmarks" / "data" / "lcb_probes.json"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))  # lcb_runner sets none; a probe allocates 8 GB


def probe_files(tmp: Path) -> tuple[Path, Path]:
    """The probes as a code-generation problem file and an LCB custom-output file."""
    probes = json.loads(PROBES.read_text())
    rows, programs = [], []
    for probe in probes:
        functional = "func_name" in probe["problem"]["metadata"]
        rows.append(
            {
                **probe["problem"],
                "question_title": probe["name"],
                "question_content": probe["name"],
                "platform": "leetcode" if functional else "atcoder",
                "contest_id": "probe",
                "contest_date": "2024-01-01T00:00:00",
                "difficulty": "easy",
            }
        )
        programs.append({"question_id": probe["problem"]["question_id"], "code_list": [probe["code"]]})
    (tmp / "probes.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp / "probe_programs.json").write_text(json.dumps(programs))
    return tmp / "probes.jsonl", tmp / "probe_programs.json"


def run_upstream(args, out: Path, problems: Path, programs: Path) -> float:
    command = [sys.executable, str(ROOT / "benchmarks" / "lcb_upstream.py"), "--lcb-repo", str(args.lcb_repo)]
    command += ["--problems", str(problems), "--programs", str(programs)]
    command += ["--processes", str(args.workers), "--timeout", "6", "--out", str(out)]
    started = time.monotonic()
    subprocess.run(
        command,
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_limit_memory,
    )
    return time.monotonic() - started


def run_ours(args, out: Path, problems: Path, programs: Path, grading: str = "both") -> tuple[float, Path]:
    command = [sys.executable, "-m", "harness", "eval", "--task", "lcb-generation", "--data", str(problems)]
    command += ["--generator", "samples", "--samples", str(programs), "--grading", grading]
    command += ["--workers", str(args.workers), "--out", str(out), "--quiet"]
    started = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started, next(out.iterdir())


def compare(theirs: dict, ours: list[dict]) -> tuple[str, list[str]]:
    """Agreement lines of our upstream mode with lcb_runner, and the strict changes."""
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
    lines = [
        f"programs: {n}; lcb_runner passes {sum(r['passed'] for r in theirs.values())}",
        f"sample verdicts, our upstream mode vs lcb_runner: {same_sample}/{n} agree ({same_sample / n:.2%})",
        f"per-test results: {same_tests}/{tests} agree ({same_tests / max(tests, 1):.2%})",
        f"differences ({len(differences)}):",
        *differences,
        f"strict mode changes {sum(strict_changes.values())} verdicts:",
        *(f"  {count:4d}  {reason}" for reason, count in strict_changes.most_common()),
    ]
    return "\n".join(lines), differences


def graded_by_both(args, tmp: Path, problems: Path, programs: Path, name: str) -> tuple[dict, list[dict], float, float]:
    upstream_s = run_upstream(args, tmp / f"{name}-upstream.json", problems, programs)
    ours_s, run_dir = run_ours(args, tmp / f"{name}-runs", problems, programs)
    results = json.loads((tmp / f"{name}-upstream.json").read_text())["results"]
    theirs = {(r["question_id"], r["sample_index"]): r for r in results}
    ours = [json.loads(line) for line in (run_dir / "samples.jsonl").read_text().splitlines()]
    return theirs, ours, upstream_s, ours_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lcb-repo", type=Path, required=True, help="a checkout of LiveCodeBench/LiveCodeBench")
    parser.add_argument("--problems", type=Path, default=SHARED / "lcb.jsonl")
    parser.add_argument("--programs", type=Path, default=next(SHARED.glob("outputs/*.eval_all.json"), None))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        theirs, ours, upstream_s, ours_s = graded_by_both(args, tmp, args.problems, args.programs, "main")
        upstream_only_s, _ = run_ours(args, tmp / "runs-upstream", args.problems, args.programs, "upstream")
        strict_only_s, _ = run_ours(args, tmp / "runs-strict", args.problems, args.programs, "strict")
        print(compare(theirs, ours)[0])
        n = len(ours)
        print(
            f"wall, {n} programs, whole commands with start-up: lcb_runner {upstream_s:.1f} s, {args.workers} processes"
        )
        for label, seconds in (("upstream", upstream_only_s), ("strict", strict_only_s), ("both", ours_s)):
            ratio = upstream_s / seconds
            print(
                f"  ours --grading {label:<8} {seconds:5.1f} s, {args.workers} workers: {ratio:.2f}x lcb_runner's speed"
            )
        print("\nprobe programs (benchmarks/data/lcb_probes.json):")
        probe_theirs, probe_ours, _, _ = graded_by_both(args, tmp, *probe_files(tmp), "probes")
        print(compare(probe_theirs, probe_ours)[0])


if __name__ == "__main__":
    main()
