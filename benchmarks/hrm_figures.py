"""The HRM figures: held-out accuracy, inference cost, training speed, and real LiveCodeBench scores.

1. Held-out exact accuracy on generated data, per template and per framing, with ACT halting and
   with fixed halting (all segments), next to the majority-answer baseline, and mean segments.
   The data is made again with ``harness hrm data`` from the checkpoint's recorded seed and sizes
   (outputs from the sandbox), and checked to match the counts it was trained on; or ``--data``.
2. Inference at batch 1 on the CPU with 2 threads: seconds per problem (mean and p95) for ACT and
   fixed halting, and the process's peak RSS.
3. Training speed: optimizer steps per second of the checkpoint's architecture on its data (a
   fresh model, batch 64, after warm-up steps).
4. ``harness eval`` of lcb-execution on CRUXEval's 800 and of lcb-test-output derived from
   LiveCodeBench release_v1's functional public tests, with the hrm generator and with the demo LM
   (the baseline generator), strict and upstream pass@1, and for hrm how many questions fit its
   prompt slots and how many of those it got right. ``--skip-lcb`` leaves this out; ``--limit``
   caps the items per set.

    python benchmarks/hrm_figures.py [--checkpoint PATH] [--data DIR] [--limit N] [--skip-lcb]

Default checkpoint: the bundled demo. Data for part 4 comes from $HARNESS_SHARED_DATA (default
../shared/data beside the repository); the part is skipped, with a note, when it is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.generators.hrm import DEMO_CHECKPOINT  # noqa: E402
from harness.hrm import checkpoint  # noqa: E402
from harness.hrm.commands import framed, held_out, read_data  # noqa: E402
from harness.hrm.model import HRM, HRMConfig  # noqa: E402
from harness.hrm.programs import FRAMINGS, TEMPLATES  # noqa: E402
from harness.hrm.train import TrainConfig, Trainer  # noqa: E402

SHARED = Path(os.environ.get("HARNESS_SHARED_DATA", ROOT.parent / "shared" / "data"))
LCB_SETS = (
    ("lcb-execution", "CRUXEval (800)", SHARED / "cruxeval" / "cruxeval.jsonl"),
    ("lcb-test-output", "derived from LCB release_v1", SHARED / "livecodebench" / "lcb.jsonl"),
)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def harness_cli(*args: str) -> None:
    """Run one harness command as a user would; its own summary is not repeated here."""
    subprocess.run([sys.executable, "-m", "harness", *args], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def the_data(state: dict, folder: Path | None, scratch: Path) -> Path:
    """``folder``, or the checkpoint's training data made again from its recorded seed and sizes."""
    if folder is not None:
        return folder
    meta = state["data"]
    out = scratch / "data"
    harness_cli(
        "hrm", "data", "--out", str(out), "--seed", str(meta["seed"]), "--per-template", str(meta["per_template"]),
        "--test-fraction", str(meta["test_fraction"]), "--framings", ",".join(meta["framings"]),
    )  # fmt: skip
    return out


def accuracy(model, framing, test, majority: dict) -> None:
    results = {h: held_out(model, framing, test, h) for h in ("act", "fixed")}
    print(f"\n## held-out exact accuracy ({len(test)} test items)")
    print(f"{'':14} {'items':>6} {'majority':>9} {'ACT':>7} {'fixed':>7}")
    for name in TEMPLATES:
        count = sum(i.template == name for i in test)
        if count:
            base = majority["per_template"].get(name, 0.0)
            act, fixed = results["act"]["per_template"][name], results["fixed"]["per_template"][name]
            print(f"{name:14} {count:6d} {base:9.3f} {act:7.3f} {fixed:7.3f}")
    for name in FRAMINGS:
        count = sum(i.framing == name for i in test)
        if count:
            act, fixed = results["act"]["per_framing"][name], results["fixed"]["per_framing"][name]
            print(f"{'[' + name + ']':14} {count:6d} {'':9} {act:7.3f} {fixed:7.3f}")
    act, fixed = results["act"], results["fixed"]
    print(f"{'overall':14} {len(test):6d} {majority['accuracy']:9.3f} {act['exact']:7.3f} {fixed['exact']:7.3f}")
    print(f"mean segments: ACT {act['segments']:.2f}, fixed {fixed['segments']:.2f}")


