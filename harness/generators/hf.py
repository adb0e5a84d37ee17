"""Loading a Hugging Face causal LM and turning requests into prompts.

Shared by the model generators. torch and transformers are imported here, so this
module is imported only by generators that are actually used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.errors import UserError
from harness.records import Request


@dataclass
class LoadedModel:
    model: Any
    tokenizer: Any
    device: str
    dtype: str
    revision: str | None


def pick_device(requested: str | None) -> str:
    import torch

    if requested:
        return requested
    return "cuda" if torch.cuda.is_available() else "cpu"


def pick_dtype(requested: str | None, device: str) -> str:
    if requested:
        return requested
    return "bfloat16" if device.startswith("cuda") else "float32"


def load_model(name: str, revision: str | None, device: str | None, dtype: str | None) -> LoadedModel:
    """Model and tokenizer by hub id or local path; UserError when they cannot be loaded."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    device = pick_device(device)
    dtype = pick_dtype(dtype, device)
    if not hasattr(torch, dtype) or not isinstance(getattr(torch, dtype), torch.dtype):
        raise UserError(f"Unknown --dtype {dtype!r}; use float32, bfloat16 or float16.")
    try:
        tokenizer = AutoTokenizer.from_pretrained(name, revision=revision)
        model = AutoModelForCausalLM.from_pretrained(name, revision=revision, dtype=getattr(torch, dtype))
    except (OSError, ValueError) as exc:
        raise UserError(f"Cannot load model {name!r}: {str(exc).splitlines()[0][:200]}") from None
    tokenizer.padding_side = "left"  # decoder-only: pad on the left so every row ends at its prompt
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model.to(device).eval()
    return LoadedModel(model, tokenizer, device, dtype, revision)


def render_prompt(tokenizer: Any, request: Request) -> str:
    """The request as text: the tokenizer's chat template when it has one, else plain turns."""
    messages = [{"role": m.role, "content": m.content} for m in request.messages]
    if getattr(tokenizer, "chat_template", None):
        text = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    else:
        text = "".join(f"{m['content']}\n\n" for m in messages)
    return text + request.prefill


def cut_at_stop(text: str, stops: list[str]) -> str:
    """``text`` up to the earliest stop string (excluded)."""
    cut = min((i for i in (text.find(s) for s in stops if s) if i >= 0), default=len(text))
    return text[:cut]


def seeded_sampler(seeds: list[int], temperature: float, top_p: float, top_k: int, device: str):
    """Logits processors that turn greedy decoding into sampling with one RNG per row.

    Temperature, top-k and top-p shape the distribution; then Gumbel noise drawn from
    each row's own generator is added, so the argmax greedy decoding takes is an exact
    sample from the shaped distribution. Each sample depends on its own seed only, not
    on which requests share its batch: a resumed run samples what the original would.
    """
    import torch
    from transformers import LogitsProcessor, LogitsProcessorList
    from transformers.generation.logits_process import (
        TemperatureLogitsWarper,
        TopKLogitsWarper,
        TopPLogitsWarper,
    )

    class GumbelNoise(LogitsProcessor):
        def __init__(self):
            self.generators = [torch.Generator(device=device).manual_seed(seed) for seed in seeds]

        def __call__(self, input_ids, scores):
            noise = torch.stack(
                [
                    torch.rand(scores.shape[-1], generator=g, device=scores.device, dtype=torch.float32)
                    for g in self.generators
                ]
            )
            gumbel = -torch.log(-torch.log(noise.clamp_min(1e-20)))
            return scores.float() + gumbel

    processors = [TemperatureLogitsWarper(temperature)]
    if top_k > 0:
        processors.append(TopKLogitsWarper(top_k))
    if top_p < 1.0:
        processors.append(TopPLogitsWarper(top_p))
    processors.append(GumbelNoise())
    return LogitsProcessorList(processors)
