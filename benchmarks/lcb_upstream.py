"""Grade LiveCodeBench programs with upstream's own grader, as a reference point for our harness.

What it is for: our LiveCodeBench task has an "upstream-exact" mode that must give the same verdicts as
LiveCodeBench's ``lcb_runner``, and a sandbox that should be faster and safer. This script runs upstream's
grader itself (``lcb_runner.evaluation.compute_code_generation_metrics.codegen_metrics``, which fans out
over ``check_correctness`` -> ``run_test``) on a set of programs, so that its verdicts, metadata and speed can
be compared with ours. It is a benchmark helper, not a test, and nothing here is a copy of upstream code:
upstream is imported at run time from the checkout given by ``--lcb-repo`` (``git clone`` of
LiveCodeBench/LiveCodeBench; its grader needs only numpy and tqdm).

Upstream's grader runs candidate code in forked processes, unsandboxed, with only monkeypatched guards:
run it only on programs you are willing to run on this machine. Run it with stdin from /dev/null: upstream
leaves the parent's file descriptor 0 to the graded programs, so ``open(0).read()`` reads whatever the
grader's own stdin is.

Samples are built the way upstream's ``CodeGenerationProblem.get_evaluation_sample`` builds them:
``{"input_output": json.dumps({"inputs", "outputs", "fn_name"})}`` with the public tests (followed by the
private ones only with ``--private``), ``fn_name`` from ``metadata.func_name``. Problems and programs are
sorted by ``question_id`` as upstream's runner does.

``--programs`` accepts three shapes:

- upstream's ``*_eval_all.json`` or custom-output file: ``[{"question_id", "code_list", ...}]``;
  problems come from ``--problems`` (a JSONL of ``code_generation_lite`` records);
- upstream's other custom-output shape, ``[[code, ...], ...]``, one list per problem of ``--problems`` in
  ``question_id`` order;
- a probe file, ``[{"name", "problem": {question_id, public_test_cases, metadata, starter_code}, "code"}]``;
  each probe carries its own problem and ``--problems`` is not needed.

Example, from the repository root::

    python benchmarks/lcb_upstream.py --lcb-repo ../lcb-upstream --problems ../shared/data/livecodebench/lcb.jsonl \\
        --programs eval_all.json --processes 2 --timeout 6 --out results.json </dev/null

The output JSON holds, at the top, the grading wall time, processes, timeout, upstream commit and number of
programs, then one entry per (question_id, sample index) with upstream's raw result list (True or an error
code per test, stopping at the first failure) and its metadata dict.
"""

from __future__ import annotations

import argparse
import base64
import json
import pickle
import platform
import subprocess
import sys
import time
import zlib
from pathlib import Path


def load_upstream(repo: Path):
    """Import upstream's grader from the checkout at ``repo`` (and nowhere else)."""
    repo = repo.resolve()
    if not (repo / "lcb_runner" / "evaluation" / "compute_code_generation_metrics.py").is_file():
        sys.exit(f"{repo} is not a LiveCodeBench checkout (no lcb_runner/evaluation there)")
    sys.path.insert(0, str(repo))
    from lcb_runner.evaluation import compute_code_generation_metrics as metrics_module

    if not Path(metrics_module.__file__).resolve().is_relative_to(repo):
        sys.exit(f"lcb_runner was imported from {metrics_module.__file__}, not from {repo}")
    return metrics_module


def upstream_commit(repo: Path) -> str:
    done = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else "unknown"


def decode_tests(text: str) -> list[dict]:
    """A test list as stored in the dataset: plain JSON, or base64 of zlib of a pickled JSON string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return json.loads(pickle.loads(zlib.decompress(base64.b64decode(text.encode("utf-8")))))


def evaluation_sample(problem: dict, private: bool) -> dict:
    """The sample dict upstream's ``get_evaluation_sample`` makes, from a raw (string-valued) record."""
    tests = decode_tests(problem["public_test_cases"])
    if private and problem.get("private_test_cases"):
        tests += decode_tests(problem["private_test_cases"])
    metadata = problem.get("metadata") or "{}"
    metadata = json.loads(metadata) if isinstance(metadata, str) else metadata
    in_out = {
        "inputs": [t["input"] for t in tests],
        "outputs": [t["output"] for t in tests],
        "fn_name": metadata.get("func_name", None),
    }
    return {"input_output": json.dumps(in_out)}


def load_jobs(programs_path: Path, problems_path: Path | None) -> list[dict]:
    """One job per problem: question_id, the problem record, its code list, and extras for the report."""
    programs = json.loads(programs_path.read_text())
    if not isinstance(programs, list) or not programs:
        sys.exit(f"{programs_path}: expected a non-empty JSON list")

    if isinstance(programs[0], dict) and "problem" in programs[0]:  # probe file
        jobs = [
            {
                "question_id": p["problem"]["question_id"],
                "problem": p["problem"],
                "codes": [p["code"]],
                "name": p["name"],
            }
            for p in programs
        ]
    else:
        if problems_path is None:
            sys.exit("--problems is needed for this --programs shape")
        with problems_path.open() as f:
            problems = {r["question_id"]: r for r in map(json.loads, filter(str.strip, f))}
        if isinstance(programs[0], list):  # custom output: one code list per problem, in question_id order
            if len(programs) != len(problems):
                sys.exit(f"{len(programs)} code lists for {len(problems)} problems")
            jobs = [
                {"question_id": qid, "problem": problems[qid], "codes": codes}
                for qid, codes in zip(sorted(problems), programs, strict=True)
            ]
        else:
            jobs = []
            for entry in programs:
                qid = str(entry["question_id"])
                if qid not in problems:
                    sys.exit(f"program for unknown question_id {qid!r}")
                job = {"question_id": qid, "problem": problems[qid], "codes": entry["code_list"]}
                if "graded_list" in entry:
                    job["file_graded"] = entry["graded_list"]
                jobs.append(job)

    ids = [j["question_id"] for j in jobs]
    if len(set(ids)) != len(ids):
        sys.exit("duplicate question_id in --programs")
    return sorted(jobs, key=lambda j: j["question_id"])


