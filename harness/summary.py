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
    blocks = results.get("conditions") or {"": results}
    lines = [
        f"run        {run['run_id']}  ({run['status']})",
        f"task       {task['name']}  split={task.get('split')}  source={task.get('source')}",
        f"generator  {gen['name']}" + (f"  model={gen['model']}" if gen.get("model") else ""),
        *([f"           {gen['demo_model']}"] if gen.get("demo_model") else []),
        f"sandbox    {sandbox['backend']}  image={sandbox['image']}",
        f"samples    {results['samples']} of {results['problems_expected'] * results['n'] * len(blocks)}"
        f"  (n={results['n']}, problems={results['problems_expected']}, conditions={len(blocks)})",
    ]
    width = max(map(len, blocks))
    for name, block in blocks.items():
        label = f"{name:<{width}}  " if name else ""
        metrics = "  ".join(f"{k}={v:.4f}" for k, v in block["metrics"].items())
        counts = "  ".join(f"{k}={v}" for k, v in block["status_counts"].items())
        lines.append(f"metrics    {label}{metrics}  statuses: {counts}")
    if not results["complete"]:
        lines.append("           (incomplete run)")
    return lines


def nir_lines(run_dir: Path, paper: bool) -> list[str]:
    """The NIR paper's table for a run (see harness.scoring.nir_table)."""
    from harness.scoring.nir_table import table

    store = RunStore.open(run_dir)
    run = store.read_run()
    gen = run["generator"]
    lines = []
    if gen.get("model"):
        lines.append(f"model: {gen['model']}" + (f"  [{gen['demo_model']}]" if gen.get("demo_model") else ""))
    return lines + table(store.samples(), gen["name"], paper, run["eval"].get("conditions"))
