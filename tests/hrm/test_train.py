"""HRM training: it learns (held-out exact accuracy well above the majority answer), checkpoints
reproduce predictions exactly and resume exactly, and bad checkpoints get one sentence."""

from __future__ import annotations

import dataclasses
import os

import pytest
import torch

from harness.errors import UserError
from harness.hrm import checkpoint
from harness.hrm.framing import Framing
from harness.hrm.model import HRM
from harness.hrm.programs import draw, majority_baseline, outputs_in_sandbox, split
from harness.hrm.train import TrainConfig, Trainer, evaluate, model_config, tensorize
from harness.records import Limits

FRAMING = Framing(prompt_len=40, answer_len=16)
TEMPLATES = ("len", "index", "max", "upper", "reverse", "count")


@pytest.fixture(scope="module")
def data(docker_client, sandbox_image):
    from harness.sandbox.docker_backend import SandboxPool

    items = draw(0, 600, TEMPLATES)
    with SandboxPool(docker_client, sandbox_image, 1, Limits(), f"pytest-hrm-train-{os.getpid()}") as pool:
        outputs = outputs_in_sandbox([i.program for i in items], pool.run)
    items = [dataclasses.replace(i, output=o) for i, o in zip(items, outputs, strict=True) if o is not None]
    train, test = split(items, 0.1, seed=0)
    train = [i for i in train if FRAMING.fits(i.question, i.output)]
    test = [i for i in test if FRAMING.fits(i.question, i.output)]
    pairs = lambda xs: [(i.question, i.output) for i in xs]  # noqa: E731
    return tensorize(pairs(train), FRAMING), tensorize(pairs(test), FRAMING), majority_baseline(train, test)


def trainer(train, seed: int = 0) -> Trainer:
    torch.manual_seed(seed)
    return Trainer(HRM(model_config("tiny-cpu", FRAMING, 1)), train, TrainConfig(seed=seed))


@pytest.mark.sandbox
def test_the_tiny_preset_learns_beyond_the_majority_answer(data):
    train, test, baseline = data
    t = trainer(train)
    first = t.train_step()["lm_loss"]
    t.run(299)
    act = evaluate(t.model, FRAMING, test, "act")
    fixed = evaluate(t.model, FRAMING, test, "fixed")
    assert act["exact"] >= baseline["accuracy"] + 0.15, (act, baseline["accuracy"])
    assert t.train_step()["lm_loss"] < 0.6 * first
    assert fixed["segments"] == 4 and 1 <= act["segments"] <= 4


@pytest.mark.sandbox
def test_a_checkpoint_reproduces_predictions_and_resumes_exactly(data, tmp_path):
    train, test, _ = data
    t = trainer(train, seed=3)
    t.run(10)
    path = tmp_path / "ckpt.pt"
    checkpoint.save(path, t, FRAMING, {"templates": list(TEMPLATES)}, {"step": 10})
    t.run(5)
    resumed, framing, state = checkpoint.resume(path, train)
    assert framing == FRAMING and state["data"]["templates"] == list(TEMPLATES)
    resumed.run(5)
    for a, b in zip(t.model.state_dict().values(), resumed.model.state_dict().values(), strict=True):
        assert torch.equal(a, b)  # the same five steps, bit for bit
    model, _, _ = checkpoint.load_model(path)
    again, _, _ = checkpoint.load_model(path)
    assert torch.equal(model.predict(test.inputs, test.task_ids)[0], again.predict(test.inputs, test.task_ids)[0])


def test_missing_foreign_and_incompatible_checkpoints_are_one_sentence(tmp_path):
    with pytest.raises(UserError, match="no HRM checkpoint"):
        checkpoint.read(tmp_path / "nope.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(UserError, match="not a readable HRM checkpoint"):
        checkpoint.read(tmp_path / "junk.pt")
    torch.save({"format": "other"}, tmp_path / "other.pt")
    with pytest.raises(UserError, match="not an hrm-v1 checkpoint"):
        checkpoint.read(tmp_path / "other.pt")
    t = Trainer(HRM(model_config("tiny-cpu", FRAMING, 1)), tensorize([("x", "1")], FRAMING), TrainConfig())
    checkpoint.save(tmp_path / "ok.pt", t, FRAMING, {}, {})
    state = torch.load(tmp_path / "ok.pt", weights_only=True)
    state["arch"]["hidden_size"] = 32
    torch.save(state, tmp_path / "bad.pt")
    with pytest.raises(UserError, match="does not match"):
        checkpoint.load_model(tmp_path / "bad.pt")


@pytest.mark.parametrize("preset", ["tiny-cpu", "small", "reference"])
def test_every_preset_trains_on_cpu(preset):
    # the GPU presets must not depend on CUDA: a few steps of each run here, on made-up pairs
    pairs = [(f"s='{w}';print(s[::-1])", w[::-1]) for w in ("abc", "hello", "xyz", "harness")]
    torch.manual_seed(0)
    t = Trainer(HRM(model_config(preset, FRAMING, 1)), tensorize(pairs, FRAMING), TrainConfig(batch_size=4))
    logs = [t.train_step() for _ in range(3)]
    assert all(torch.isfinite(torch.tensor(log["loss"])) for log in logs)
    assert t.model.config.halt_max_steps == {"tiny-cpu": 4, "small": 8, "reference": 16}[preset]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_training_on_cuda_saves_a_checkpoint_that_loads_on_cpu(tmp_path):
    pairs = [(f"s='{w}';print(len(s))", str(len(w))) for w in ("abc", "hello", "xyz", "harness")]
    data = tensorize(pairs, FRAMING)
    t = Trainer(HRM(model_config("small", FRAMING, 1)), data, TrainConfig(batch_size=4), "cuda")
    t.run(3)
    checkpoint.save(tmp_path / "c.pt", t, FRAMING, {}, {})
    model, _, _ = checkpoint.load_model(tmp_path / "c.pt")
    trained = {k: v.cpu() for k, v in t.model.state_dict().items()}
    assert all(torch.equal(v, trained[k]) for k, v in model.state_dict().items())
    assert evaluate(t.model, FRAMING, data, "act")["segments"] >= 1  # CPU data, CUDA model
    resumed, _, _ = checkpoint.resume(tmp_path / "c.pt", data, "cuda")
    assert resumed.step == 3 and resumed.carry.z_h.is_cuda
