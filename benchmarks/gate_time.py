"""What the CI gate adds to the test run: each bundled demo evaluation's wall time and its check.

Runs the same evaluations as ``harness leaderboard demo`` (harness.gate.DEMO_EVALS), one at a
time, checks each against the committed board, and prints seconds per evaluation and the total.

    python benchmarks/gate_time.py [--workers 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.gate import DEMO_EVALS, run_demo  # noqa: E402
from harness.leaderboard import check  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    total, failed = 0.0, 0
    print(f"{'task':<22} {'generator':<10} {'flags':<48} {'eval s':>7} {'check s':>8}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for i, demo in enumerate(DEMO_EVALS):
            started = time.monotonic()
            run = run_demo(demo, Path(tmp) / str(i), args.workers)
            evaluated = time.monotonic()
            outcomes = check(run, ROOT / "leaderboards")
            checked = time.monotonic()
            failed += any(o.failed for o in outcomes)
            flags = " ".join(f if len(f) < 40 else "..." + f[-30:] for f in demo.flags)
            outcome = "ok" if not any(o.failed for o in outcomes) else "CHANGED"
            print(
                f"{demo.task:<22} {demo.generator:<10} {flags[:48]:<48} {evaluated - started:7.1f} "
                f"{checked - evaluated:8.2f}  {outcome}"
            )
            total += checked - started
    print(f"total {total:.0f} s ({total / 60:.1f} min) for {len(DEMO_EVALS)} evaluations; {failed} changed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
