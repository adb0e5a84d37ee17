"""The baseline generator on a tiny random Llama built from a config (no downloads)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from harness.errors import UserError  # noqa: E402
from harness.generators.base import GeneratorOptions  # noqa: E402
from harness.generators.baseline import Baseline  # noqa: E402
from harness.generators.hf import cut_at_stop, render_prompt  # noqa: E402
from harness.records import Message, Request  # noqa: E402


def request(text: str, seed: int = 0) -> Request:
    return Request("1", 0, 0, [Message("user", text)], prefill="```python\n", seed=seed)


def generator(model_dir, **options) -> Baseline:
    return Baseline(GeneratorOptions(model=str(model_dir), **{"max_new_tokens": 8, **options}))


def test_greedy_is_deterministic_and_counts_tokens(model_dir):
    gen = generator(model_dir)
    first, second = gen.generate([request("add two numbers")]), gen.generate([request("add two numbers")])
    assert first[0].text == second[0].text
    assert first[0].tokens_in > 0 and 0 < first[0].tokens_out <= 8


def test_left_padded_batch_equals_single_runs(model_dir):
    gen = generator(model_dir)
    prompts = ["add", "write a python function that adds two numbers"]
    batched = [g.text for g in gen.generate([request(p) for p in prompts])]
    single = [gen.generate([request(p)])[0].text for p in prompts]
    assert batched == single


def test_a_sample_depends_on_its_own_seed_not_on_its_batch(model_dir):
    gen = generator(model_dir, temperature=5.0, max_new_tokens=16)
    alone = gen.generate([request("add", seed=3)])[0].text
    batched = gen.generate([request("write a function", seed=9), request("add", seed=3)])[1].text
    assert batched == alone


def test_sampling_depends_on_the_seed_and_repeats_with_it(model_dir):
    gen = generator(model_dir, temperature=5.0, max_new_tokens=16)
    a = gen.generate([request("add", seed=1)])[0].text
    assert gen.generate([request("add", seed=1)])[0].text == a
    assert any(gen.generate([request("add", seed=s)])[0].text != a for s in range(2, 8))


def test_plain_prompt_without_a_chat_template_and_template_when_present(model_dir):
    gen = generator(model_dir)
    assert render_prompt(gen.lm.tokenizer, request("task")) == "task\n\n```python\n"
    gen.lm.tokenizer.chat_template = "{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}[assistant]"
    try:
        assert render_prompt(gen.lm.tokenizer, request("task")) == "[user]task[assistant]```python\n"
        assert gen.config()["chat_template"] is True
    finally:
        gen.lm.tokenizer.chat_template = None


def test_stop_strings_cut_the_answer():
    assert cut_at_stop("code\n```\nmore", ["```", "\nif __name__"]) == "code\n"
    assert cut_at_stop("nothing to cut", ["```"]) == "nothing to cut"


def test_config_records_decoding_and_device(model_dir):
    config = generator(model_dir, temperature=0.7, top_p=0.9, stop=("```",)).config()
    assert config | {"model": None} == config | {
        "model": None,
        "device": "cpu",
        "dtype": "float32",
        "temperature": 0.7,
        "top_p": 0.9,
        "stop": ["```"],
    }


def test_a_model_that_cannot_load_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="Cannot load model"):
        Baseline(GeneratorOptions(model=str(tmp_path / "nothing-here")))


HUB_LOAD = """
import json
from harness.generators.base import GeneratorOptions
from harness.generators.baseline import Baseline
from harness.generators.nir import NIR, parse_layers
main = Baseline(GeneratorOptions(model="org/tiny")).config()
tagged = NIR(GeneratorOptions(model="org/tiny", model_revision="v1", layers=parse_layers("1"))).config()
print(json.dumps([main, tagged]))
"""


def test_a_hub_model_records_the_commit_it_was_loaded_at(tmp_path, model_dir):
    from tests.generators.conftest import build_tiny_llama

    # A hub cache as huggingface_hub lays it out: refs name commits, snapshots hold each commit's files.
    repo, main, tagged = tmp_path / "hub" / "models--org--tiny", "a" * 40, "b" * 40
    build_tiny_llama(repo / "snapshots" / main, layers=2)
    build_tiny_llama(repo / "snapshots" / tagged, layers=3)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(main)
    (repo / "refs" / "v1").write_text(tagged)
    env = {
        **os.environ,
        "HF_HOME": str(tmp_path / "home"),
        "HF_HUB_CACHE": str(tmp_path / "hub"),
        "HF_HUB_OFFLINE": "1",
    }
    done = subprocess.run([sys.executable, "-c", HUB_LOAD], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    baseline, nir = json.loads(done.stdout.splitlines()[-1])
    assert baseline["model"] == "org/tiny" and baseline["model_revision"] == main
    assert nir["model_revision"] == tagged and nir["num_layers"] == 3  # the tag's commit is what was loaded
    assert generator(model_dir).config()["model_revision"] is None  # a local path has no hub commit
