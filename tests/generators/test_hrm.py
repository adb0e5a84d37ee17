"""The hrm generator: compact questions answered in the task's format, long ones recorded as
does_not_fit, every generation's HRM record, the bundled demo checkpoint, and one-sentence errors."""

from __future__ import annotations

import pytest
import torch

from harness.errors import UserError
from harness.generators import get_generator
from harness.generators.base import GeneratorOptions
from harness.generators.hrm import DEMO_CHECKPOINT, DEMO_LABEL
from harness.hrm import checkpoint
from harness.hrm.framing import Framing
from harness.hrm.model import HRM
from harness.hrm.programs import FRAMINGS
from harness.hrm.train import TrainConfig, Trainer, model_config, tensorize
from harness.records import Compact, Message, Request

FRAMING = Framing(prompt_len=48, answer_len=8)


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory):
    """A checkpoint of a few training steps (weights that decode something, fast)."""
    torch.manual_seed(0)
    pairs = [("def f(s):\n    return s[::-1]\nf('ab')", "'ba'"), ("s='ab';print(len(s))", "2")]
    data = tensorize(pairs, FRAMING, [FRAMINGS.index("execution"), FRAMINGS.index("program")])
    trainer = Trainer(HRM(model_config("tiny-cpu", FRAMING, len(FRAMINGS))), data, TrainConfig(batch_size=4))
    trainer.run(3)
    path = tmp_path_factory.mktemp("hrm") / "tiny.pt"
    checkpoint.save(path, trainer, FRAMING, {"seed": 0, "task_ids": list(FRAMINGS)}, {})
    return path


def hrm(path, **options):
    return get_generator("hrm")(GeneratorOptions(checkpoint=path, **options))


def compact_request(question: str, pid: str = "1") -> Request:
    compact = Compact("execution", question, "assert f('ab') == ", "\n[/ANSWER]")
    return Request(pid, 0, 0, [Message("user", "a long prompt " * 40)], prefill="[ANSWER]\n", compact=compact)


def test_a_compact_question_is_answered_in_the_tasks_format_with_its_record(ckpt):
    [g] = hrm(ckpt).generate([compact_request("def f(s):\n    return s[::-1]\nf('ab')")])
    record = g.extras["hrm"]
    assert g.text.startswith("assert f('ab') == ") and g.text.endswith("\n[/ANSWER]")
    assert g.text == f"assert f('ab') == {record['answer']}\n[/ANSWER]"
    assert record["framing"] == "execution" and record["does_not_fit"] is False
    assert 1 <= record["segments"] <= 4 and 0 <= record["halt_probability"] <= 1
    assert isinstance(record["truncated"], bool) and record["seconds"] >= 0


def test_a_question_longer_than_the_prompt_slots_is_does_not_fit_never_cut(ckpt):
    [g] = hrm(ckpt).generate([compact_request("x" * 49)])
    assert g.text == "" and g.extras["hrm"]["does_not_fit"] is True
    assert "49 bytes" in g.extras["hrm"]["why"] and "48" in g.extras["hrm"]["why"]


def test_a_request_without_a_compact_question_is_asked_as_its_last_user_message(ckpt):
    short = Request("1", 0, 0, [Message("system", "s" * 200), Message("user", "s='ab';print(len(s))")])
    long = Request("2", 0, 0, [Message("user", "Write a function that " * 10)])
    a, b = hrm(ckpt).generate([short, long])
    assert a.extras["hrm"]["framing"] == "prompt" and not a.extras["hrm"]["does_not_fit"]
    assert a.text == a.extras["hrm"]["answer"]  # the decoded bytes are the answer, nothing around them
    assert b.extras["hrm"]["does_not_fit"] and b.text == ""


def test_fixed_halting_runs_every_segment(ckpt):
    [g] = hrm(ckpt, halting="fixed").generate([compact_request("f('ab')")])
    assert g.extras["hrm"]["segments"] == 4


def test_a_batch_answers_as_each_request_alone(ckpt):
    gen = hrm(ckpt)
    questions = ["f('ab')", "x" * 60, "def f(s):\n    return s\nf('abc')", "s='q';print(s)"]
    batch = [g.text for g in gen.generate([compact_request(q, str(i)) for i, q in enumerate(questions)])]
    assert batch == [gen.generate([compact_request(q)])[0].text for q in questions]


def test_its_config_names_the_checkpoint_and_its_scope(ckpt):
    config = hrm(ckpt).config()
    assert config["model"] == str(ckpt) and len(config["checkpoint_sha256"]) == 64
    assert "not expected to work" in config["scope"] and "demo_model" not in config
    assert config["framing"]["prompt_len"] == 48 and config["halting"] == "act"


def test_the_bundled_demo_checkpoint_is_the_default_and_labelled_a_demo():
    assert DEMO_CHECKPOINT.is_file(), "the bundled HRM checkpoint is missing from the package"
    gen = get_generator("hrm")(GeneratorOptions())
    config = gen.config()
    assert config["demo_model"] == DEMO_LABEL and config["model"] == "bundled:hrm-tiny-cpu"
    assert set(config["trained"]["data"]["framings"]) == set(FRAMINGS)
    [g] = gen.generate([compact_request("def f(s):\n    return s[::-1]\nf('ab')")])
    assert not g.extras["hrm"]["does_not_fit"]


def test_bad_checkpoints_and_options_are_one_sentence(tmp_path, ckpt):
    with pytest.raises(UserError, match="no HRM checkpoint"):
        hrm(tmp_path / "missing.pt")
    (tmp_path / "junk.pt").write_bytes(b"junk")
    with pytest.raises(UserError, match="not a readable HRM checkpoint"):
        hrm(tmp_path / "junk.pt")
    with pytest.raises(UserError, match="--halting must be act or fixed"):
        hrm(ckpt, halting="sometimes")
    with pytest.raises(UserError, match="--layer applies to the nir generator"):
        hrm(ckpt, layers=((3,),))


@pytest.mark.sandbox
def test_harness_eval_with_hrm_records_its_answers_and_says_what_it_is(tmp_path, docker_client, sandbox_image, capsys):
    import json

    from harness.cli import main

    argv = ["eval", "--generator", "hrm", "--out", str(tmp_path), "--quiet", "--workers", "1"]
    assert main([*argv, "--task", "lcb-execution-demo"]) == 0
    assert main([*argv, "--task", "mbpp-demo", "--limit", "2"]) == 0
    runs = {json.loads((d / "run.json").read_text())["task"]["name"]: d for d in tmp_path.iterdir()}
    execution = json.loads((runs["lcb-execution-demo"] / "results.json").read_text())
    assert execution["demo_model"] == DEMO_LABEL and "not expected to work" in execution["scope"]
    hrm_block = execution["hrm"]
    assert hrm_block["questions"] == 12 and hrm_block["framings"] == {"execution": 12}
    assert hrm_block["answered"] + hrm_block["does_not_fit"] == 12  # the demo items are longer than 96 bytes
    mbpp = json.loads((runs["mbpp-demo"] / "results.json").read_text())
    assert mbpp["hrm"]["framings"] == {"prompt": 2} and mbpp["metrics"]["pass@1"] == 0.0
    assert main(["show", str(runs["lcb-execution-demo"])]) == 0
    out = capsys.readouterr().out
    assert "scope: HRM answers short questions" in out and "does_not_fit" in out
