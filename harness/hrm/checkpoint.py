"""HRM checkpoints: one ``torch.save`` file that holds everything needed to predict and to resume.

Keys: ``format`` ("hrm-v1"), ``arch`` (the model config), ``framing`` (tokenizer and slot sizes),
``data`` (what it was trained on: seed, templates, sizes, majority baseline), ``train`` (the
training config), ``state_dict`` (weights and the fixed initial states), ``optimizer``, ``step``,
``carry`` and ``generator`` (so a resumed run continues exactly), and ``metrics``.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import torch

from harness.errors import UserError
from harness.hrm.framing import Framing
from harness.hrm.model import HRM, Carry, HRMConfig
from harness.hrm.train import Tensors, TrainConfig, Trainer
from harness.store import write_atomic

FORMAT = "hrm-v1"


def save(path: Path, trainer: Trainer, framing: Framing, data_meta: dict[str, Any], metrics: dict[str, Any]) -> None:
    """Write the trainer's state atomically (a crash mid-save leaves the previous checkpoint)."""
    carry = dataclasses.asdict(trainer.carry) if trainer.carry is not None else None
    state = {
        "format": FORMAT,
        "arch": trainer.model.config.to_dict(),
        "framing": framing.to_dict(),
        "data": data_meta,
        "train": trainer.config.to_dict(),
        "state_dict": trainer.model.state_dict(),
        "optimizer": trainer.optimizer.state_dict(),
        "step": trainer.step,
        "carry": carry,
        "generator": trainer.generator.get_state(),
        "metrics": metrics,
    }
    buffer = io.BytesIO()
    torch.save(state, buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, lambda f: f.write(buffer.getvalue()))


def read(path: Path) -> dict[str, Any]:
    """The checkpoint's contents, or one sentence saying why it cannot be used."""
    if not path.is_file():
        raise UserError(f"no HRM checkpoint at {path}.")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # a truncated or foreign file: torch raises many kinds
        raise UserError(f"{path} is not a readable HRM checkpoint ({type(exc).__name__}).") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        found = state.get("format") if isinstance(state, dict) else type(state).__name__
        raise UserError(f"{path} is not an {FORMAT} checkpoint (format {found!r}).")
    return state


def load_model(path: Path) -> tuple[HRM, Framing, dict[str, Any]]:
    """The model (eval mode, CPU), its framing and the checkpoint's metadata."""
    state = read(path)
    try:
        config = HRMConfig(**state["arch"])
        model = HRM(config)
        weights = {k.removeprefix("_orig_mod."): v for k, v in state["state_dict"].items()}
        model.load_state_dict(weights, strict=True)
    except (TypeError, RuntimeError, ValueError) as exc:
        raise UserError(f"{path} does not match this harness's HRM ({str(exc).splitlines()[0]}).") from None
    framing = Framing(**{k: v for k, v in state["framing"].items() if k in ("prompt_len", "answer_len")})
    return model.eval(), framing, state


def resume(path: Path, data: Tensors, device: str = "cpu") -> tuple[Trainer, Framing, dict[str, Any]]:
    """A trainer in the state the checkpoint was saved in, on ``data``; exact when ``device`` is
    the one it was trained on."""
    model, framing, state = load_model(path)
    trainer = Trainer(model, data, TrainConfig(**state["train"]), device)
    trainer.optimizer.load_state_dict(state["optimizer"])
    trainer.step = state["step"]
    trainer.generator.set_state(state["generator"])
    if state["carry"] is not None:
        trainer.carry = Carry(**{k: v.to(trainer.device) for k, v in state["carry"].items()})
    return trainer, framing, state
