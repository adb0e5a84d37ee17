"""The bundled demo model: present, small, Llama with >= 24 layers, the default --model, named as a demo."""

from __future__ import annotations

import hashlib
import json

import pytest

from harness.generators.hf import DEMO_LABEL, DEMO_MODEL, DEMO_NAME


def test_the_demo_model_is_bundled_small_and_labelled():
    config = json.loads((DEMO_MODEL / "config.json").read_text())
    assert config["model_type"] == "llama" and config["num_hidden_layers"] >= 24
    size = sum(p.stat().st_size for p in DEMO_MODEL.iterdir())
    assert size <= 25 * 2**20
    assert "DEMO" in (DEMO_MODEL / "README.md").read_text().splitlines()[0].upper()
    facts = json.loads((DEMO_MODEL / "training.json").read_text())
    assert facts["seed"] == 0 and facts["steps"] > 0


def test_it_is_the_default_model_and_every_config_names_it():
    pytest.importorskip("transformers")
    from harness.generators.base import GeneratorOptions
    from harness.generators.baseline import Baseline
    from harness.generators.nir import NIR, parse_layers

    config = Baseline(GeneratorOptions(max_new_tokens=4)).config()
    weights = (DEMO_MODEL / "model.safetensors").read_bytes()
    assert config["model"] == DEMO_NAME and config["demo_model"] == DEMO_LABEL
    assert config["model_sha256"] == hashlib.sha256(weights).hexdigest()
    assert config["chat_template"] is True
    nir = NIR(GeneratorOptions(layers=parse_layers("23"), max_new_tokens=4))
    assert nir.config()["demo_model"] == DEMO_LABEL and nir.conditions() == ["layer=23"]


def test_the_layer_range_is_the_demo_models():
    pytest.importorskip("transformers")
    from harness.errors import UserError
    from harness.generators.base import GeneratorOptions
    from harness.generators.nir import NIR, parse_layers

    with pytest.raises(UserError, match=r"must be in 0\.\.23 for this 24-layer model, got 24"):
        NIR(GeneratorOptions(layers=parse_layers("24")))
