"""CRV injection hooks on tiny random Llama, Qwen2 and Mistral models built from configs."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from harness.generators.inject import Injector  # noqa: E402

VOCAB, HIDDEN, LAYERS = 97, 32, 4
ARCHS = ("llama", "qwen2", "mistral")


COMMON = dict(
    vocab_size=VOCAB,
    hidden_size=HIDDEN,
    intermediate_size=64,
    num_hidden_layers=LAYERS,
    num_attention_heads=4,
    num_key_value_heads=2,
    max_position_embeddings=128,
    pad_token_id=0,
    bos_token_id=1,
    eos_token_id=2,
)


def tiny(arch: str, attn: str = "sdpa"):
    common = COMMON
    torch.manual_seed(0)
    if arch == "llama":
        model = transformers.LlamaForCausalLM(transformers.LlamaConfig(**common))
    elif arch == "qwen2":
        model = transformers.Qwen2ForCausalLM(transformers.Qwen2Config(**common))
    else:
        model = transformers.MistralForCausalLM(transformers.MistralConfig(**common, sliding_window=None))
    model.config._attn_implementation = attn
    model.generation_config.eos_token_id = None  # always decode the full length, so batches compare row by row
    return model.eval()


@pytest.fixture(scope="module", params=ARCHS)
def model(request):
    return tiny(request.param)


def ids(*tokens: int):
    return torch.tensor([tokens])


PROMPT = ids(5, 17, 33, 8, 41, 9)
CONTEXT = ids(1, 60, 61, 62, 70, 3, 12)


def crv_of(model, tokens, layer: int):
    """hidden_states[layer] of a plain forward over ``tokens``: the input of decoder layer ``layer``."""
    with torch.no_grad():
        return model(tokens, output_hidden_states=True).hidden_states[layer]


def greedy(model, prompt, mask=None, new=6, **kwargs):
    with torch.no_grad():
        out = model.generate(prompt, attention_mask=mask, max_new_tokens=new, do_sample=False, pad_token_id=0, **kwargs)
    return out[:, prompt.shape[1] :]


def logits(model, prompt, mask=None):
    """Logits of a plain forward; positions count real tokens only, as ``generate`` does."""
    positions = None if mask is None else (mask.cumsum(-1) - 1).clamp_min(0)
    with torch.no_grad():
        return model(prompt, attention_mask=mask, position_ids=positions).logits


def test_zero_length_crv_reproduces_the_baseline(model):
    empty = torch.zeros(1, 0, HIDDEN)
    with Injector(model, {2: empty}):
        injected = greedy(model, PROMPT)
    assert torch.equal(injected, greedy(model, PROMPT))


def test_layers_below_k_are_bit_identical_and_logits_keep_the_prompt_length(model):
    k, crv = 2, crv_of(model, CONTEXT, 2)
    with torch.no_grad():
        plain = model(PROMPT, output_hidden_states=True)
        with Injector(model, {k: crv}):
            hooked = model(PROMPT, output_hidden_states=True)
    # hidden_states[j] is the input of layer j: the same bits for every j <= k
    for j in range(k + 1):
        assert torch.equal(hooked.hidden_states[j], plain.hidden_states[j])
    after = hooked.hidden_states[k + 1]  # output of layer k: prefix rows + prompt rows
    assert after.shape[1] == crv.shape[1] + PROMPT.shape[1]
    assert not torch.allclose(after[:, crv.shape[1] :], plain.hidden_states[k + 1])
    assert hooked.logits.shape == plain.logits.shape == (1, PROMPT.shape[1], VOCAB)


def test_injecting_embeddings_at_k0_equals_a_plain_forward_on_context_then_prompt(model):
    crv = crv_of(model, CONTEXT, 0)
    joined = torch.cat([CONTEXT, PROMPT], dim=1)
    with Injector(model, {0: crv}):
        injected_logits = logits(model, PROMPT)
        injected_tokens = greedy(model, PROMPT, new=8)
    plain_logits = logits(model, joined)[:, CONTEXT.shape[1] :]
    torch.testing.assert_close(injected_logits, plain_logits, atol=1e-5, rtol=1e-5)
    assert torch.equal(injected_tokens, greedy(model, joined, new=8))


def test_cached_generation_equals_uncached_and_caches_hold_the_prefix_from_k(model):
    k, crv = 1, crv_of(model, CONTEXT, 1)
    with Injector(model, {k: crv}):
        cached = greedy(model, PROMPT, new=8)
        uncached = greedy(model, PROMPT, new=8, use_cache=False)
        cache = transformers.DynamicCache(config=model.config)
        with torch.no_grad():
            model(PROMPT, cache=cache, use_cache=True)
    assert torch.equal(cached, uncached)
    c, p = crv.shape[1], PROMPT.shape[1]
    assert [cache.get_seq_length(j) for j in range(LAYERS)] == [p + c * (j >= k) for j in range(LAYERS)]


@pytest.mark.parametrize("arch", ARCHS)
def test_sdpa_equals_eager(arch):
    sdpa, eager = tiny(arch, "sdpa"), tiny(arch, "eager")
    crv = crv_of(sdpa, CONTEXT, 2)
    mask = torch.ones_like(PROMPT)
    with Injector(sdpa, {2: crv}):
        a_logits, a_tokens = logits(sdpa, PROMPT, mask), greedy(sdpa, PROMPT, mask)
    with Injector(eager, {2: crv}):
        b_logits, b_tokens = logits(eager, PROMPT, mask), greedy(eager, PROMPT, mask)
    torch.testing.assert_close(a_logits, b_logits, atol=1e-5, rtol=1e-5)
    assert torch.equal(a_tokens, b_tokens)


def left_pad(rows: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(r.shape[-1] for r in rows)
    out = torch.zeros(len(rows), width, dtype=torch.long)
    mask = torch.zeros(len(rows), width, dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, width - r.shape[-1] :], mask[i, width - r.shape[-1] :] = r[0], 1
    return out, mask


def pad_crvs(crvs: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(c.shape[1] for c in crvs)
    out = torch.zeros(len(crvs), width, HIDDEN)
    valid = torch.zeros(len(crvs), width, dtype=torch.bool)
    for i, c in enumerate(crvs):
        out[i, width - c.shape[1] :], valid[i, width - c.shape[1] :] = c[0], True
    return out, valid


def test_a_left_padded_batch_equals_single_runs(model):
    prompts = [PROMPT, ids(7, 22, 3)]
    crvs = [crv_of(model, CONTEXT, 2), crv_of(model, ids(1, 44, 45), 2)]
    singles = []
    for prompt, crv in zip(prompts, crvs, strict=True):
        with Injector(model, {2: crv}):
            singles.append((logits(model, prompt)[0, -1], greedy(model, prompt)[0]))
    batch, mask = left_pad(prompts)
    crv, valid = pad_crvs(crvs)
    with Injector(model, {2: crv}, {2: valid}):
        batched_logits, batched_tokens = logits(model, batch, mask)[:, -1], greedy(model, batch, mask)
    for i, (last, tokens) in enumerate(singles):
        torch.testing.assert_close(batched_logits[i], last, atol=1e-5, rtol=1e-5)
        assert torch.equal(batched_tokens[i], tokens)


def test_a_row_without_a_prefix_decodes_as_the_plain_model(model):
    batch, mask = left_pad([PROMPT, ids(7, 22, 3)])
    crv = crv_of(model, CONTEXT, 1).expand(2, -1, -1)
    valid = torch.tensor([[True] * crv.shape[1], [False] * crv.shape[1]])
    with Injector(model, {1: crv}, {1: valid}):
        mixed = greedy(model, batch, mask)
    assert torch.equal(mixed[1], greedy(model, ids(7, 22, 3))[0])


def test_no_state_is_left_after_the_context(model):
    before, tokens = logits(model, PROMPT), greedy(model, PROMPT)
    with Injector(model, {1: crv_of(model, CONTEXT, 1)}):
        assert not torch.allclose(logits(model, PROMPT), before)
    assert torch.equal(logits(model, PROMPT), before)
    assert torch.equal(greedy(model, PROMPT), tokens)  # and greedy decoding is deterministic
    assert all(not m._forward_pre_hooks for m in model.modules())


def test_multi_layer_with_an_empty_second_crv_equals_single_layer(model):
    crv = crv_of(model, CONTEXT, 1)
    with Injector(model, {1: crv}):
        single_logits, single = logits(model, PROMPT), greedy(model, PROMPT)
    with Injector(model, {1: crv, 3: torch.zeros(1, 0, HIDDEN)}):
        torch.testing.assert_close(logits(model, PROMPT), single_logits, atol=1e-6, rtol=1e-6)
        assert torch.equal(greedy(model, PROMPT), single)


def test_multi_layer_cached_equals_uncached(model):
    crvs = {1: crv_of(model, CONTEXT, 1), 3: crv_of(model, ids(1, 50, 51, 52), 3)}
    with Injector(model, crvs):
        assert torch.equal(greedy(model, PROMPT, new=8), greedy(model, PROMPT, new=8, use_cache=False))


def test_bad_inputs_raise_clear_errors(model):
    crv = crv_of(model, CONTEXT, 1)
    with pytest.raises(ValueError, match=r"must be in 0\.\.3"):
        Injector(model, {LAYERS: crv})
    with pytest.raises(ValueError, match=r"must be in 0\.\.3"):
        Injector(model, {-1: crv})
    with pytest.raises(ValueError, match="must be an integer"):
        Injector(model, {True: crv})
    with pytest.raises(ValueError, match="must have shape"):
        Injector(model, {1: torch.zeros(1, 3, HIDDEN + 1)})
    with pytest.raises(ValueError, match="valid mask"):
        Injector(model, {1: crv}, {1: torch.ones(1, 2, dtype=torch.bool)})
    with pytest.raises(ValueError, match="batch 3"), Injector(model, {1: torch.zeros(3, 2, HIDDEN)}):
        logits(model, left_pad([PROMPT, PROMPT])[0])
    assert all(not m._forward_pre_hooks for m in model.modules())


def test_unsupported_models_are_refused():
    gpt2 = transformers.GPT2LMHeadModel(transformers.GPT2Config(n_layer=2, n_embd=32, n_head=4, vocab_size=VOCAB))
    with pytest.raises(ValueError, match="Llama-like"):
        Injector(gpt2, {0: torch.zeros(1, 1, 32)})
    windowed = transformers.MistralForCausalLM(transformers.MistralConfig(**COMMON, sliding_window=16))
    with pytest.raises(ValueError, match="sliding-window"):
        Injector(windowed, {0: torch.zeros(1, 1, HIDDEN)})
