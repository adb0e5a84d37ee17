"""``harness show``: a short, plain summary of a run directory."""

from __future__ import annotations

from pathlib import Path

from harness.results import aggregate
from harness.store import RunStore


def summary_lines(run_dir: Path) -> list[str]:
    store = RunStore.open(run_dir)
    run = store.read_run()
    results = store.read_results() or aggregate(run, store.samples())
    task, gen, sandbox = run["task"], run["generator"], run["sandbox"]
    lines = [
        f"run        {run['run_id']}  ({run['status']})",
        f"task       {task['name']}  split={task.get('split')}  source={task.get('source')}",
        f"generator  {gen['name']}" + (f"  model={gen['model']}" if gen.get("model") else ""),
        f"sandbox    {sandbox['backend']}  image={sandbox['image']}",
        f"samples    {results['samples']} of {results['problems_expected'] * results['n']}"
        f"  (n={results['n']}, problems={results['problems']})",
    ]
    metrics = "  ".join(f"{k}={v:.4f}" for k, v in results["metrics"].items())
    lines.append(f"metrics    {metrics}" + ("" if results["complete"] else "  (incomplete run)"))
    counts = "  ".join(f"{k}={v}" for k, v in results["status_counts"].items())
    lines.append(f"statuses   {counts}")
    return lines


def nir_lines(run_dir: Path, paper: bool) -> list[str]:
    """The NIR paper's table for a run (see harness.scoring.nir_table)."""
    from harness.scoring.nir_table import table

    store = RunStore.open(run_dir)
    run = store.read_run()
    return table(store.samples(), run["generator"]["name"], paper)
