"""Loading a Hugging Face causal LM and turning requests into prompts.

Shared by the model generators. torch and transformers are imported here, so this
module is imported only by generators that are actually used.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.device import pick_device
from harness.errors import UserError
from harness.records import Request

# A tiny Llama-architecture model trained by scripts/train_demo_model.py on the Python
# standard library: the default --model, so a fresh machine runs without downloads.
# It is a demo, not a code model; every run that uses it says so.
DEMO_MODEL = Path(__file__).parent / "demo_model"
DEMO_NAME = "bundled:demo_model"
DEMO_LABEL = "DEMO MODEL (tiny, trained on the Python standard library; not a real code model)"


@dataclass
class LoadedModel:
    model: Any
    tokenizer: Any
    device: str
    dtype: str
    revision: str | None  # the commit a hub id was loaded at; None for a local path
    name: str = ""  # what --model said, or DEMO_NAME
    demo: bool = False
    weights_sha256: str | None = None  # the bundled demo model's, which has no hub revision

    def describe(self) -> dict[str, Any]:
        """The model's part of a generator's config."""
        facts: dict[str, Any] = {"model": self.name, "model_revision": self.revision}
        if self.demo:
            facts["demo_model"] = DEMO_LABEL
            facts["model_sha256"] = self.weights_sha256
        facts.update(device=self.device, dtype=self.dtype, chat_template=bool(self.tokenizer.chat_template))
        return facts


@dataclass(frozen=True)
class Decoding:
    """How new tokens are chosen: greedy when temperature is 0."""

    temperature: float = 0.0
    top_p: float = 1.0
    top_k: int = 0
    max_new_tokens: int = 512
    stop: tuple[str, ...] = ()


@dataclass(frozen=True)
class Completion:
    text: str
    tokens_in: int
    tokens_out: int


def pick_dtype(requested: str | None, device: str) -> str:
    if requested:
        return requested
    return "bfloat16" if device.startswith("cuda") else "float32"


def load_model(name: str | None, revision: str | None, device: str | None, dtype: str | None) -> LoadedModel:
    """Model and tokenizer by hub id or local path (None: the bundled demo model); UserError when they cannot load."""
    import torch
    import transformers
    from transformers import AutoModelForCausalLM, AutoTokenizer

    transformers.utils.logging.disable_progress_bar()  # the harness draws its own progress
    transformers.utils.logging.set_verbosity_error()
    demo = name is None
    if demo:
        if not (DEMO_MODEL / "config.json").is_file():
            raise UserError(f"The bundled demo model is missing from {DEMO_MODEL}; pass --model (a hub id or a path).")
        name = str(DEMO_MODEL)
    device = pick_device(device)
    dtype = pick_dtype(dtype, device)
    if not hasattr(torch, dtype) or not isinstance(getattr(torch, dtype), torch.dtype):
        raise UserError(f"Unknown --dtype {dtype!r}; use float32, bfloat16 or float16.")
    try:
        commit = resolve_commit(name, revision)
        # Loading by the commit, not the branch or tag, makes the recorded revision the one loaded.
        tokenizer = AutoTokenizer.from_pretrained(name, revision=commit or revision)
        model = AutoModelForCausalLM.from_pretrained(name, revision=commit or revision, dtype=getattr(torch, dtype))
    except (OSError, ValueError) as exc:
        raise UserError(f"Cannot load model {name!r}: {str(exc).splitlines()[0][:200]}") from None
    tokenizer.padding_side = "left"  # decoder-only: pad on the left so every row ends at its prompt
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model.to(device).eval()
    if not demo:
        return LoadedModel(model, tokenizer, device, dtype, commit, name)
    weights = hashlib.sha256((DEMO_MODEL / "model.safetensors").read_bytes()).hexdigest()
    return LoadedModel(model, tokenizer, device, dtype, commit, DEMO_NAME, True, weights)


def resolve_commit(name: str, revision: str | None) -> str | None:
    """The commit huggingface_hub resolves a hub id's revision (branch, tag, commit; None: main) to,
    read from the cache snapshot its config lands in; None for a local directory outside a hub cache."""
    from transformers.utils.hub import cached_file, extract_commit_hash

    return extract_commit_hash(cached_file(name, "config.json", revision=revision), None)


def complete(
    lm: LoadedModel, prompts: list[str], seeds: list[int], decoding: Decoding
) -> tuple[list[Completion], float]:
    """Continue each prompt (left-padded batch); the completions and the seconds the batch took.

    Greedy unless ``decoding.temperature`` > 0; then row i samples from its own RNG seeded
    with ``seeds[i]``. A row ends at the tokenizer's EOS; its text is cut at the first stop string.
    """
    import torch

    tok = lm.tokenizer
    batch = tok(prompts, return_tensors="pt", padding=True, add_special_tokens=not tok.chat_template)
    batch = batch.to(lm.device)
    sampling: dict[str, Any] = {"do_sample": False}
    if decoding.temperature > 0:
        sampling["logits_processor"] = seeded_sampler(
            seeds, decoding.temperature, decoding.top_p, decoding.top_k, lm.device
        )
    started = time.perf_counter()
    with torch.no_grad():
        out = lm.model.generate(
            **batch, max_new_tokens=decoding.max_new_tokens, pad_token_id=tok.pad_token_id, **sampling
        )
    seconds = time.perf_counter() - started
    width = batch["input_ids"].shape[1]
    results = []
    for row, mask in zip(out, batch["attention_mask"], strict=True):
        new = row[width:]
        if tok.eos_token_id is not None:
            ends = (new == tok.eos_token_id).nonzero()
            new = new[: int(ends[0])] if len(ends) else new
        text = cut_at_stop(tok.decode(new, skip_special_tokens=True), list(decoding.stop))
        results.append(Completion(text, int(mask.sum()), int(len(new))))
    return results, seconds


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
