"""The Hierarchical Reasoning Model (HRM, ACT v1), our own plain-PyTorch implementation.

Two recurrent transformer modules reason over a fixed-length sequence: a slow high-level module H
and a fast low-level module L. One *segment* runs ``h_cycles`` times: ``l_cycles`` L-updates
``z_L <- L(z_L, z_H + x)``, then one H-update ``z_H <- H(z_H, z_L)``. Only the last L- and the
last H-update of a segment carry gradients (the one-step gradient); the state between segments
(the carry) is detached, so every segment is supervised on its own ("deep supervision").

Adaptive computation time (ACT): a Q-head on the first position predicts whether halting now is
right (``q_halt``) or continuing is better (``q_continue``). Training halts a row when
``q_halt > q_continue`` (never before a randomly drawn minimum, with probability
``halt_exploration_prob``) or at ``halt_max_steps``; the Q-targets are the exact correctness of
this segment's answer and a bootstrapped look one segment ahead. ``predict`` halts the same way
(``halting="act"``) or always runs every segment (``halting="fixed"``, the reference's eval).

The first position holds a learned *task embedding* (the reference's puzzle embedding), one row
per task id; the harness uses it for the language or scenario. Everything runs in fp32 on CPU or
CUDA with ``torch.nn.functional.scaled_dot_product_attention``; no fused kernels are needed.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

IGNORE = -100  # label of positions that are not scored


@dataclass(frozen=True)
class HRMConfig:
    vocab_size: int = 260
    seq_len: int = 64  # token positions (the task slot comes on top)
    num_task_ids: int = 1
    hidden_size: int = 64
    num_heads: int = 4
    expansion: float = 2.0
    ffn_multiple: int = 64  # SwiGLU width rounded up to this (the reference: 256)
    h_layers: int = 1
    l_layers: int = 1
    h_cycles: int = 2
    l_cycles: int = 2
    halt_max_steps: int = 4
    halt_exploration_prob: float = 0.1
    pos_encodings: str = "learned"  # "learned" or "rope"
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-5

    def to_dict(self) -> dict:
        return asdict(self)


def trunc_normal_(tensor: Tensor, std: float) -> Tensor:
    """A normal truncated at two standard deviations (JAX's LeCun-style init)."""
    with torch.no_grad():
        return nn.init.trunc_normal_(tensor, std=std, a=-2 * std, b=2 * std)


def rms_norm(x: Tensor, eps: float) -> Tensor:
    """RMSNorm without a learned gain, computed in fp32 (as the reference)."""
    x32 = x.float()
    return (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype)


class Linear(nn.Module):
    """A bias-free (unless asked) linear layer with LeCun truncated-normal init."""

    def __init__(self, fan_in: int, fan_out: int, bias: bool = False):
        super().__init__()
        self.weight = nn.Parameter(trunc_normal_(torch.empty(fan_out, fan_in), 1 / math.sqrt(fan_in)))
        self.bias = nn.Parameter(torch.zeros(fan_out)) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight, self.bias)


def rope_tables(length: int, head_dim: int, theta: float) -> tuple[Tensor, Tensor]:
    inv = 1.0 / theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim)
    angles = torch.outer(torch.arange(length, dtype=torch.float32), inv)
    angles = torch.cat([angles, angles], dim=-1)
    return angles.cos(), angles.sin()


