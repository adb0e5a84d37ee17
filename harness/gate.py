"""The CI gate: deterministic evaluations of every bundled demo set, checked against the boards
committed in ``leaderboards/``.

Each evaluation is the reference (the harness proving itself) or the bundled demo model decoding
greedily (the generators proving themselves); both are deterministic, so any changed verdict
fails and is named. ``harness leaderboard demo --update`` reruns them and replaces their entries:
the one command that changes the boards on purpose.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.errors import UserError
from harness.leaderboard import add, check

MODEL_FLAGS = ["--max-new-tokens", "96"]
DATA = Path(__file__).parent / "tasks" / "data"


@dataclass(frozen=True)
class DemoEval:
    task: str
    generator: str
    flags: tuple[str, ...] = ()


DEMO_EVALS = [
    DemoEval("mbpp-demo", "reference"),
    DemoEval("mbpp-demo", "baseline", tuple(MODEL_FLAGS)),
    DemoEval("mbpp-demo", "nir", ("--layer", "23", "--think-tokens", "32", *MODEL_FLAGS)),
    # code generation has no canonical solutions: the bundled right and wrong programs stand in
    DemoEval("lcb-generation-demo", "samples", ("--samples", "{data}/lcb_generation_demo_solutions.json")),
    DemoEval(
        "lcb-generation-demo",
        "samples",
        (
            "--samples",
            "{data}/lcb_generation_demo_wrong.json",
            "--ids",
            "demo_abc001_a,demo_cf1001_a,demo_cf1002_b,equal-letters-far-apart",
        ),
    ),
    DemoEval("lcb-generation-demo", "baseline", tuple(MODEL_FLAGS)),
    DemoEval("lcb-self-repair-demo", "baseline", tuple(MODEL_FLAGS)),
    DemoEval("lcb-test-output-demo", "reference"),
    DemoEval("lcb-test-output-demo", "baseline", tuple(MODEL_FLAGS)),
    DemoEval("lcb-execution-demo", "reference"),
    DemoEval("lcb-execution-demo", "baseline", tuple(MODEL_FLAGS)),
    DemoEval("polyglot-demo", "reference"),
    DemoEval("polyglot-demo", "baseline", tuple(MODEL_FLAGS)),
]


def run_demo(demo: DemoEval, out: Path, workers: int) -> Path:
    """Run one demo evaluation into ``out``; returns its run directory."""
    from harness.cli import main

    flags = [f.replace("{data}", str(DATA)) for f in demo.flags]
    argv = ["eval", "--task", demo.task, "--generator", demo.generator, *flags]
    with contextlib.redirect_stdout(io.StringIO()):  # each run's summary; the gate prints its own lines
        code = main([*argv, "--out", str(out), "--workers", str(workers), "--quiet"])
    if code != 0:
        raise UserError(f"the demo evaluation `harness {' '.join(argv)}` failed (exit {code}).")
    (run,) = out.iterdir()
    return run


def gate(directory: Path, update: bool, workers: int = 2, only: list[str] | None = None) -> tuple[bool, list[str]]:
    """Run the demo evaluations; check each against its board (or, with ``update``, replace its
    entry). Returns whether every check passed and the lines to print."""
    ok, lines = True, []
    selected = [d for d in DEMO_EVALS if not only or d.task in only]
    with tempfile.TemporaryDirectory(prefix="harness-gate-") as tmp:
        for i, demo in enumerate(selected):
            run = run_demo(demo, Path(tmp) / str(i), workers)
            if update:
                path, entries = add(run, directory, replace=True)
                lines += [f"{path}: {e['label']} updated ({len(e['problems'])} problems)" for e in entries]
                continue
            for outcome in check(run, directory):
                ok &= not outcome.failed
                lines += outcome.lines()
    return ok, lines