def inference(model, framing, test, count: int) -> None:
    rows = framed(test[:: max(1, len(test) // count)][:count], framing)  # every template, not the first
    print(f"\n## inference, batch 1, {torch.get_num_threads()} threads, {len(rows)} problems")
    for halting in ("act", "fixed"):
        seconds, segments = [], []
        for i in range(len(rows)):
            started = time.perf_counter()
            _, used, _ = model.predict(rows.inputs[i : i + 1], rows.task_ids[i : i + 1], halting=halting)
            seconds.append(time.perf_counter() - started)
            segments.append(int(used[0]))
        p95 = sorted(seconds)[int(0.95 * (len(seconds) - 1))]
        print(
            f"{halting:5}: {statistics.mean(seconds) * 1000:.1f} ms per problem (p95 {p95 * 1000:.1f} ms), "
            f"mean segments {statistics.mean(segments):.2f}"
        )
    print(f"peak RSS of this process: {peak_rss_mb():.0f} MB")


def training_speed(state: dict, framing, train, steps: int) -> None:
    torch.manual_seed(0)
    trainer = Trainer(HRM(HRMConfig(**state["arch"])), framed(train, framing), TrainConfig(**state["train"]))
    trainer.run(5)
    started = time.perf_counter()
    trainer.run(steps)
    elapsed = time.perf_counter() - started
    print(f"\n## training: {steps / elapsed:.2f} steps/s ({elapsed / steps * 1000:.0f} ms/step, batch 64)")


def lcb_scores(checkpoint_path: Path, limit: int | None, lm_tokens: int, scratch: Path) -> None:
    print("\n## LiveCodeBench, real items")
    for task, label, data in LCB_SETS:
        if not data.is_file():
            print(f"{task}: skipped, {data} is absent (set HARNESS_SHARED_DATA)")
            continue
        for generator, extra in (
            ("hrm", ["--checkpoint", str(checkpoint_path)]),
            ("baseline", ["--max-new-tokens", str(lm_tokens), "--batch-size", "16"]),
        ):
            out = scratch / f"{task}-{generator}"
            cap = ["--limit", str(limit)] if limit else []
            started = time.monotonic()
            harness_cli(
                "eval", "--task", task, "--data", str(data), "--generator", generator, "--out", str(out), "--quiet",
                *extra, *cap,
            )  # fmt: skip
            run = next(out.iterdir())
            print(f"{task} [{label}] {generator}: {describe(run, time.monotonic() - started)}")


def describe(run: Path, seconds: float) -> str:
    results = json.loads((run / "results.json").read_text())
    grading = results["grading"]
    text = (
        f"{results['samples']} items, strict pass@1 {grading['strict']['metrics']['pass@1']:.4f}, "
        f"upstream pass@1 {grading['upstream']['metrics']['pass@1']:.4f}, {seconds:.0f} s"
    )
    if "hrm" in results:
        fits = [s for s in map(json.loads, (run / "samples.jsonl").read_text().splitlines()) if _fits(s)]
        right = sum(s["passed"] for s in fits)
        hrm = results["hrm"]
        text += (
            f"; {len(fits)} fit the prompt slots (does_not_fit {hrm['does_not_fit']}), {right} of them right"
            f", mean segments {hrm['mean_segments'] or '-'}"
        )
    return text


def _fits(sample: dict) -> bool:
    return not sample["turns"][-1]["generation"]["extras"]["hrm"]["does_not_fit"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, default=DEMO_CHECKPOINT)
    parser.add_argument("--data", type=Path, help="an `harness hrm data` folder (default: made again)")
    parser.add_argument("--inference-problems", type=int, default=200)
    parser.add_argument("--train-steps", type=int, default=30)
    parser.add_argument("--limit", type=int, help="items per LiveCodeBench set (default: all)")
    parser.add_argument("--lm-max-new-tokens", type=int, default=48, help="the demo LM's answer budget")
    parser.add_argument("--skip-lcb", action="store_true")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    torch.set_num_threads(2)

    model, framing, state = checkpoint.load_model(args.checkpoint)
    trained = state["data"]
    print(f"checkpoint {args.checkpoint.name}: step {state['step']}, arch {state['arch']}")
    print(f"framing: {framing.prompt_len} prompt bytes, {framing.answer_len} answer slots")
    with tempfile.TemporaryDirectory() as scratch:
        data = read_data(the_data(state, args.data, Path(scratch)))
        train, test, meta = data.train, data.test, data.meta
        same = (meta["train"], meta["test"]) == (trained["train"], trained["test"])
        print(f"data: {meta['train']} train / {meta['test']} test; the counts it was trained on: {same}")
        fits = [i for i in test if framing.fits(i.question, i.output)]
        accuracy(model, framing, fits, meta["majority_baseline"])
        inference(model, framing, fits, args.inference_problems)
        training_speed(state, framing, [i for i in train if framing.fits(i.question, i.output)], args.train_steps)
        if not args.skip_lcb:
            lcb_scores(args.checkpoint, args.limit, args.lm_max_new_tokens, Path(scratch))


if __name__ == "__main__":
    main()