def apply_rope(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    """Rotate-half RoPE on [B, H, S, D]."""
    half = x.shape[-1] // 2
    rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
    return x * cos + rotated * sin


class Attention(nn.Module):
    """Non-causal multi-head self-attention (every position sees every other)."""

    def __init__(self, config: HRMConfig):
        super().__init__()
        self.heads, d = config.num_heads, config.hidden_size
        self.head_dim = d // self.heads
        self.qkv = Linear(d, 3 * d)
        self.out = Linear(d, d)

    def forward(self, x: Tensor, rope: tuple[Tensor, Tensor] | None) -> Tensor:
        b, s, d = x.shape
        # [B, S, 3, H, D] -> three [B, H, S, D]: SDPA attends over the sequence axis, so heads go first
        q, k, v = self.qkv(x).view(b, s, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        if rope is not None:
            q, k = apply_rope(q, *rope), apply_rope(k, *rope)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=False)
        return self.out(y.transpose(1, 2).reshape(b, s, d))


class SwiGLU(nn.Module):
    def __init__(self, config: HRMConfig):
        super().__init__()
        width = round(config.expansion * config.hidden_size * 2 / 3)
        width = -(-width // config.ffn_multiple) * config.ffn_multiple
        self.gate_up = Linear(config.hidden_size, 2 * width)
        self.down = Linear(width, config.hidden_size)

    def forward(self, x: Tensor) -> Tensor:
        gate, up = self.gate_up(x).chunk(2, dim=-1)
        return self.down(F.silu(gate) * up)


class Block(nn.Module):
    """Post-norm transformer block: x = norm(x + attn(x)); x = norm(x + mlp(x))."""

    def __init__(self, config: HRMConfig):
        super().__init__()
        self.attn, self.mlp, self.eps = Attention(config), SwiGLU(config), config.rms_norm_eps

    def forward(self, x: Tensor, rope: tuple[Tensor, Tensor] | None) -> Tensor:
        x = rms_norm(x + self.attn(x, rope), self.eps)
        return rms_norm(x + self.mlp(x), self.eps)


class Reasoner(nn.Module):
    """One level (H or L): add the injected input, then run the blocks."""

    def __init__(self, config: HRMConfig, layers: int):
        super().__init__()
        self.blocks = nn.ModuleList(Block(config) for _ in range(layers))

    def forward(self, z: Tensor, injection: Tensor, rope: tuple[Tensor, Tensor] | None) -> Tensor:
        z = z + injection
        for block in self.blocks:
            z = block(z, rope)
        return z


@dataclass
class Carry:
    """What persists between segments: the two states, steps taken, which rows halted, and the
    example each row is working on (a halted row takes the next one offered)."""

    z_h: Tensor
    z_l: Tensor
    steps: Tensor
    halted: Tensor
    inputs: Tensor
    labels: Tensor
    task_ids: Tensor


@dataclass
class Output:
    logits: Tensor  # [B, S, V]
    q_halt: Tensor  # [B]
    q_continue: Tensor  # [B]
    target_q_continue: Tensor | None = None  # training only


class HRM(nn.Module):
    def __init__(self, config: HRMConfig):
        super().__init__()
        self.config = config
        d = config.hidden_size
        self.embed = nn.Embedding(config.vocab_size, d)
        trunc_normal_(self.embed.weight, 1 / math.sqrt(d))
        self.task_embed = nn.Embedding(config.num_task_ids, d)
        trunc_normal_(self.task_embed.weight, 1 / math.sqrt(d))
        self.positions = config.seq_len + 1  # the task slot, then the tokens
        if config.pos_encodings == "learned":
            self.pos_embed = nn.Parameter(trunc_normal_(torch.empty(self.positions, d), 1 / math.sqrt(d)))
        elif config.pos_encodings == "rope":
            cos, sin = rope_tables(self.positions, d // config.num_heads, config.rope_theta)
            self.register_buffer("rope_cos", cos, persistent=False)
            self.register_buffer("rope_sin", sin, persistent=False)
        else:
            raise ValueError(f"pos_encodings must be 'learned' or 'rope', got {config.pos_encodings!r}")
        self.H, self.L = Reasoner(config, config.h_layers), Reasoner(config, config.l_layers)
        # initial states: fixed random vectors, not trained, saved with the weights
        self.register_buffer("h_init", trunc_normal_(torch.empty(d), 1.0))
        self.register_buffer("l_init", trunc_normal_(torch.empty(d), 1.0))
        self.lm_head = Linear(d, config.vocab_size)
        self.q_head = Linear(d, 2, bias=True)
        with torch.no_grad():  # start by never wanting to halt: Q-learning has to earn it
            self.q_head.weight.zero_()
            self.q_head.bias.fill_(-5.0)

    # -- one segment

    def _rope(self) -> tuple[Tensor, Tensor] | None:
        return (self.rope_cos, self.rope_sin) if self.config.pos_encodings == "rope" else None

    def embed_inputs(self, inputs: Tensor, task_ids: Tensor) -> Tensor:
        x = torch.cat([self.task_embed(task_ids)[:, None], self.embed(inputs)], dim=1)
        if self.config.pos_encodings == "learned":
            x = 0.7071067811865476 * (x + self.pos_embed)  # keep the variance of a sum of two
        return math.sqrt(self.config.hidden_size) * x

    def segment(self, z_h: Tensor, z_l: Tensor, x: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
        """H/L cycles on one segment; returns the detached new states, logits, q_halt, q_continue."""
        c, rope = self.config, self._rope()
        with torch.no_grad():
            for h in range(c.h_cycles):
                for step in range(c.l_cycles):
                    if not (h == c.h_cycles - 1 and step == c.l_cycles - 1):
                        z_l = self.L(z_l, z_h + x, rope)
                if h != c.h_cycles - 1:
                    z_h = self.H(z_h, z_l, rope)
        z_l = self.L(z_l, z_h + x, rope)  # the one-step gradient: only these two updates are trained
        z_h = self.H(z_h, z_l, rope)
        q = self.q_head(z_h[:, 0]).float()
        return z_h.detach(), z_l.detach(), self.lm_head(z_h[:, 1:]), q[:, 0], q[:, 1]

    # -- the ACT loop, one segment per call

    def initial_carry(self, inputs: Tensor, labels: Tensor, task_ids: Tensor) -> Carry:
        b, d = inputs.shape[0], self.config.hidden_size
        empty = torch.zeros(b, self.positions, d, device=inputs.device)
        steps = torch.zeros(b, dtype=torch.long, device=inputs.device)
        halted = torch.ones(b, dtype=torch.bool, device=inputs.device)  # every row takes its first example
        return Carry(empty, empty.clone(), steps, halted, inputs, labels, task_ids)

    def forward(self, carry: Carry, inputs: Tensor, labels: Tensor, task_ids: Tensor) -> tuple[Carry, Output]:
        """One segment. Rows that halted last call start afresh on the example offered for their slot;
        running rows keep their own example and the offered one is not used."""
        c, fresh = self.config, carry.halted
        keep = fresh[:, None, None]
        z_h = torch.where(keep, self.h_init, carry.z_h)
        z_l = torch.where(keep, self.l_init, carry.z_l)
        steps = torch.where(fresh, 0, carry.steps)
        current_inputs = torch.where(fresh[:, None], inputs, carry.inputs)
        current_labels = torch.where(fresh[:, None], labels, carry.labels)
        current_tasks = torch.where(fresh, task_ids, carry.task_ids)
        x = self.embed_inputs(current_inputs, current_tasks)
        z_h, z_l, logits, q_halt, q_continue = self.segment(z_h, z_l, x)
        steps = steps + 1
        is_last = steps >= c.halt_max_steps
        halted = is_last
        target = None
        if self.training and c.halt_max_steps > 1:
            with torch.no_grad():
                halted = is_last | (q_halt > q_continue)
                explore = torch.rand_like(q_halt) < c.halt_exploration_prob
                min_steps = torch.randint_like(steps, 2, c.halt_max_steps + 1) * explore
                halted = halted & (steps >= min_steps)
                _, _, _, next_halt, next_continue = self.segment(z_h, z_l, x)  # bootstrapped Q-target
                target = torch.sigmoid(torch.where(is_last, next_halt, torch.maximum(next_halt, next_continue)))
        new = Carry(z_h, z_l, steps, halted, current_inputs, current_labels, current_tasks)
        return new, Output(logits, q_halt, q_continue, target)

    @torch.no_grad()
    def predict(self, inputs: Tensor, task_ids: Tensor, halting: str = "act") -> tuple[Tensor, Tensor, Tensor]:
        """Greedy tokens [B, S] from each row's halting segment, segments used [B], and the halting
        probability sigmoid(q_halt) at that segment [B]. ``act`` halts when q_halt > q_continue (or at
        the maximum); ``fixed`` runs every segment."""
        if halting not in ("act", "fixed"):
            raise ValueError(f"halting must be 'act' or 'fixed', got {halting!r}")
        was_training = self.training
        self.eval()
        try:
            b = inputs.shape[0]
            x = self.embed_inputs(inputs, task_ids)
            z_h = self.h_init.expand(b, self.positions, -1).clone()
            z_l = self.l_init.expand(b, self.positions, -1).clone()
            done = torch.zeros(b, dtype=torch.bool, device=inputs.device)
            tokens = torch.zeros_like(inputs)
            used = torch.zeros(b, dtype=torch.long, device=inputs.device)
            p_halt = torch.zeros(b, device=inputs.device)
            for step in range(1, self.config.halt_max_steps + 1):
                z_h, z_l, logits, q_halt, q_continue = self.segment(z_h, z_l, x)
                stop = torch.full_like(done, step == self.config.halt_max_steps)
                if halting == "act":
                    stop |= q_halt > q_continue
                now = stop & ~done
                tokens[now], used[now], p_halt[now] = logits.argmax(-1)[now], step, torch.sigmoid(q_halt)[now]
                done |= stop
                if bool(done.all()):
                    break
            return tokens, used, p_halt
        finally:
            self.train(was_training)


def act_loss(out: Output, labels: Tensor) -> tuple[Tensor, dict[str, Tensor]]:
    """The reference's loss for one segment: per-sequence mean token cross-entropy summed over the
    batch, plus half the Q-losses (q_halt against this segment's exact correctness, q_continue
    against the bootstrapped target). Returns the loss and per-row metrics."""
    valid = labels != IGNORE
    counts = valid.sum(-1).clamp(min=1)
    token_loss = F.cross_entropy(out.logits.float().transpose(1, 2), labels, ignore_index=IGNORE, reduction="none")
    lm_loss = (token_loss.sum(-1) / counts).sum()
    predicted = out.logits.argmax(-1)
    correct_tokens = (predicted == labels) & valid
    exact = correct_tokens.sum(-1) == valid.sum(-1)
    q_halt_loss = F.binary_cross_entropy_with_logits(out.q_halt, exact.float(), reduction="sum")
    loss = lm_loss + 0.5 * q_halt_loss
    if out.target_q_continue is not None:
        loss = loss + 0.5 * F.binary_cross_entropy_with_logits(out.q_continue, out.target_q_continue, reduction="sum")
    metrics = {"exact": exact, "token_accuracy": correct_tokens.sum(-1) / counts, "lm_loss": lm_loss.detach()}
    return loss, metrics
