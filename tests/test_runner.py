"""EvalOptions read back from run.json, including files written by older versions (no Docker needed)."""

from __future__ import annotations

import dataclasses

from harness.generators import GeneratorOptions
from harness.runner import EvalOptions


def test_the_unused_generator_seed_is_gone_and_old_run_files_still_resume():
    assert "seed" not in {f.name for f in dataclasses.fields(GeneratorOptions)}  # EvalOptions.seed is the seed
    options = EvalOptions(task="mbpp-demo", generator="nir", seed=7, generator_options=GeneratorOptions(layers=((1,),)))
    saved = options.to_json()
    assert EvalOptions.from_json(saved) == options
    saved["generator_options"]["seed"] = 7  # what run.json held before the field was removed
    assert EvalOptions.from_json(saved) == options
