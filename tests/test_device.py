"""--device: the default follows the machine, and a device it cannot use is one sentence for
every command that takes one."""

from __future__ import annotations

import pytest
import torch

from harness.cli import main
from harness.device import pick_device
from harness.errors import UserError


def test_the_default_follows_the_machine_and_a_usable_device_is_kept():
    assert pick_device(None) == ("cuda" if torch.cuda.is_available() else "cpu")
    assert pick_device("cpu") == "cpu"


@pytest.mark.parametrize("name", ["tpu", "cuda:x", "meta"])
def test_an_unknown_device_is_one_sentence(name):
    with pytest.raises(UserError, match="--device must be cpu, cuda or cuda:N"):
        pick_device(name)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_on_a_machine_without_it_is_one_sentence():
    with pytest.raises(UserError, match="asks for CUDA"):
        pick_device("cuda:0")


@pytest.mark.parametrize("generator", ["baseline", "hrm"])
def test_harness_eval_refuses_a_bad_device_before_it_runs(generator, tmp_path, capsys):
    args = ["eval", "--task", "mbpp-demo", "--generator", generator, "--device", "tpu", "--limit", "1"]
    assert main([*args, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--device must be cpu, cuda or cuda:N, got 'tpu'." in err and "Traceback" not in err
