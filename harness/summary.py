"""``harness show``: a short, plain summary of a run directory."""

from __future__ import annotations

from pathlib import Path

from harness.results import results_of
from harness.store import RunStore


def summary_lines(run_dir: Path) -> list[str]:
    store = RunStore.open(run_dir)
    run = store.read_run()
    results = results_of(store, run)
    task, gen, sandbox = run["task"], run["generator"], run["sandbox"]
    blocks = results.get("conditions") or {"": results}
    lines = [
        f"run        {run['run_id']}  ({run['status']})",
        f"task       {task['name']}"
        + (f"  split={task['split']}" if task.get("split") else "")
        + f"  source={task.get('source')}"
        + ("  (public tests only)" if task.get("public_tests_only") else ""),
        f"generator  {gen['name']}" + (f"  model={gen['model']}" if gen.get("model") else ""),
        *([f"           {gen['demo_model']}"] if gen.get("demo_model") else []),
        *([f"           scope: {gen['scope']}"] if gen.get("scope") else []),
        f"sandbox    {sandbox['backend']}  image={sandbox['image']}",
        f"samples    {results['samples']} of {results['problems_expected'] * results['n'] * len(blocks)}"
        f"  (n={results['n']}, problems={results['problems_expected']}, conditions={len(blocks)})",
    ]
    width = max(map(len, blocks))
    for name, block in blocks.items():
        label = f"{name:<{width}}  " if name else ""
        metrics = _with_intervals(block)
        counts = "  ".join(f"{k}={v}" for k, v in block["status_counts"].items())
        lines.append(f"metrics    {label}{metrics}  statuses: {counts}")
        if hrm := block.get("hrm"):
            lines.append(
                f"  hrm      {label}answered {hrm['answered']} of {hrm['questions']} "
                f"(does_not_fit {hrm['does_not_fit']}, truncated {hrm['truncated']}), "
                f"mean segments {hrm['mean_segments']}, "
                f"{hrm['seconds_per_question']} s per question"
            )
        for mode, graded in block.get("grading", {}).items():
            metrics = "  ".join(f"{k}={v:.4f}" for k, v in graded["metrics"].items())
            excluded = f"  excluded: {len(graded['excluded'])}" if graded["excluded"] else ""
            lines.append(f"  {mode:<9}{label}{metrics}  over {graded['problems']} problems{excluded}")
        for turn in block.get("turns", []):
            metrics = "  ".join(f"{k}={v:.4f}" for k, v in turn["metrics"].items())
            modes = "".join(
                f"  {mode} " + " ".join(f"{k}={v:.4f}" for k, v in m.items())
                for mode, m in turn.get("grading", {}).items()
            )
            lines.append(f"  after turn {turn['turn']}  {label}{metrics}{modes}")
    if not results["complete"]:
        lines.append("           (incomplete run)")
    return lines + disagreement_lines(store.samples())


def _with_intervals(block: dict) -> str:
    """``pass@1=0.5000 [0.3100, 0.6900]`` for each metric, the interval when the block has one."""
    intervals = block.get("intervals", {})
    return "  ".join(
        f"{k}={v:.4f}" + (f" [{intervals[k][0]:.4f}, {intervals[k][1]:.4f}]" if k in intervals else "")
        for k, v in block["metrics"].items()
    )


def disagreement_lines(records) -> list[str]:
    """The samples whose verdict differs between grading modes, with each mode's reason."""
    rows = []
    for record in records:
        verdicts = record.turns[-1].result.verdicts if record.turns else {}
        if len({v.passed for v in verdicts.values()}) > 1:
            reasons = "; ".join(
                f"{mode} {v.status}" + (f" ({v.detail[:70]})" if v.detail else "") for mode, v in verdicts.items()
            )
            notes = [n for v in verdicts.values() for n in v.notes if not n.startswith("candidate:")]
            suffix = f" [{'; '.join(notes)}]" if notes else ""
            rows.append(f"  {record.problem_id}#{record.sample_index}: {reasons}{suffix}")
    if not rows:
        return []
    return [f"verdicts that differ between grading modes ({len(rows)}):", *rows]


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
