"""The command line in-process: listings, and user errors that stop eval before Docker."""

from __future__ import annotations

import json
import signal

import pytest

from harness.cli import main


@pytest.fixture(autouse=True)
def no_docker(monkeypatch, tmp_path):
    # These errors must come before the harness looks for Docker; if one ever did not,
    # it fails here on an unreachable engine instead of running anything.
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-such-docker.sock")
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)  # main() installs its own handler


def one_error(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("harness: error: ")
    assert "Traceback" not in captured.err
    return lines[0]


def evaluate(tmp_path, *args: str) -> int:
    return main(["eval", "--generator", "reference", "--out", str(tmp_path / "runs"), "--quiet", *args])


def test_tasks_lists_names_and_descriptions(capsys):
    assert main(["tasks"]) == 0
    out = capsys.readouterr().out
    names = [line.split()[0] for line in out.splitlines()]
    assert names == sorted(names)
    assert {"mbpp", "mbpp-demo", "lcb-generation", "lcb-execution", "lcb-test-output"} <= set(names)
    assert "974 basic Python problems" in out


def test_generators_lists_names(capsys):
    assert main(["generators"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert {"reference", "samples"} <= set(names)
    assert names == sorted(names)


def test_eval_without_task(capsys):
    assert main(["eval", "--generator", "reference"]) == 2
    assert "needs --task and --generator" in one_error(capsys)


def test_eval_without_generator(capsys):
    assert main(["eval", "--task", "mbpp-demo"]) == 2
    assert "needs --task and --generator" in one_error(capsys)


def test_unknown_task_names_the_available_ones(tmp_path, capsys):
    assert evaluate(tmp_path, "--task", "nope") == 2
    line = one_error(capsys)
    assert "Unknown task 'nope'" in line
    assert "mbpp" in line and "mbpp-demo" in line
    assert not (tmp_path / "runs").exists()


def test_unknown_generator_names_the_available_ones(tmp_path, capsys):
    assert main(["eval", "--task", "mbpp-demo", "--generator", "gpt", "--out", str(tmp_path)]) == 2
    line = one_error(capsys)
    assert "Unknown generator 'gpt'" in line and "reference" in line and "samples" in line


def test_missing_data_file_names_the_path(tmp_path, capsys):
    path = tmp_path / "missing.jsonl"
    assert evaluate(tmp_path, "--task", "mbpp", "--data", str(path)) == 2
    assert f"Data path {path} does not exist" in one_error(capsys)
    assert not (tmp_path / "runs").exists()


def test_malformed_jsonl_row_names_file_and_line(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    good = {"task_id": 2, "text": "t", "code": "c", "test_list": ["assert f(1) == 2"]}
    path.write_text(json.dumps(good) + "\n" + "{not json\n")
    assert evaluate(tmp_path, "--task", "mbpp", "--data", str(path)) == 2
    assert f"{path}:2: not valid JSON" in one_error(capsys)


def test_invalid_row_names_file_and_line(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "t", "code": "c", "test_list": []}) + "\n")
    assert evaluate(tmp_path, "--task", "mbpp", "--data", str(path)) == 2
    assert f"{path}:1: missing field 'task_id'" in one_error(capsys)


def test_unknown_problem_id(tmp_path, capsys):
    assert evaluate(tmp_path, "--task", "mbpp-demo", "--ids", "5,999") == 2
    assert "Unknown problem id(s) in this split: 999" in one_error(capsys)


def test_samples_generator_without_file(tmp_path, capsys):
    assert main(["eval", "--task", "mbpp-demo", "--generator", "samples", "--out", str(tmp_path)]) == 2
    assert "needs --samples FILE" in one_error(capsys)


@pytest.mark.parametrize("flag", [["-n", "0"], ["-n", "two"], ["--limit", "-1"], ["--test-timeout", "0"]])
def test_bad_numbers_are_argparse_errors(tmp_path, capsys, flag):
    with pytest.raises(SystemExit) as info:
        evaluate(tmp_path, "--task", "mbpp-demo", *flag)
    assert info.value.code == 2
    assert flag[0] in capsys.readouterr().err


def test_show_on_a_non_run_directory(tmp_path, capsys):
    assert main(["show", str(tmp_path)]) == 2
    assert f"{tmp_path} is not a run directory" in one_error(capsys)


def test_resume_of_a_non_run_directory(tmp_path, capsys):
    assert main(["eval", "--resume", str(tmp_path)]) == 2
    assert "is not a run directory" in one_error(capsys)


def test_no_command_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
