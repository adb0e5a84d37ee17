"""Pre-generated completions from a JSONL file."""

from __future__ import annotations

import hashlib
import json

import pytest

from harness.errors import UserError
from harness.generators import GeneratorOptions
from harness.generators.samples import Samples, read_samples
from harness.records import Message, Request


def write_lines(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def request(problem_id: str, sample_index: int = 0) -> Request:
    return Request(problem_id, sample_index, 0, [Message("user", "q")], prefill="```python\n")


def test_task_id_and_completion(tmp_path):
    path = write_lines(tmp_path / "s.jsonl", [{"task_id": 11, "completion": "a"}, {"task_id": "12", "completion": "b"}])
    assert read_samples(path) == {"11": ["a"], "12": ["b"]}


def test_solution_key_and_other_id_keys(tmp_path):
    rows = [
        {"task_id": "Mbpp/11", "solution": "s"},
        {"problem_id": "12", "code": "c"},
        {"question_id": "abc", "output": "o", "extra": 1},
    ]
    assert read_samples(write_lines(tmp_path / "s.jsonl", rows)) == {"11": ["s"], "12": ["c"], "abc": ["o"]}


def test_completion_is_preferred_over_solution(tmp_path):
    path = write_lines(tmp_path / "s.jsonl", [{"task_id": 1, "solution": "s", "completion": "c"}])
    assert read_samples(path) == {"1": ["c"]}


def test_several_samples_per_task_keep_file_order(tmp_path):
    rows = [
        {"task_id": "Mbpp/11", "completion": "first"},
        {"task_id": "12", "completion": "other"},
        {"task_id": 11, "completion": "second"},
        {"task_id": " 11 ", "completion": "third"},
    ]
    samples = read_samples(write_lines(tmp_path / "s.jsonl", rows))
    assert samples == {"11": ["first", "second", "third"], "12": ["other"]}


def test_blank_lines_are_skipped(tmp_path):
    path = write_lines(tmp_path / "s.jsonl", ["", {"task_id": 1, "completion": "a"}, "   "])
    assert read_samples(path) == {"1": ["a"]}


def test_bad_json_names_the_line(tmp_path):
    path = write_lines(tmp_path / "s.jsonl", [{"task_id": 1, "completion": "a"}, "", "{oops"])
    with pytest.raises(UserError, match=rf"^{path}:3: not valid JSON"):
        read_samples(path)


def test_line_that_is_not_an_object(tmp_path):
    path = write_lines(tmp_path / "s.jsonl", ['"just a string"'])
    with pytest.raises(UserError, match=rf"{path}:1: expected a JSON object"):
        read_samples(path)


def test_missing_task_id(tmp_path):
    path = write_lines(tmp_path / "s.jsonl", [{"task_id": 1, "completion": "a"}, {"completion": "b"}])
    with pytest.raises(UserError, match=rf"{path}:2: no task id \(one of task_id, problem_id, question_id\)"):
        read_samples(path)


@pytest.mark.parametrize("row", [{"task_id": 1}, {"task_id": 1, "completion": None}, {"task_id": 1, "code": 5}])
def test_missing_completion(tmp_path, row):
    path = write_lines(tmp_path / "s.jsonl", [row])
    with pytest.raises(UserError, match=rf"{path}:1: no completion string \(one of completion, "):
        read_samples(path)


def test_missing_file(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        read_samples(tmp_path / "none.jsonl")


def test_generator_needs_a_samples_file():
    with pytest.raises(UserError, match="needs --samples FILE"):
        Samples(GeneratorOptions())


def test_generate_returns_samples_by_index(tmp_path):
    rows = [{"task_id": "Mbpp/11", "completion": "a0"}, {"task_id": "Mbpp/11", "completion": "a1"}]
    path = write_lines(tmp_path / "s.jsonl", rows)
    generator = Samples(GeneratorOptions(samples=path))
    out = generator.generate([request("11", 1), request("11", 0)])
    assert [g.text for g in out] == ["a1", "a0"]
    assert all(g.continues_prefill is False for g in out)


def test_generate_more_samples_than_present(tmp_path):
    path = write_lines(tmp_path / "s.jsonl", [{"task_id": 11, "completion": "a"}])
    generator = Samples(GeneratorOptions(samples=path))
    with pytest.raises(UserError, match="has 1 completion\\(s\\) for task 11, but sample 2 was asked for"):
        generator.generate([request("11", 1)])
    with pytest.raises(UserError, match="has 0 completion\\(s\\) for task 12"):
        generator.generate([request("12", 0)])


def test_config_records_the_file_and_its_hash(tmp_path):
    path = write_lines(tmp_path / "s.jsonl", [{"task_id": 11, "completion": "a"}])
    config = Samples(GeneratorOptions(samples=path)).config()
    assert config == {
        "name": "samples",
        "samples_file": str(path),
        "samples_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def turn_request(problem_id: str, sample_index: int, turn: int) -> Request:
    return Request(problem_id, sample_index, turn, [Message("user", "q")])


def test_responses_give_one_reply_per_turn(tmp_path):
    rows = [
        {"task_id": "a", "responses": ["a0 turn 1", "a0 turn 2"]},
        {"task_id": "a", "completion": "a1 only"},
        {"task_id": "b", "responses": ["b0 turn 1"]},
    ]
    path = write_lines(tmp_path / "s.jsonl", rows)
    assert read_samples(path) == {"a": [["a0 turn 1", "a0 turn 2"], "a1 only"], "b": [["b0 turn 1"]]}
    generator = Samples(GeneratorOptions(samples=path))
    out = generator.generate([turn_request("a", 0, 1), turn_request("a", 0, 0), turn_request("a", 1, 0)])
    assert [g.text for g in out] == ["a0 turn 2", "a0 turn 1", "a1 only"]
    with pytest.raises(UserError, match="has 1 reply\\(ies\\) for sample 1 of task b, but turn 2 was asked for"):
        generator.generate([turn_request("b", 0, 1)])
    with pytest.raises(UserError, match="has 1 reply\\(ies\\) for sample 2 of task a, but turn 2"):
        generator.generate([turn_request("a", 1, 1)])


@pytest.mark.parametrize("responses", [[], "text", ["ok", 3], None])
def test_bad_responses(tmp_path, responses):
    path = write_lines(tmp_path / "s.jsonl", [{"task_id": 1, "responses": responses}])
    with pytest.raises(UserError, match=rf"{path}:1: 'responses' must be a non-empty list of strings"):
        read_samples(path)
