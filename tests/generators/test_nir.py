"""The NIR generator on a tiny random Llama: thinking once per sample, conditions, control, errors."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import harness.generators.nir as nir_module  # noqa: E402
from harness.errors import UserError  # noqa: E402
from harness.generators.base import GeneratorOptions  # noqa: E402
from harness.generators.baseline import Baseline  # noqa: E402
from harness.generators.nir import NIR, condition_name, parse_layers, tagged_sections  # noqa: E402
from harness.records import Message, Request  # noqa: E402


def request(text: str, condition: str, problem: str = "1", seed: int = 0) -> Request:
    return Request(problem, 0, 0, [Message("user", text)], prefill="```python\n", seed=seed, condition=condition)


def nir(model_dir, layers: str = "1,3,none", **options) -> NIR:
    defaults = {"max_new_tokens": 6, "think_tokens": 8}
    return NIR(GeneratorOptions(model=str(model_dir), layers=parse_layers(layers), **{**defaults, **options}))


def test_layer_lists_parse_into_conditions():
    assert parse_layers("1,10,23,none") == ((1,), (10,), (23,), ())
    assert parse_layers("10+23, 5") == ((10, 23), (5,))
    assert [condition_name(c) for c in parse_layers("23,10+23,none")] == ["layer=23", "layer=10+23", "none"]
    for bad in ("ten", "1,1", "-1", "3+3", "1,"):
        with pytest.raises(UserError, match="--layer"):
            parse_layers(bad)


def test_tagged_sections_keep_order_and_an_unclosed_last_tag():
    trace = "<restate>add two numbers</restate> noise <plan>return a + b"
    assert (
        tagged_sections(trace, ("restate", "cases", "plan"))
        == "<restate>add two numbers</restate>\n<plan>return a + b</plan>"
    )
    assert tagged_sections("no tags at all", ("plan",)) is None


def test_a_sweep_thinks_once_per_sample_and_records_it(model_dir, monkeypatch):
    gen = nir(model_dir)
    calls = []
    real = nir_module.NIR._think

    def counting(self, requests):
        calls.append(
            len({(r.problem_id, r.sample_index) for r in requests if (r.problem_id, 0, 0) not in self.thoughts})
        )
        return real(self, requests)

    monkeypatch.setattr(nir_module.NIR, "_think", counting)
    requests = [request("add two numbers", c) for c in gen.conditions()]
    first = gen.generate(requests[:2])
    second = gen.generate(requests[2:])  # the trace is kept until every condition has used it
    assert calls == [1, 0]
    out = first + second
    assert gen.conditions() == ["layer=1", "layer=3", "none"]
    assert len({g.extras["thinking"] for g in out}) == 1
    assert [g.extras["layers"] for g in out] == [[1], [3], []]
    assert out[0].extras["crv_tokens"] > 0 and out[2].extras["crv_tokens"] == 0
    assert all(g.extras["thinking"].startswith("<restate>") and g.tokens_out <= 6 for g in out)
    assert not gen.thoughts  # nothing kept once every condition is done


def test_a_sample_resumed_with_some_conditions_done_frees_its_thought(model_dir):
    gen = nir(model_dir)
    # layer=1 of sample ("1", 0) is in samples.jsonl already; sample ("2", 0) has every condition left
    left = ["layer=3", "none"]
    gen.plan([("1", 0, c) for c in left] + [("2", 0, c) for c in gen.conditions()])
    gen.generate([request("add two numbers", c) for c in left])
    assert not gen.thoughts  # freed once its last pending condition is generated
    gen.generate([request("write a function", c, problem="2") for c in left])
    assert list(gen.thoughts) == [("2", 0, 0)]  # layer=1 is still to come


def test_the_none_condition_is_exactly_the_baseline(model_dir):
    gen = nir(model_dir, "2,none", max_new_tokens=10)
    base = Baseline(GeneratorOptions(model=str(model_dir), max_new_tokens=10))
    texts = [g.text for g in gen.generate([request("add", "layer=2"), request("add", "none")])]
    assert texts[1] == base.generate([request("add", "")])[0].text


def test_batched_requests_equal_single_ones(model_dir):
    batch = [request("add two numbers", "layer=1", "1"), request("write a function", "layer=1", "2")]
    together = [g.text for g in nir(model_dir, "1").generate(batch)]
    alone = [nir(model_dir, "1").generate([r])[0].text for r in batch]
    assert together == alone


def test_full_trace_or_sections_and_the_config(model_dir):
    gen = nir(model_dir, "1", crv_text="full")
    (g,) = gen.generate([request("add", "layer=1")])
    assert g.extras["crv_source"] == "full"
    config = gen.config()
    assert config["layers"] == {"layer=1": [1]} and config["num_layers"] == 4
    assert config["think_prompt"]["name"] == "nir-think" and len(config["think_prompt"]["sha256"]) == 64
    assert config["crv_text"] == "full" and config["think_tokens"] == 8


def test_a_replacement_thinking_template(model_dir, tmp_path):
    template = tmp_path / "mine.toml"
    template.write_text('user = "Think: {task}"\ncrv = "{notes} / {task}"\nsections = []\n')
    gen = nir(model_dir, "1", think_prompt=str(template))
    assert gen.config()["think_prompt"]["file"] == str(template)
    assert gen.generate([request("add", "layer=1")])[0].extras["crv_source"] == "full (no tagged sections)"


def test_bad_settings_are_user_errors(model_dir):
    with pytest.raises(UserError, match="needs --layer"):
        NIR(GeneratorOptions(model=str(model_dir)))
    with pytest.raises(UserError, match=r"--layer must be in 0\.\.3 for this 4-layer model, got 4"):
        nir(model_dir, "1,4")
    with pytest.raises(UserError, match=r"--source-layer must be in 0\.\.3"):
        nir(model_dir, "1", source_layer=4)
    with pytest.raises(UserError, match="--crv-text"):
        nir(model_dir, "1", crv_text="pooled")
    with pytest.raises(UserError, match="not found"):
        nir(model_dir, "1", think_prompt="no-such-template")
    with pytest.raises(UserError, match="applies to the nir generator"):
        Baseline(GeneratorOptions(model=str(model_dir), layers=((1,),)))


def test_a_model_without_a_llama_like_decoder_is_refused(model_dir, tmp_path):
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    gpt2 = transformers.GPT2LMHeadModel(transformers.GPT2Config(n_layer=2, n_embd=32, n_head=4, vocab_size=200))
    gpt2.save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    with pytest.raises(UserError, match="NIR cannot use this model: .*Llama-like"):
        NIR(GeneratorOptions(model=str(tmp_path), layers=parse_layers("1")))
