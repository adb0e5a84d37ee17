"""``harness hrm data`` and ``harness hrm train``: the training set, and a step-capped training run.

A data folder holds ``train.jsonl`` and ``test.jsonl`` ({template, framing, question, program,
output} per line) and ``meta.json`` (seed, templates, framings, counts, the majority baseline).
Training writes the checkpoint (atomically, every ``--save-every`` steps and at the end), a JSONL log beside it
(``<checkpoint>.log.jsonl``, one line per step), and at the end the held-out exact accuracy with
ACT and with fixed halting, overall, per template and per framing, into the checkpoint's metrics.
Each framing is a task id of the model (its task embedding): ``programs.FRAMINGS`` order.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.errors import UserError
from harness.hrm.framing import Framing
from harness.hrm.programs import FRAMINGS, TEMPLATES, Item, draw, majority_baseline, outputs_in_sandbox, split
from harness.store import write_atomic, write_json_atomic

DATA_FORMAT = "hrm-data-v2"
META_KEYS = ("train", "test", "majority_baseline")  # what training and the figures read


def make_data(
    out: Path, seed: int, per_template: int, test_fraction: float, framings: tuple[str, ...], run_job
) -> dict[str, Any]:
    """Draw, run in the sandbox (``run_job`` runs one job), split, and write the data folder."""
    items = draw(seed, per_template, framings=framings)
    outputs = outputs_in_sandbox([i.program for i in items], run_job)
    failed = sum(o is None for o in outputs)
    items = [dataclasses.replace(i, output=o) for i, o in zip(items, outputs, strict=True) if o is not None]
    train, test = split(items, test_fraction, seed)
    meta = {
        "format": DATA_FORMAT,
        "seed": seed,
        "per_template": per_template,
        "test_fraction": test_fraction,
        "templates": list(TEMPLATES),
        "framings": list(framings),
        "train": len(train),
        "test": len(test),
        "programs_that_raised": failed,
        "majority_baseline": majority_baseline(train, test),
        "outputs_from": "the sandbox (python image)",
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, part in (("train", train), ("test", test)):
        write_atomic(out / f"{name}.jsonl", lambda f, part=part: f.write(_lines(part).encode()))
    write_json_atomic(out / "meta.json", meta)
    return meta


def _lines(items: list[Item]) -> str:
    return "".join(json.dumps(dataclasses.asdict(i)) + "\n" for i in items)


@dataclasses.dataclass(frozen=True)
class TrainingData:
    """A data folder as read: its items and its meta.json."""

    folder: Path
    train: list[Item]
    test: list[Item]
    meta: dict[str, Any]


def read_data(folder: Path) -> TrainingData:
    """The folder ``harness hrm data`` wrote; anything else is one sentence."""
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        raise UserError(f"{folder} is not an HRM data folder (no meta.json); make one with `harness hrm data`.")
    try:
        meta = json.loads(meta_path.read_text())
    except json.JSONDecodeError as e:
        raise UserError(
            f"{meta_path} is not valid JSON ({e.msg}); make the data again with `harness hrm data`."
        ) from None
    if not isinstance(meta, dict) or meta.get("format") != DATA_FORMAT:
        raise UserError(f"{meta_path} is not {DATA_FORMAT} data; make it again with `harness hrm data`.")
    missing = [key for key in META_KEYS if key not in meta]
    if missing:
        raise UserError(f"{meta_path} lacks {', '.join(missing)}; make the data again with `harness hrm data`.")
    return TrainingData(folder, read_items(folder / "train.jsonl"), read_items(folder / "test.jsonl"), meta)


def read_items(path: Path) -> list[Item]:
    """The items of one JSONL file of a data folder."""
    if not path.is_file():
        raise UserError(f"{path} is missing; make the data again with `harness hrm data`.")
    items = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line:
            continue
        try:
            items.append(Item(**json.loads(line)))
        except (json.JSONDecodeError, TypeError) as e:
            raise UserError(f"{path}:{number}: not an HRM data row ({e}).") from None
    return items


def task_id(framing: str) -> int:
    """The model's task id (task-embedding row) for a framing."""
    return FRAMINGS.index(framing)


def framed(items: list[Item], framing: Framing):
    """The items as the model's tensors, each with its framing's task id."""
    from harness.hrm.train import tensorize

    return tensorize([(i.question, i.output) for i in items], framing, [task_id(i.framing) for i in items])


def held_out(model, framing: Framing, test: list[Item], halting: str) -> dict[str, Any]:
    """Exact accuracy and mean segments on ``test``, overall, per template and per framing."""
    from harness.hrm.train import evaluate

    result = evaluate(model, framing, framed(test, framing), halting)
    for key, names in (("template", TEMPLATES), ("framing", FRAMINGS)):
        parts = {n: [i for i in test if getattr(i, key) == n] for n in names}
        scores = {n: evaluate(model, framing, framed(p, framing), halting)["exact"] for n, p in parts.items() if p}
        result[f"per_{key}"] = scores
    return result


def train_run(
    data: TrainingData,
    out: Path,
    *,
    preset: str,
    steps: int,
    seed: int,
    framing: Framing,
    save_every: int,
    resume: bool,
    device: str,
    progress: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    """Train to ``steps`` total steps on ``device`` (continuing ``out`` with ``resume``); returns
    the final metrics."""
    import torch

    from harness.hrm import checkpoint
    from harness.hrm.model import HRM
    from harness.hrm.train import TrainConfig, Trainer, model_config

    train, test, meta = data.train, data.test, data.meta
    fits = [i for i in train if framing.fits(i.question, i.output)]
    test_fits = [i for i in test if framing.fits(i.question, i.output)]
    tensors = framed(fits, framing)
    if resume:
        trainer, framing, _ = checkpoint.resume(out, tensors, device)
    else:
        torch.manual_seed(seed)
        model = HRM(model_config(preset, framing, len(FRAMINGS)))
        trainer = Trainer(model, tensors, TrainConfig(seed=seed), device)
    data_meta = {
        **meta,
        "folder": data.folder.name,
        "does_not_fit": {"train": len(train) - len(fits), "test": len(test) - len(test_fits)},
        "task_ids": list(FRAMINGS),
    }
    log_path = out.with_name(out.name + ".log.jsonl")
    started = time.monotonic()
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
    seconds = time.monotonic() - started
    result = {
        "step": trainer.step,
        "majority_baseline": meta["majority_baseline"]["accuracy"],
        "train_seconds_this_run": round(seconds, 1),
        "device": str(trainer.device),
        **{h: held_out(trainer.model, framing, test_fits, h) for h in ("act", "fixed")},
    }
    checkpoint.save(out, trainer, framing, data_meta, result)
    return result
