"""The reference solutions of a Polyglot checkout, replayed as SEARCH/REPLACE edits, through the harness.

Prints, from one run of ``harness eval --task polyglot --generator reference``:

1. passes per language and every miss with its status and reason;
2. the run's wall clock (CLI start-up, pools, teardown included) and per-language medians of the
   build and test step times;
3. per-job overhead: for one exercise per language, the harness job (tree placed and removed,
   supervisor, report collection) against the same build and test commands run directly with
   ``docker exec`` in a warm container of the same image (median of --reps each);
4. the size of every sandbox image (``--cold`` also removes the language images and times a cold
   ``harness sandbox build`` of each).

Run from the repository root with a Docker engine running:

    python benchmarks/polyglot_reference.py --data ../polyglot-benchmark --workers 2
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.polyglot.exercises import LANGUAGES, load_exercises  # noqa: E402
from harness.polyglot.languages import recipes  # noqa: E402
from harness.polyglot.testrun import build_job, canary_name  # noqa: E402
from harness.records import Limits  # noqa: E402
from harness.sandbox import TREE_ROOT  # noqa: E402


def reference_run(data: Path, workers: int, languages: str | None, out: Path) -> tuple[Path, float]:
    argv = [sys.executable, "-m", "harness", "eval", "--task", "polyglot", "--data", str(data)]
    argv += ["--generator", "reference", "--workers", str(workers), "--quiet", "--out", str(out)]
    argv += ["--languages", languages] if languages else []
    started = time.monotonic()
    subprocess.run(argv, check=True, cwd=ROOT)
    wall = time.monotonic() - started
    (run,) = out.iterdir()
    return run, wall


def report_run(run: Path, wall: float) -> None:
    by_language: dict[str, list[dict]] = defaultdict(list)
    for line in (run / "samples.jsonl").open():
        record = json.loads(line)
        by_language[record["problem_id"].split("/")[0]].append(record)
    results = json.loads((run / "results.json").read_text())
    total = sum(len(v) for v in by_language.values())
    passed = sum(r["passed"] for v in by_language.values() for r in v)
    print(f"reference: {passed}/{total} pass; wall {wall:.0f} s ({wall / 60:.1f} min)")
    print(f"{'language':<11} {'pass':>7} {'build med s':>12} {'test med s':>11}")
    for language in sorted(by_language):
        records = by_language[language]
        steps = [
            t["result"]["verdicts"]["polyglot"]["extras"].get("step_seconds", {}) for r in records for t in r["turns"]
        ]
        build = [s["build"] for s in steps if "build" in s]
        test = [s["test"] for s in steps if "test" in s]
        med = lambda xs: f"{statistics.median(xs):.2f}" if xs else "-"  # noqa: E731
        ok = sum(r["passed"] for r in records)
        print(f"{language:<11} {ok:>3}/{len(records):<3} {med(build):>12} {med(test):>11}")
    for language in sorted(by_language):
        for record in by_language[language]:
            if not record["passed"]:
                verdict = record["turns"][-1]["result"]["verdicts"]["polyglot"]
                print(f"  miss {record['problem_id']}: {verdict['status']}: {verdict['detail'][:160]}")
    print(f"pass_rate_1 {results['polyglot']['pass_rate_1']}  pass_rate_2 {results['polyglot']['pass_rate_2']}")


def overhead(data: Path, reps: int) -> None:
    """Harness job vs the same commands by ``docker exec`` in a warm container, one exercise per language."""
    import docker

    from harness.sandbox.docker_backend import SandboxPool
    from harness.sandbox.image import image_tag
    from harness.tasks import TaskOptions, get_task

    client = docker.from_env()
    task = get_task("polyglot")(TaskOptions(data=data))
    task.limits = Limits()
    sandboxes = task.sandboxes()
    exercises = {e.language: e for e in reversed(load_exercises(data))}
    print(f"{'language':<11} {'exercise':<28} {'harness s':>10} {'direct s':>9} {'overhead s':>11}")
    for language in LANGUAGES:
        exercise, recipe = exercises[language], recipes()[language]
        files = {p: exercise.example.get(p, exercise.files[p].decode()) for p in exercise.solution}
        with SandboxPool(client, image_tag(language=recipe.image), 1, sandboxes[recipe.image], "bench-pg") as pool:
            worker = pool._take()
            try:
                harness_s, direct_s = [], []
                for _ in range(reps):
                    job = build_job(exercise, recipe, files, canary_name())
                    started = time.monotonic()
                    worker.run(job, pool.limits)
                    harness_s.append(time.monotonic() - started)
                    # the same tree and commands, run by docker exec (tree placed outside the timing)
                    worker._tree(
                        "put", json.dumps({"files": [[f.path, f.mode, _b64(f.data)] for f in job.tree]}).encode()
                    )
                    script = " && ".join(_shell(step.argv) for step in job.steps) or "true"
                    env = [f"{k}={v}" for step in job.steps for k, v in step.env.items()]
                    started = time.monotonic()
                    client.api.exec_start(
                        client.api.exec_create(
                            worker.container.id,
                            ["sh", "-c", f"{script}; true"],
                            workdir=f"{TREE_ROOT}/{exercise.slug}",
                            environment=env,
                        )["Id"]
                    )
                    direct_s.append(time.monotonic() - started)
                    client.api.exec_start(
                        client.api.exec_create(
                            worker.container.id, ["sh", "-c", "rm -rf /tmp/* /work/* 2>/dev/null; true"]
                        )["Id"]
                    )
                    worker._tree("clear")
            finally:
                pool.idle.put(worker)
        h, d = statistics.median(harness_s), statistics.median(direct_s)
        print(f"{language:<11} {exercise.slug:<28} {h:>10.2f} {d:>9.2f} {h - d:>11.2f}")


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")


def _shell(argv: list[str]) -> str:
    import shlex

    return shlex.join(argv)


def images(cold: bool) -> None:
    import docker

    from harness.sandbox.image import image_tag, languages

    client = docker.from_env()
    names = languages()
    if cold:
        for name in names[1:]:
            subprocess.run(["docker", "rmi", "-f", image_tag(language=name)], capture_output=True)
    for name in names:
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "harness", "sandbox", "build", "--images", name],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        took = time.monotonic() - started
        size = client.images.get(image_tag(language=name)).attrs["Size"] / 1e6
        print(f"image {name:<16} {size:>7.0f} MB" + (f"  built in {took:.0f} s" if cold and name != names[0] else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="a Polyglot checkout (commit 7e0611e)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--languages", help="comma-separated subset")
    parser.add_argument("--reps", type=int, default=3, help="repetitions of the overhead measurement")
    parser.add_argument("--cold", action="store_true", help="remove and rebuild the language images, timed")
    parser.add_argument("--skip-run", action="store_true", help="only the overhead and image figures")
    args = parser.parse_args()
    images(args.cold)
    if not args.skip_run:
        with tempfile.TemporaryDirectory() as tmp:
            run, wall = reference_run(args.data.resolve(), args.workers, args.languages, Path(tmp))
            report_run(run, wall)
    overhead(args.data.resolve(), args.reps)


if __name__ == "__main__":
    main()
