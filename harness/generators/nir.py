"""NIR: reasoning hidden states injected at decoder layer k (Ghaderi 2024), done consistently.

For each (problem, sample) the model first writes notes on the task (the thinking
stage, our own template ``templates/nir-think.toml``). The CRV text (the task plus
the notes: their tagged sections, or the whole trace) is encoded in a plain forward;
its hidden states at the source layer (default: the injection layer) are the context
representation vectors. The answer is then generated from the task's own prompt
with the vectors injected before layer k (``harness.generators.inject``), so answer
decoding costs what baseline decoding costs.

``--layer 1,10,23,none`` is a sweep: every condition of a sample reuses one thinking
trace, and ``none`` (no injection) is the control. ``--layer 10+23`` injects at both
layers in one condition. Fixed against the reference code (shared/reference/nir.md):
the problem statement reaches both stages, layers are not permuted, decode positions
stay consistent, and no state is left on the model.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.errors import UserError
from harness.generators import register
from harness.generators.base import Generator
from harness.generators.baseline import decoding_of
from harness.records import Generation, Message, Request
from harness.templates import TemplateFile, fill, read_template

TEMPLATES_DIR = Path(__file__).parent / "templates"
CRV_TEXTS = ("sections", "full")


def parse_layers(text: str) -> tuple[tuple[int, ...], ...]:
    """``"1,10,23,none"`` -> ((1,), (10,), (23,), ()); ``"10+23"`` is one condition with two layers."""
    conditions: list[tuple[int, ...]] = []
    for part in (p.strip() for p in text.split(",")):
        if part.lower() == "none":
            layers: tuple[int, ...] = ()
        else:
            try:
                layers = tuple(int(x) for x in part.split("+"))
            except ValueError:
                raise UserError(
                    f"--layer {text!r}: each condition is a layer number, layers joined by '+', or 'none'."
                ) from None
            if any(k < 0 for k in layers) or len(set(layers)) != len(layers):
                raise UserError(f"--layer {text!r}: layers must be distinct numbers >= 0.")
        if layers in conditions:
            raise UserError(f"--layer {text!r} names the condition {condition_name(layers)!r} twice.")
        conditions.append(layers)
    return tuple(conditions)


def condition_name(layers: tuple[int, ...]) -> str:
    return "layer=" + "+".join(map(str, layers)) if layers else "none"


@dataclass(frozen=True)
class ThinkTemplate:
    file: TemplateFile
    system: str
    user: str
    prefill: str
    sections: tuple[str, ...]
    crv: str


def load_think_template(name_or_path: str) -> ThinkTemplate:
    t = read_template(name_or_path, TEMPLATES_DIR, ("user", "crv"))
    sections = t.data.get("sections", [])
    if not isinstance(sections, list) or not all(isinstance(s, str) and s for s in sections):
        raise UserError(f"Prompt template {t.path}: 'sections' must be a list of tag names.")
    return ThinkTemplate(
        t, str(t.data.get("system", "")), t.data["user"], str(t.data.get("prefill", "")), tuple(sections), t.data["crv"]
    )


def tagged_sections(trace: str, tags: tuple[str, ...]) -> str | None:
    """The contents of ``<tag>...</tag>`` for each tag, in order; a tag left open runs to the end."""
    found = []
    for tag in tags:
        match = re.search(rf"<{tag}>(.*?)(?:</{tag}>|$)", trace, re.DOTALL)
        if match and match.group(1).strip():
            found.append(f"<{tag}>{match.group(1).strip()}</{tag}>")
    return "\n".join(found) if found else None


@dataclass
class Thought:
    text: str  # the thinking trace (prefill included)
    crv_text: str
    crv_source: str  # "sections", "full", or "full (no tagged sections)"
    tokens_in: int
    tokens_out: int
    seconds: float
    uses: int = 0
    states: dict[int, Any] | None = None  # CRVs by injection layer, encoded once for every condition


@register
class NIR(Generator):
    name = "nir"
    description = "NIR: thinking notes -> hidden states injected at --layer K (sweeps: --layer 1,10,23,none)"

    def __init__(self, options):
        super().__init__(options)
        from harness.generators.hf import load_model
        from harness.generators.inject import check_layer, check_model

        if not options.layers:
            raise UserError("The nir generator needs --layer K (e.g. --layer 23, or a sweep: --layer 1,10,23,none).")
        if options.crv_text not in CRV_TEXTS:
            raise UserError(f"Unknown --crv-text {options.crv_text!r}; choose {' or '.join(CRV_TEXTS)}.")
        self.template = load_think_template(options.think_prompt or "nir-think")
        self.lm = load_model(options.model, options.model_revision, options.device, options.dtype)
        try:
            self.num_layers = check_model(self.lm.model)
        except ValueError as exc:
            raise UserError(f"NIR cannot use this model: {exc}.") from None
        try:
            for layers in options.layers:
                for k in layers:
                    check_layer(k, self.num_layers, "--layer")
            if options.source_layer is not None:
                check_layer(options.source_layer, self.num_layers, "--source-layer")
        except ValueError as exc:
            raise UserError(f"{exc}.") from None
        self.layers = {condition_name(c): c for c in options.layers}
        self.thoughts: dict[tuple[str, int, int], Thought] = {}
        # how many conditions this run generates per (problem, sample), from plan(); unplanned: all of them
        self.pending: dict[tuple[str, int], int] = {}

    def conditions(self) -> list[str]:
        return list(self.layers)

    def plan(self, units: list[tuple[str, int, str]]) -> None:
        # After a resume a sample may have only some conditions left: its thought is freed after those.
        self.pending = dict(Counter((problem_id, sample) for problem_id, sample, _ in units))

    # -- thinking stage

    def _think(self, requests: list[Request]) -> None:
        """Thoughts for every (problem, sample, turn) of ``requests`` not thought about yet, in one batch."""
        from harness.generators.hf import complete, render_prompt

        todo = {}
        for r in requests:
            key = (r.problem_id, r.sample_index, r.turn)
            if key not in self.thoughts and key not in todo:
                todo[key] = r
        if not todo:
            return
        t = self.template
        prompts, tasks = [], []
        for r in todo.values():
            task = next((m.content for m in reversed(r.messages) if m.role == "user"), "")
            messages = ([Message("system", t.system)] if t.system else []) + [
                Message("user", fill(t.user, {"task": task}, t.file.path))
            ]
            prompts.append(render_prompt(self.lm.tokenizer, Request(r.problem_id, 0, 0, messages, prefill=t.prefill)))
            tasks.append(task)
        decoding = replace(decoding_of(self.options), max_new_tokens=self.options.think_tokens, stop=())
        seeds = [_think_seed(r.seed) for r in todo.values()]
        completions, seconds = complete(self.lm, prompts, seeds, decoding)
        for key, task, c in zip(todo, tasks, completions, strict=True):
            trace = t.prefill + c.text
            notes, source = trace, "full"
            if self.options.crv_text == "sections":
                sections = tagged_sections(trace, t.sections)
                notes, source = (sections, "sections") if sections else (trace, "full (no tagged sections)")
            crv_text = fill(t.crv, {"task": task, "notes": notes}, t.file.path)
            self.thoughts[key] = Thought(
                trace, crv_text, source, c.tokens_in, c.tokens_out, round(seconds / len(todo), 4)
            )

    def _crvs(self, thought: Thought, layers: tuple[int, ...]) -> dict[int, Any]:
        """CRVs for injection at each of ``layers``: the hidden states of the CRV text entering
        the source layer (default: the injection layer), shape (c, hidden)."""
        if thought.states is None:
            import torch

            tok = self.lm.tokenizer
            ids = tok(thought.crv_text, return_tensors="pt", add_special_tokens=True)["input_ids"]
            with torch.no_grad():
                states = self.lm.model(ids.to(self.lm.device), output_hidden_states=True).hidden_states
            source = self.options.source_layer
            every = {k for c in self.layers.values() for k in c}
            thought.states = {k: states[k if source is None else source][0] for k in every}
        return {k: thought.states[k] for k in layers}

    # -- answers

    def generate(self, requests: list[Request]) -> list[Generation]:
        self._think(requests)
        out: dict[int, Generation] = {}
        # One batch per condition: a row never carries another condition's prefix, so a
        # condition's answers do not depend on what else is swept (and none is plain decoding).
        groups: dict[str, list[int]] = {}
        for i, r in enumerate(requests):
            groups.setdefault(r.condition, []).append(i)
        for condition, rows in groups.items():
            out.update(self._answer([requests[i] for i in rows], rows, bool(self.layers[condition])))
        for r in requests:
            key = (r.problem_id, r.sample_index, r.turn)
            self.thoughts[key].uses += 1
            if self.thoughts[key].uses >= self.pending.get(key[:2], len(self.layers)):
                del self.thoughts[key]
        return [out[i] for i in range(len(requests))]

    def _answer(self, requests: list[Request], rows: list[int], injected: bool) -> dict[int, Generation]:
        """Answers of one condition's requests, with its layers' CRVs injected (left-padded per row)."""
        import contextlib

        from harness.generators.hf import complete, render_prompt
        from harness.generators.inject import Injector, left_pad

        thoughts = [self.thoughts[(r.problem_id, r.sample_index, r.turn)] for r in requests]
        context: Any = contextlib.nullcontext()
        lengths = [0] * len(requests)
        if injected:
            layers = self.layers[requests[0].condition]
            per_row = [self._crvs(t, layers) for t in thoughts]
            lengths = [c[layers[0]].shape[0] for c in per_row]
            padded = {k: left_pad([c[k] for c in per_row]) for k in layers}
            context = Injector(
                self.lm.model, {k: p[0] for k, p in padded.items()}, {k: p[1] for k, p in padded.items()}
            )
        prompts = [render_prompt(self.lm.tokenizer, r) for r in requests]
        with context:
            completions, seconds = complete(self.lm, prompts, [r.seed for r in requests], decoding_of(self.options))
        share = round(seconds / len(requests), 4)
        results = {}
        for row, r, t, c, length in zip(rows, requests, thoughts, completions, lengths, strict=True):
            extras = {
                "condition": r.condition,
                "layers": list(self.layers[r.condition]),
                "source_layer": self.options.source_layer,
                "crv_tokens": length,
                "crv_source": t.crv_source,
                "thinking": t.text,
                "thinking_tokens_in": t.tokens_in,
                "thinking_tokens_out": t.tokens_out,
                "thinking_seconds": t.seconds,
            }
            results[row] = Generation(c.text, True, c.tokens_in, c.tokens_out, share, extras)
        return results

    def config(self) -> dict[str, Any]:
        o = self.options
        return {
            "name": self.name,
            **self.lm.describe(),
            "layers": {name: list(layers) for name, layers in self.layers.items()},
            "source_layer": o.source_layer,
            "num_layers": self.num_layers,
            "crv_text": o.crv_text,
            "think_prompt": self.template.file.record(),
            "think_tokens": o.think_tokens,
            "temperature": o.temperature,
            "top_p": o.top_p,
            "top_k": o.top_k,
            "max_new_tokens": o.max_new_tokens,
            "stop": list(o.stop),
        }


def _think_seed(seed: int) -> int:
    """The thinking stage's RNG seed: derived from the sample's, so it differs from the answer's."""
    return (seed * 2654435761 + 0x9E3779B9) % 2**32
