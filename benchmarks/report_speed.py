"""How fast `harness report` writes a 2,000-sample run, how large the file is, and how fast
Chromium shows it: first paint, the problem table drawn, and opening a row's samples.

The run measured from, by default, is a real one made here: the reference generator on the real
MBPP test split with four samples per problem (500 problems x 4 = 2,000 sandboxed samples, about
half a minute on 2 cores). Without the MBPP file, ``--synthetic`` builds one from a real mbpp-demo
run by replicating its samples under new problem ids until there are 2,000 (each copy's problem
text gets its id, so no more prompt text is shared than in a real run); ``--run DIR`` measures any
run directory.

    python benchmarks/report_speed.py [--run DIR | --synthetic] [--loads 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness.report import CHROMIUM_ARGS  # noqa: E402

MBPP = Path(os.environ.get("HARNESS_MBPP_JSONL", REPO.parent / "shared" / "data" / "mbpp" / "mbpp.jsonl"))
TARGET = 2000
# Run in the page once it is ready: paint and navigation timings, the mark report.js sets when the
# table is drawn, then the cost of opening rows and of filtering, each timed around its handler.
MEASURE = """() => {
    const paint = {};
    for (const e of performance.getEntriesByType('paint')) paint[e.name] = e.startTime;
    const nav = performance.getEntriesByType('navigation')[0];
    const rows = document.querySelectorAll('#problems .row');
    let t = performance.now();
    rows[0].click();  // the first open also parses the string table
    const firstOpen = performance.now() - t;
    t = performance.now();
    rows[rows.length - 1].click();  // later ones only build their own view
    const laterOpen = performance.now() - t;
    const search = document.getElementById('search');
    t = performance.now();
    search.value = 'timeout';
    search.dispatchEvent(new Event('input'));
    const filter = performance.now() - t;
    return {
        rows: rows.length,
        first_paint: paint['first-paint'],
        first_contentful_paint: paint['first-contentful-paint'],
        table_rendered: performance.getEntriesByName('harness:table-rendered')[0].startTime,
        dom_content_loaded: nav.domContentLoadedEventEnd,
        load: nav.loadEventEnd,
        first_row_open: firstOpen,
        later_row_open: laterOpen,
        search_filter: filter,
        shown_after_filter: document.querySelectorAll('#problems .item:not([hidden])').length,
    };
}"""


def harness_eval(out: Path, *argv: str) -> Path:
    """One ``harness eval`` into ``out``; returns its run directory."""
    subprocess.run([sys.executable, "-m", "harness", "eval", *argv, "--out", str(out), "--quiet"], check=True)
    (run,) = [p for p in out.iterdir() if p.is_dir()]
    return run


def synthetic(work: Path) -> Path:
    """A real mbpp-demo reference run, its samples replicated under new problem ids up to TARGET."""
    from harness.records import Message, SampleRecord, TurnRecord
    from harness.results import aggregate
    from harness.store import RunStore

    source = RunStore.open(harness_eval(work / "source", "--task", "mbpp-demo", "--generator", "reference"))
    run, records = source.read_run(), source.samples()
    copies = -(-TARGET // len(records))
    replicated: list[SampleRecord] = []
    for k in range(copies):
        for r in records:
            pid = f"{r.problem_id}-copy{k}"
            turns = []
            for t in r.turns:
                # the problem's own text (the last message) becomes unique per copy, as it is per problem
                messages = [*t.messages[:-1], Message(t.messages[-1].role, f"{t.messages[-1].content}\n[{pid}]")]
                turns.append(TurnRecord(messages, t.prefill, t.generation, t.candidate, t.result, t.static))
            replicated.append(SampleRecord(pid, r.sample_index, r.status, r.passed, turns, r.seconds, r.condition))
    replicated = replicated[:TARGET]
    ids = list(dict.fromkeys(r.problem_id for r in replicated))
    run = {
        **run,
        "run_id": run["run_id"] + "-synthetic",
        "task": {**run["task"], "problem_ids": ids, "num_problems": len(ids)},
    }
    target = RunStore.create(work / "synthetic", run["run_id"], run)
    for r in replicated:
        target.append(r)
    target.close()
    target.write_results(aggregate(run, target.samples()))
    return target.root


def generation(run: Path, out: Path, repeats: int = 3) -> list[float]:
    from harness.report import write_report

    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        write_report([run], out)
        times.append(time.perf_counter() - start)
    return times


def browser_figures(page_path: Path, loads: int) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    figures = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        for _ in range(loads):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(page_path.resolve().as_uri())
            page.wait_for_selector("body[data-ready=true]")
            page.wait_for_load_state("load")
            # headless Chromium records the first paint when it next draws a frame, which may follow load
            page.wait_for_function("performance.getEntriesByType('paint').length > 0")
            figures.append(page.evaluate(MEASURE))
            page.close()
        browser.close()
    return figures


def report(run: Path, origin: str, out: Path, loads: int) -> None:
    """Measure and print: generation, size, then the browser's figures."""
    samples_file = run / "samples.jsonl"
    samples = sum(1 for _ in samples_file.open())
    results = json.loads((run / "results.json").read_text()) if (run / "results.json").exists() else {}
    times = generation(run, out)
    print(f"run: {origin}")
    print(f"     {samples} samples, {results.get('problems_expected', '?')} problems, n={results.get('n', '?')}")
    print(f"     samples.jsonl {samples_file.stat().st_size / 1e6:.1f} MB")
    each = ", ".join(f"{t:.2f}" for t in times)
    print(f"report: written in {statistics.median(times):.2f} s (median of {len(times)}: {each})")
    print(f"        {out.stat().st_size / 1e6:.2f} MB")
    if not shutil.which("chromium"):
        print("chromium: not found on PATH; browser figures skipped")
        return
    figures = browser_figures(out, loads)
    med = {k: statistics.median(f[k] for f in figures) for k in figures[0]}
    print(f"chromium, from file://, median of {len(figures)} loads, {int(med['rows'])} rows")
    print("  ms since navigation start:")
    for key in ("first_paint", "first_contentful_paint", "table_rendered", "dom_content_loaded", "load"):
        print(f"  {key.replace('_', ' '):<24}{med[key]:8.0f}")
    print("  ms per interaction:")
    print(f"  {'first row opened':<24}{med['first_row_open']:8.0f}   (parses the string table and that row's samples)")
    print(f"  {'another row opened':<24}{med['later_row_open']:8.0f}")
    matched = int(med["shown_after_filter"])
    print(f"  {'search filter':<24}{med['search_filter']:8.0f}   ({matched} rows match 'timeout')")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, help="measure this run directory instead of making one")
    parser.add_argument("--synthetic", action="store_true", help="replicate an mbpp-demo run to 2,000 samples")
    parser.add_argument("--loads", type=int, default=3, help="page loads in Chromium (median reported)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="report-speed-") as tmp:
        work = Path(tmp)
        if args.run:
            run, origin = args.run, f"the run in {args.run}"
        elif args.synthetic or not MBPP.is_file():
            run, origin = synthetic(work), f"mbpp-demo reference samples replicated to {TARGET} (synthetic)"
        else:
            start = time.perf_counter()
            argv = ["--task", "mbpp", "--data", str(MBPP), "--generator", "reference", "-n", "4"]
            run = harness_eval(work / "mbpp", *argv)
            took = time.perf_counter() - start
            origin = f"harness eval {' '.join(argv)} ({took:.0f} s)"
        report(run, origin, work / "report.html", args.loads)


if __name__ == "__main__":
    main()
