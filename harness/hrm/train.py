"""Training HRM the reference's way, on CPU or CUDA: one segment per optimizer step, a carry that
persists across steps, and only the rows that halted take new examples.

AdamW (betas 0.9/0.95, weight decay on every parameter) stands in for the reference's
adam-atan2, a CUDA-only kernel whose update is ``atan2(m, sqrt(v))`` instead of
``m / (sqrt(v) + eps)``: the two agree in direction and differ in scale for small ``v``, which the
learning rate absorbs. The task embedding is trained by the same optimizer (the reference uses a
sparse sign-SGD for its million-row puzzle table; ours has a handful of rows).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import torch

from harness.hrm.framing import Framing
from harness.hrm.model import HRM, HRMConfig, act_loss

PRESETS = {
    # the CPU preset of reference/hrm.md §5: 2 cores, ~0.1 s a step
    "tiny-cpu": dict(hidden_size=64, num_heads=4, expansion=2.0, h_layers=1, l_layers=1, halt_max_steps=4),
    "small": dict(hidden_size=256, num_heads=4, expansion=4.0, h_layers=2, l_layers=2, halt_max_steps=8),
    "reference": dict(hidden_size=512, num_heads=8, expansion=4.0, h_layers=4, l_layers=4, halt_max_steps=16),
}


@dataclass(frozen=True)
class TrainConfig:
    batch_size: int = 64
    lr: float = 1e-3
    warmup_steps: int = 100
    weight_decay: float = 0.1
    seed: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def model_config(preset: str, framing: Framing, num_task_ids: int) -> HRMConfig:
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; presets: {', '.join(PRESETS)}")
    return HRMConfig(vocab_size=260, seq_len=framing.seq_len, num_task_ids=num_task_ids, **PRESETS[preset])


@dataclass
class Tensors:
    inputs: torch.Tensor  # [N, S]
    labels: torch.Tensor  # [N, S]
    task_ids: torch.Tensor  # [N]

    def __len__(self) -> int:
        return self.inputs.shape[0]


def tensorize(pairs: list[tuple[str, str]], framing: Framing, task_ids: list[int] | int = 0) -> Tensors:
    """(prompt, answer) pairs as framed tensors, with each pair's task id (one for all, or one each);
    every pair must fit (check with ``framing.fits``)."""
    inputs = torch.tensor([framing.inputs(p) for p, _ in pairs], dtype=torch.long)
    labels = torch.tensor([framing.labels(a) for _, a in pairs], dtype=torch.long)
    ids = [task_ids] * len(pairs) if isinstance(task_ids, int) else task_ids
    return Tensors(inputs, labels, torch.tensor(ids, dtype=torch.long).reshape(len(pairs)))


class Trainer:
    """Holds the model, the optimizer, the carry and the sampling generator: everything a step
    needs, so that a checkpoint of it resumes exactly."""

    def __init__(self, model: HRM, data: Tensors, config: TrainConfig, device: str | torch.device = "cpu"):
        # the data stays on the CPU (sampling is the same on every device); each batch moves
        self.device = torch.device(device)
        self.model, self.data, self.config = model.to(self.device), data, config
        self.optimizer = torch.optim.AdamW(
            model.parameters(), lr=config.lr, betas=(0.9, 0.95), weight_decay=config.weight_decay
        )
        self.generator = torch.Generator().manual_seed(config.seed)
        self.step = 0
        self.carry = None

    def _lr(self) -> float:
        return self.config.lr * min(1.0, (self.step + 1) / max(1, self.config.warmup_steps))

    def train_step(self) -> dict[str, float]:
        """One segment on one batch; metrics over the rows that halted this step."""
        self.model.train()
        idx = torch.randint(0, len(self.data), (self.config.batch_size,), generator=self.generator)
        inputs, labels, tasks = (
            x[idx].to(self.device) for x in (self.data.inputs, self.data.labels, self.data.task_ids)
        )
        if self.carry is None:
            self.carry = self.model.initial_carry(inputs, labels, tasks)
        torch.manual_seed(self.config.seed * 1_000_003 + self.step)  # exploration draws, per step
        self.carry, out = self.model(self.carry, inputs, labels, tasks)
        loss, metrics = act_loss(out, self.carry.labels)
        for group in self.optimizer.param_groups:
            group["lr"] = self._lr()
        self.optimizer.zero_grad(set_to_none=True)
        (loss / self.config.batch_size).backward()
        self.optimizer.step()
        self.step += 1
        halted = self.carry.halted
        count = int(halted.sum())
        return {
            "step": self.step,
            "loss": loss.item() / self.config.batch_size,
            "lm_loss": float(metrics["lm_loss"]) / self.config.batch_size,
            "exact": float(metrics["exact"][halted].float().mean()) if count else math.nan,
            "steps": float(self.carry.steps[halted].float().mean()) if count else math.nan,
            "halted": count,
        }

    def run(self, steps: int, log: Callable[[dict[str, float]], None] | None = None) -> None:
        for _ in range(steps):
            metrics = self.train_step()
            if log:
                log(metrics)


def evaluate(model: HRM, framing: Framing, data: Tensors, halting: str, batch_size: int = 256) -> dict:
    """Exact-match accuracy of the decoded answers, and mean segments used."""
    exact, used = [], []
    device = next(model.parameters()).device
    for start in range(0, len(data), batch_size):
        sl = slice(start, start + batch_size)
        tokens, steps, _ = model.predict(data.inputs[sl].to(device), data.task_ids[sl].to(device), halting=halting)
        for row, label in zip(tokens.tolist(), data.labels[sl].tolist(), strict=True):
            target = [t if t >= 0 else 0 for t in label]
            answer, cut = framing.decode(row)
            exact.append(answer == framing.decode(target)[0] and not cut)
        used += steps.tolist()
    return {"exact": sum(exact) / len(exact) if exact else 0.0, "segments": sum(used) / len(used) if used else 0.0}
