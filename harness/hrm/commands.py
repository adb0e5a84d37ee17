"""``harness hrm data`` and ``harness hrm train``: the training set, and a step-capped training run.

A data folder holds ``train.jsonl`` and ``test.jsonl`` ({template, program, output} per line) and
``meta.json`` (seed, templates, counts, the majority baseline). Training writes the checkpoint
(atomically, every ``--save-every`` steps and at the end), a JSONL log beside it
(``<checkpoint>.log.jsonl``, one line per step), and at the end the held-out exact accuracy with
ACT and with fixed halting, overall and per template, into the checkpoint's metrics.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from harness.errors import UserError
from harness.hrm.framing import Framing
from harness.hrm.programs import TEMPLATES, Item, draw, majority_baseline, outputs_in_sandbox, split

DATA_FORMAT = "hrm-data-v1"


def make_data(out: Path, seed: int, per_template: int, test_fraction: float, run_job) -> dict[str, Any]:
    """Draw, run in the sandbox (``run_job`` runs one job), split, and write the data folder."""
    items = draw(seed, per_template)
    outputs = outputs_in_sandbox([i.program for i in items], run_job)
    failed = sum(o is None for o in outputs)
    items = [Item(i.template, i.program, o) for i, o in zip(items, outputs, strict=True) if o is not None]
    train, test = split(items, test_fraction, seed)
    meta = {
        "format": DATA_FORMAT,
        "seed": seed,
        "per_template": per_template,
        "test_fraction": test_fraction,
        "templates": list(TEMPLATES),
        "train": len(train),
        "test": len(test),
        "programs_that_raised": failed,
        "majority_baseline": majority_baseline(train, test),
        "outputs_from": "the sandbox (python image)",
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, part in (("train", train), ("test", test)):
        lines = "".join(
            json.dumps({"template": i.template, "program": i.program, "output": i.output}) + "\n" for i in part
        )
        (out / f"{name}.jsonl").write_text(lines)
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def read_data(folder: Path) -> tuple[list[Item], list[Item], dict[str, Any]]:
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        raise UserError(f"{folder} is not an HRM data folder (no meta.json); make one with `harness hrm data`.")
    meta = json.loads(meta_path.read_text())
    if meta.get("format") != DATA_FORMAT:
        raise UserError(f"{meta_path} is not {DATA_FORMAT} data.")
    parts = []
    for name in ("train", "test"):
        rows = [json.loads(line) for line in (folder / f"{name}.jsonl").read_text().splitlines() if line]
        parts.append([Item(r["template"], r["program"], r["output"]) for r in rows])
    return parts[0], parts[1], meta


def train_run(
    data: Path, out: Path, preset: str, steps: int, seed: int, framing: Framing, save_every: int, resume: bool, progress
) -> dict[str, Any]:
    """Train to ``steps`` total steps (continuing ``out`` with ``resume``); returns the final metrics."""
    import torch

    from harness.hrm import checkpoint
    from harness.hrm.model import HRM
    from harness.hrm.train import TrainConfig, Trainer, evaluate, model_config, tensorize

    train, test, meta = read_data(data)
    fits = [i for i in train if framing.fits(i.program, i.output)]
    test_fits = [i for i in test if framing.fits(i.program, i.output)]
    tensors = tensorize([(i.program, i.output) for i in fits], framing)
    if resume:
        trainer, framing, _ = checkpoint.resume(out, tensors)
    else:
        torch.manual_seed(seed)
        trainer = Trainer(HRM(model_config(preset, framing, 1)), tensors, TrainConfig(seed=seed))
    data_meta = {
        **meta,
        "folder": data.name,
        "does_not_fit": {"train": len(train) - len(fits), "test": len(test) - len(test_fits)},
    }
    log_path = out.with_name(out.name + ".log.jsonl")
    with log_path.open("a") as log:
        while trainer.step < steps:
            metrics = trainer.train_step()
            log.write(
                json.dumps({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in metrics.items()})
                + "\n"
            )
            progress(metrics)
            if trainer.step % save_every == 0:
                checkpoint.save(out, trainer, framing, data_meta, {"step": trainer.step})
    result = {"step": trainer.step, "majority_baseline": meta["majority_baseline"]["accuracy"]}
    for halting in ("act", "fixed"):
        result[halting] = evaluate(
            trainer.model, framing, tensorize([(i.program, i.output) for i in test_fits], framing), halting
        )
        result[halting]["per_template"] = {
            name: evaluate(trainer.model, framing, tensorize([(i.program, i.output) for i in part], framing), halting)[
                "exact"
            ]
            for name in TEMPLATES
            if (part := [i for i in test_fits if i.template == name])
        }
    checkpoint.save(out, trainer, framing, data_meta, result)
    return result
