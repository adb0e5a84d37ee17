"""Decode throughput of NIR against the baseline on the same model, prompts and process.

The prompts are the mbpp-demo test problems under the task's 3-shot protocol. The NIR
thinking stage (notes, then one forward over the CRV text) runs first and is timed on
its own; then, alternating for $HARNESS_BENCH_ROUNDS rounds (default 5), the same
left-padded batch is decoded

- plainly (what ``--generator baseline`` does), and
- with the CRVs injected at layer K (what ``--generator nir --layer K`` does),

each for exactly N new tokens (EOS ignored) and for 1 token. Decode throughput is
``batch * (N - 1) / (t_N - t_1)``: the prefill (where NIR's extra rows are written into
the cache) is reported apart. Memory: on the CPU, how far the RSS rises during one more
decode of each mode (sampled every 2 ms); on a GPU, CUDA's peak allocation per mode;
and the size of the extra KV cache NIR holds, computed from the shapes.

    python benchmarks/nir_throughput.py [--model PATH] [--layer 23] [--tokens 64] [--batch 8]

Default model: the bundled demo model.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.generators.base import GeneratorOptions  # noqa: E402
from harness.generators.hf import render_prompt  # noqa: E402
from harness.generators.inject import Injector, left_pad  # noqa: E402
from harness.generators.nir import NIR, parse_layers  # noqa: E402
from harness.tasks.base import TaskOptions  # noqa: E402
from harness.tasks.mbpp import MBPPDemo  # noqa: E402

ROUNDS = int(os.environ.get("HARNESS_BENCH_ROUNDS", "5"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        kb = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return kb / 1024


def rss_growth_mb(run) -> float:
    """How far the process's RSS rises above its level at the start while ``run()`` runs (sampled every 2 ms)."""
    start, peak, done = rss_mb(), [0.0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb())
            time.sleep(0.002)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        run()
    finally:
        done.set()
        sampler.join()
    return max(peak[0], rss_mb()) - start


def timed_generate(model, batch, new_tokens: int, pad_id: int) -> float:
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    started = time.perf_counter()
    with torch.no_grad():
        model.generate(
            **batch,
            max_new_tokens=new_tokens,
            min_new_tokens=new_tokens,
            do_sample=False,
            pad_token_id=pad_id,
        )
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="hub id or path (default: the bundled demo model)")
    parser.add_argument("--layer", type=int, default=23)
    parser.add_argument("--tokens", type=int, default=64, help="new tokens per row")
    parser.add_argument("--batch", type=int, default=8, help="prompts per batch")
    args = parser.parse_args()

    torch.manual_seed(0)
    task = MBPPDemo(TaskOptions())
    problems = task.load()[: args.batch]
    requests = [task.request(p, 0, []) for p in problems]
    requests = [dataclasses.replace(r, condition=f"layer={args.layer}") for r in requests]
    gen = NIR(GeneratorOptions(model=args.model, layers=parse_layers(str(args.layer)), think_tokens=128))
    lm, tok = gen.lm, gen.lm.tokenizer
    rss_loaded = peak_rss_mb()

    started = time.perf_counter()
    gen._think(requests)
    thinking_s = time.perf_counter() - started
    thoughts = [gen.thoughts[(r.problem_id, r.sample_index, r.turn)] for r in requests]
    started = time.perf_counter()
    per_row = [gen._crvs(t, (args.layer,))[args.layer] for t in thoughts]
    crv_s = time.perf_counter() - started
    crvs, valid = left_pad(per_row)
    width = crvs.shape[1]

    prompts = [render_prompt(tok, r) for r in requests]
    batch = tok(prompts, return_tensors="pt", padding=True, add_special_tokens=not tok.chat_template).to(lm.device)
    rows = len(prompts)
    timings: dict[str, dict[int, list[float]]] = {"baseline": {1: [], args.tokens: []}, "nir": {1: [], args.tokens: []}}
    cuda_peak: dict[str, float] = {}

    def decode(mode: str, n: int) -> float:
        if mode == "nir":
            with Injector(lm.model, {args.layer: crvs}, {args.layer: valid}):
                return timed_generate(lm.model, batch, n, tok.pad_token_id)
        return timed_generate(lm.model, batch, n, tok.pad_token_id)

    for _ in range(ROUNDS):
        for mode in ("baseline", "nir"):
            if torch.cuda.is_available():
                torch.cuda.reset_peak_memory_stats()
            for n in (1, args.tokens):
                timings[mode][n].append(decode(mode, n))
            if torch.cuda.is_available():
                cuda_peak[mode] = torch.cuda.max_memory_allocated() / 2**20
    rss = {} if torch.cuda.is_available() else {m: rss_growth_mb(lambda m=m: decode(m, args.tokens)) for m in timings}
    config = lm.model.config
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
    extra_kv = (config.num_hidden_layers - args.layer) * 2 * config.num_key_value_heads * head_dim * width * rows
    extra_kv_mb = extra_kv * torch.finfo(lm.model.dtype).bits / 8 / 2**20

    name = gen.config()["model"]
    print(f"model        {name}  ({lm.model.config.num_hidden_layers} layers, device {lm.device}, dtype {lm.dtype})")
    if lm.demo:
        print(f"             {gen.config()['demo_model']}")
    prompt_tokens = int(batch["attention_mask"].sum()) / rows
    print(f"batch        {rows} mbpp-demo prompts (3-shot), mean {prompt_tokens:.0f} prompt tokens")
    print(f"injection    layer {args.layer}, mean CRV length {statistics.mean(c.shape[0] for c in per_row):.0f} tokens")
    think_out = sum(t.tokens_out for t in thoughts)
    print(
        f"thinking     {thinking_s:.2f} s for {think_out} tokens ({think_out / thinking_s:.1f} tokens/s), "
        f"CRV forwards {crv_s:.2f} s  (excluded from the decode figures)"
    )
    print(f"rounds       {ROUNDS}, medians; {args.tokens} new tokens per row, EOS ignored")
    speed = {}
    for mode in ("baseline", "nir"):
        t1, tn = statistics.median(timings[mode][1]), statistics.median(timings[mode][args.tokens])
        speed[mode] = rows * (args.tokens - 1) / (tn - t1)
        memory = f"CUDA peak {cuda_peak[mode]:.0f} MiB" if mode in cuda_peak else f"RSS growth {rss[mode]:.0f} MB"
        memory += f" (process peak after loading: {rss_loaded:.0f} MB)"
        print(f"{mode:<12} prefill {t1:.3f} s   decode {speed[mode]:.1f} tokens/s   {memory}")
    print(f"ratio        nir / baseline decode throughput = {speed['nir'] / speed['baseline']:.3f}")
    print(
        f"extra cache  NIR's prefix in the KV cache of layers {args.layer}..{config.num_hidden_layers - 1}: "
        f"{extra_kv_mb:.1f} MB for this batch"
    )


if __name__ == "__main__":
    main()
