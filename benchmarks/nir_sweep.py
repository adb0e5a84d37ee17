"""The NIR layer sweep: pass@1 and the NIR paper's static metrics per condition.

Runs ``harness eval --generator nir --layer 1,10,23,none`` (one thinking trace per
problem, shared by every condition) on mbpp-demo and on the real MBPP test split, in
the sandbox, and prints per condition: pass@1, and the NIR table under the harness's
definitions and under the paper's. Wall time per dataset is printed too.

    python benchmarks/nir_sweep.py [--model PATH] [--layers 1,10,23,none] [--limit N] [--only demo|mbpp]

Real MBPP comes from $HARNESS_MBPP_JSONL (default ../shared/data/mbpp/mbpp.jsonl);
without it only mbpp-demo runs. Default model: the bundled demo model. Needs Docker.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.summary import nir_lines  # noqa: E402

MBPP = Path(os.environ.get("HARNESS_MBPP_JSONL", ROOT.parent / "shared" / "data" / "mbpp" / "mbpp.jsonl"))


def sweep(name: str, argv: list[str], out: Path) -> None:
    command = [sys.executable, "-m", "harness", "eval", *argv, "--out", str(out), "--quiet"]
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - started
    (run,) = [p for p in out.iterdir() if p.is_dir()]
    results = json.loads((run / "results.json").read_text())
    config = json.loads((run / "run.json").read_text())["generator"]
    print(f"== {name}: {results['problems_expected']} problems, {results['samples']} samples, {wall:.0f} s wall")
    print(f"   model {config['model']}" + (f"  [{config['demo_model']}]" if config.get("demo_model") else ""))
    print(f"   harness {' '.join(argv)}")
    blocks = results.get("conditions") or {results["condition_names"][0]: results}
    for condition, block in blocks.items():
        counts = " ".join(f"{k}={v}" for k, v in block["status_counts"].items())
        print(f"   {condition:<12} pass@1 {block['metrics']['pass@1']:.4f}   {counts}")
    for paper in (False, True):
        print("\n".join("   " + line for line in nir_lines(run, paper)))
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="hub id or path (default: the bundled demo model)")
    parser.add_argument("--layers", default="1,10,23,none")
    parser.add_argument("--limit", type=int, help="only the first N problems of each dataset")
    parser.add_argument("--only", choices=["demo", "mbpp"])
    parser.add_argument("--max-new-tokens", default="256")
    parser.add_argument("--think-tokens", default="128")
    parser.add_argument("--batch-size", default="64")
    args = parser.parse_args()
    common = ["--generator", "nir", "--layer", args.layers, "--max-new-tokens", args.max_new_tokens]
    common += ["--think-tokens", args.think_tokens, "--batch-size", args.batch_size]
    if args.model:
        common += ["--model", args.model]
    if args.limit:
        common += ["--limit", str(args.limit)]
    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "mbpp":
            sweep("mbpp-demo", ["--task", "mbpp-demo", *common], Path(tmp) / "demo")
        if args.only != "demo":
            if not MBPP.is_file():
                print(f"real MBPP not found at {MBPP} (set HARNESS_MBPP_JSONL); skipped")
                return
            sweep("MBPP test split", ["--task", "mbpp", "--data", str(MBPP), *common], Path(tmp) / "mbpp")


if __name__ == "__main__":
    main()