def grade(upstream, samples: list[dict], generations: list[list[str]], processes: int, timeout: int):
    """Upstream's results and metadata per problem index: {idx: [result list per code]}, {idx: [dict per code]}."""
    if len({len(g) for g in generations}) == 1:
        # The normal case, exactly upstream's evaluator path (it asserts the same n for every problem).
        _, results, metadata = upstream.codegen_metrics(
            samples, generations, num_process_evaluate=processes, timeout=timeout
        )
        return dict(results), {i: [json.loads(m) for m in metas] for i, metas in enumerate(metadata)}
    # Different n per problem: codegen_metrics would refuse, so do its linearisation by hand and call the
    # function it calls.
    owners = [(i, j) for i, gens in enumerate(generations) for j in range(len(gens))]
    flat_results, flat_metadata = upstream.evaluate_generations(
        [samples[i] for i, _ in owners],
        [[generations[i][j]] for i, j in owners],
        num_process_evaluate=processes,
        timeout=timeout,
    )
    results: dict[int, list] = {i: [] for i in range(len(generations))}
    metadata: dict[int, list] = {i: [] for i in range(len(generations))}
    for k, (i, _) in enumerate(owners):
        results[i].append(flat_results[k][0])
        metadata[i].append(flat_metadata[k][0])
    return results, metadata


def plain(value):
    """JSON fallback for numpy scalars and anything else upstream may leave in a result."""
    return value.item() if hasattr(value, "item") else str(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lcb-repo", type=Path, required=True, help="LiveCodeBench checkout to import from")
    parser.add_argument("--problems", type=Path, help="code_generation_lite records (JSONL)")
    parser.add_argument("--programs", type=Path, required=True, help="eval_all / custom-output / probe JSON")
    parser.add_argument("--processes", type=int, default=2, help="upstream's num_process_evaluate")
    parser.add_argument("--timeout", type=int, default=6, help="upstream's per-test timeout, whole seconds")
    parser.add_argument("--private", action="store_true", help="also grade on private_test_cases if present")
    parser.add_argument("--out", type=Path, required=True, help="where to write the results JSON")
    args = parser.parse_args()

    upstream = load_upstream(args.lcb_repo)
    jobs = load_jobs(args.programs, args.problems)
    samples = [evaluation_sample(j["problem"], args.private) for j in jobs]
    generations = [j["codes"] for j in jobs]
    n_programs = sum(map(len, generations))

    start = time.perf_counter()
    results, metadata = grade(upstream, samples, generations, args.processes, args.timeout)
    wall = time.perf_counter() - start

    entries = []
    for idx, job in enumerate(jobs):
        for k, res in enumerate(results[idx]):
            entry = {"question_id": job["question_id"], "sample_index": k}
            if "name" in job:
                entry["name"] = job["name"]
            entry["result"] = res
            entry["passed"] = all(r > 0 for r in res)  # upstream: np.all(np.array(res) > 0)
            entry["metadata"] = metadata[idx][k]
            if "file_graded" in job:
                entry["file_graded"] = job["file_graded"][k]
            entries.append(entry)

    passes = sum(e["passed"] for e in entries)
    report = {
        "what": "LiveCodeBench programs graded by upstream lcb_runner's codegen_metrics",
        "upstream_repo": str(args.lcb_repo.resolve()),
        "upstream_commit": upstream_commit(args.lcb_repo),
        "python": platform.python_version(),
        "problems_file": str(args.problems) if args.problems else None,
        "programs_file": str(args.programs),
        "tests": "public+private" if args.private else "public",
        "processes": args.processes,
        "timeout": args.timeout,
        "n_problems": len(jobs),
        "n_programs": n_programs,
        "passes": passes,
        "grading_wall_s": round(wall, 3),
        "programs_per_s": round(n_programs / wall, 3) if wall else None,
    }
    if any("file_graded" in e for e in entries):
        file_passes = [e for e in entries if e.get("file_graded")]
        report["file_passes"] = len(file_passes)
        report["file_passes_passing_here"] = sum(e["passed"] for e in file_passes)
        report["file_failures_passing_here"] = sum(e["passed"] for e in entries if e.get("file_graded") is False)
    report["results"] = entries
    args.out.write_text(json.dumps(report, indent=1, default=plain) + "\n")

    print(
        f"programs={n_programs} passes={passes} wall_s={wall:.1f} programs_per_s={n_programs / wall:.2f}"
        f" (processes={args.processes}, timeout={args.timeout}, upstream {report['upstream_commit'][:7]})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
