"""The baseline: any Hugging Face causal LM, batched, greedy or sampled."""

from __future__ import annotations

from typing import Any

from harness.errors import UserError
from harness.generators import register
from harness.generators.base import Generator, GeneratorOptions
from harness.records import Generation, Request


def decoding_of(options: GeneratorOptions):
    from harness.generators.hf import Decoding

    o = options
    return Decoding(o.temperature, o.top_p, o.top_k, o.max_new_tokens, o.stop)


@register
class Baseline(Generator):
    name = "baseline"
    description = "any Hugging Face causal LM (--model hub id or path; default: the bundled demo model), batched"

    def __init__(self, options):
        super().__init__(options)
        from harness.generators.hf import load_model

        if options.layers:
            raise UserError("--layer applies to the nir generator, not to baseline.")
        self.lm = load_model(options.model, options.model_revision, options.device, options.dtype)

    def generate(self, requests: list[Request]) -> list[Generation]:
        from harness.generators.hf import complete, render_prompt

        prompts = [render_prompt(self.lm.tokenizer, r) for r in requests]
        completions, seconds = complete(self.lm, prompts, [r.seed for r in requests], decoding_of(self.options))
        share = round(seconds / len(requests), 4)
        return [Generation(c.text, True, c.tokens_in, c.tokens_out, share) for c in completions]

    def config(self) -> dict[str, Any]:
        o = self.options
        return {
            "name": self.name,
            **self.lm.describe(),
            "temperature": o.temperature,
            "top_p": o.top_p,
            "top_k": o.top_k,
            "max_new_tokens": o.max_new_tokens,
            "stop": list(o.stop),
        }
