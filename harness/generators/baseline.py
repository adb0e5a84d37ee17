"""The baseline: any Hugging Face causal LM, batched, greedy or sampled."""

from __future__ import annotations

import time
from typing import Any

from harness.errors import UserError
from harness.generators import register
from harness.generators.base import Generator
from harness.records import Generation, Request


@register
class Baseline(Generator):
    name = "baseline"
    description = "any Hugging Face causal LM (--model hub id or path): chat template, batched, greedy or sampled"

    def __init__(self, options):
        super().__init__(options)
        if not options.model:
            raise UserError("The baseline generator needs --model (a hub id or a local path).")
        from harness.generators.hf import load_model

        self.lm = load_model(options.model, options.model_revision, options.device, options.dtype)

    def generate(self, requests: list[Request]) -> list[Generation]:
        import torch

        from harness.generators.hf import cut_at_stop, render_prompt, seeded_sampler

        o, tok = self.options, self.lm.tokenizer
        prompts = [render_prompt(tok, r) for r in requests]
        batch = tok(prompts, return_tensors="pt", padding=True, add_special_tokens=not tok.chat_template)
        batch = batch.to(self.lm.device)
        sampling: dict[str, Any] = {"do_sample": False}
        if o.temperature > 0:
            seeds = [r.seed for r in requests]
            sampling["logits_processor"] = seeded_sampler(seeds, o.temperature, o.top_p, o.top_k, self.lm.device)
        started = time.perf_counter()
        with torch.no_grad():
            out = self.lm.model.generate(
                **batch, max_new_tokens=o.max_new_tokens, pad_token_id=tok.pad_token_id, **sampling
            )
        seconds = (time.perf_counter() - started) / len(requests)
        width = batch["input_ids"].shape[1]
        results = []
        for row, mask in zip(out, batch["attention_mask"], strict=True):
            new = row[width:]
            if tok.eos_token_id is not None:
                ends = (new == tok.eos_token_id).nonzero()
                new = new[: int(ends[0])] if len(ends) else new
            text = cut_at_stop(tok.decode(new, skip_special_tokens=True), list(o.stop))
            results.append(Generation(text, int(mask.sum()), int(len(new)), round(seconds, 4)))
        return results

    def config(self) -> dict[str, Any]:
        o = self.options
        return {
            "name": self.name,
            "model": o.model,
            "model_revision": o.model_revision,
            "device": self.lm.device,
            "dtype": self.lm.dtype,
            "temperature": o.temperature,
            "top_p": o.top_p,
            "top_k": o.top_k,
            "max_new_tokens": o.max_new_tokens,
            "stop": list(o.stop),
            "chat_template": bool(self.lm.tokenizer.chat_template),
        }
