"""harness hrm data / train through the CLI: files written, a resumed run continues the log, and
user mistakes are one sentence."""

from __future__ import annotations

import json
import signal

import pytest
import torch

from harness.cli import main


@pytest.fixture(autouse=True)
def keep_sigterm():
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)


@pytest.mark.sandbox
def test_data_then_train_then_resume(tmp_path, docker_client, sandbox_image, capsys):
    data, ckpt = tmp_path / "data", tmp_path / "ckpt.pt"
    assert main(["hrm", "data", "--out", str(data), "--per-template", "40", "--seed", "1"]) == 0
    meta = json.loads((data / "meta.json").read_text())
    assert meta["train"] > 0 and meta["test"] > 0 and 0 <= meta["majority_baseline"]["accuracy"] < 1
    train = {json.loads(line)["question"] for line in (data / "train.jsonl").read_text().splitlines()}
    test = {json.loads(line)["question"] for line in (data / "test.jsonl").read_text().splitlines()}
    assert not train & test
    assert meta["framings"] == ["program", "execution", "test-output"]
    argv = ["hrm", "train", "--data", str(data), "--out", str(ckpt), "--quiet", "--save-every", "5"]
    assert main([*argv, "--steps", "10"]) == 0
    assert main([*argv, "--steps", "15", "--resume"]) == 0
    log = [json.loads(line) for line in ckpt.with_name("ckpt.pt.log.jsonl").read_text().splitlines()]
    assert [m["step"] for m in log] == list(range(1, 16))
    state = torch.load(ckpt, weights_only=True)
    assert state["format"] == "hrm-v1" and state["step"] == 15
    assert set(state["metrics"]) >= {"act", "fixed", "majority_baseline"}
    assert set(state["metrics"]["act"]["per_framing"]) == {"program", "execution", "test-output"}
    assert "held-out exact ACT" in capsys.readouterr().out


def test_mistakes_are_one_sentence(tmp_path, capsys):
    assert main(["hrm", "train", "--data", str(tmp_path), "--out", str(tmp_path / "c.pt")]) == 2
    assert "not an HRM data folder" in capsys.readouterr().err
    assert main(["hrm", "train", "--data", str(tmp_path), "--out", str(tmp_path / "c.pt"), "--preset", "huge"]) == 2
    assert "--preset must be one of" in capsys.readouterr().err
    assert main(["hrm", "train", "--data", str(tmp_path), "--out", str(tmp_path / "c.pt"), "--resume"]) == 2
    assert "--resume needs a checkpoint" in capsys.readouterr().err
    assert main(["hrm", "data", "--out", str(tmp_path / "d"), "--framings", "program,poetry"]) == 2
    assert "--framings: unknown poetry" in capsys.readouterr().err
    for device, says in (("tpu", "--device must be cpu, cuda or cuda:N"), ("meta", "--device must be cpu")):
        assert main(["hrm", "train", "--data", str(tmp_path), "--out", str(tmp_path / "c.pt"), "--device", device]) == 2
        assert says in capsys.readouterr().err


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_asking_for_cuda_without_it_is_one_sentence(tmp_path, capsys):
    assert main(["hrm", "train", "--data", str(tmp_path), "--out", str(tmp_path / "c.pt"), "--device", "cuda"]) == 2
    assert "asks for CUDA, which this machine's PyTorch cannot use" in capsys.readouterr().err


def test_a_broken_data_folder_is_one_sentence(tmp_path, capsys):
    argv = ["hrm", "train", "--data", str(tmp_path), "--out", str(tmp_path / "c.pt")]
    meta = {"format": "hrm-data-v2", "train": 1, "test": 1, "majority_baseline": {"answer": "", "accuracy": 0}}
    (tmp_path / "meta.json").write_text("{not json")
    assert main(argv) == 2
    assert "meta.json is not valid JSON" in capsys.readouterr().err
    (tmp_path / "meta.json").write_text(json.dumps({"format": "hrm-data-v2"}))
    assert main(argv) == 2
    assert "meta.json lacks train, test, majority_baseline" in capsys.readouterr().err
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    assert main(argv) == 2
    assert "train.jsonl is missing" in capsys.readouterr().err
    row = {"template": "len", "question": "print(len('ab'))", "output": "2"}
    (tmp_path / "test.jsonl").write_text(json.dumps(row) + "\n")
    for text, says in (("oops\n", "train.jsonl:2: not an HRM data row"), ('{"colour": 1}\n', "train.jsonl:2")):
        (tmp_path / "train.jsonl").write_text(json.dumps(row) + "\n" + text)
        assert main(argv) == 2
        captured = capsys.readouterr()
        assert says in captured.err and "Traceback" not in captured.err
