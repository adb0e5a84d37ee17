"""The run directory: atomic JSON writes, appended samples, torn lines, config hashes."""

from __future__ import annotations

import json

import pytest

from harness import records
from harness.errors import UserError
from harness.records import ExecResult, Generation, Message, Output, SampleRecord, TurnRecord, to_dict
from harness.store import RESULTS_FILE, RUN_FILE, SAMPLES_FILE, RunStore, config_hash, write_json_atomic


def record(problem_id: str = "11", sample_index: int = 0, passed: bool = True) -> SampleRecord:
    status = "pass" if passed else "fail"
    result = ExecResult(
        status=status,
        detail="" if passed else "expected 12",
        tests=[records.TestResult("pass", "", "12"), records.TestResult(status, "" if passed else "expected 12", "13")],
        stdout=Output("hello ünïcode\n", 15, False),
        stderr=Output("", 0, True),
        exit_code=0,
        seconds=0.25,
    )
    turn = TurnRecord(
        messages=[Message("system", "Be brief."), Message("user", "Write f.")],
        prefill="```python\n",
        generation=Generation("def f(x):\n    return x + 1\n```", True, 10, 20, 0.5, {"finish": "stop"}),
        candidate="def f(x):\n    return x + 1\n",
        result=result,
    )
    return SampleRecord(problem_id, sample_index, status, passed, [turn], 1.5)


@pytest.fixture
def store(tmp_path):
    store = RunStore.create(tmp_path, "run-1", {"run_id": "run-1"})
    yield store
    store.close()


# --------------------------------------------------------------------------- write_json_atomic


def test_write_json_atomic_replaces_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "doc.json"
    write_json_atomic(path, {"a": 1})
    write_json_atomic(path, {"b": [1, 2]})
    assert json.loads(path.read_text()) == {"b": [1, 2]}
    assert path.read_text().endswith("\n")
    assert [p.name for p in tmp_path.iterdir()] == ["doc.json"]


def test_write_json_atomic_failure_keeps_the_old_file(tmp_path):
    path = tmp_path / "doc.json"
    write_json_atomic(path, {"a": 1})
    with pytest.raises(TypeError):
        write_json_atomic(path, {"bad": object()})
    assert json.loads(path.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["doc.json"]


# --------------------------------------------------------------------------- RunStore


def test_create_and_open(tmp_path, store):
    assert store.root == tmp_path / "run-1"
    assert (store.root / SAMPLES_FILE).read_bytes() == b""
    assert RunStore.open(store.root).read_run() == {"run_id": "run-1"}
    with pytest.raises(FileExistsError):
        RunStore.create(tmp_path, "run-1", {})


def test_open_a_non_run_directory(tmp_path):
    with pytest.raises(UserError, match=f"{tmp_path} is not a run directory \\(no {RUN_FILE}\\)"):
        RunStore.open(tmp_path)


def test_unreadable_run_json(store):
    (store.root / RUN_FILE).write_text("{broken")
    with pytest.raises(UserError, match="Cannot read"):
        store.read_run()


def test_append_and_read_back(store):
    first, second = record("11", 0), record("2", 1, passed=False)
    store.append(first)
    store.append(second)
    assert store.samples() == [first, second]
    lines = (store.root / SAMPLES_FILE).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [to_dict(first), to_dict(second)]


def test_from_dict_round_trips_every_field():
    original = record(passed=False)
    again = SampleRecord.from_dict(json.loads(json.dumps(to_dict(original))))
    assert again == original
    assert again.turns[0].generation.extras == {"finish": "stop"}
    assert again.turns[0].result.stderr.truncated is True
    assert again.key == ("11", 0, "")


def test_a_later_line_for_the_same_sample_wins(store):
    store.append(record("11", 0, passed=False))
    store.append(record("11", 0, passed=True))
    (only,) = store.samples()
    assert only.passed


def test_no_samples_file(tmp_path):
    root = tmp_path / "bare"
    root.mkdir()
    assert RunStore(root).samples() == []


def torn(store) -> tuple[int, bytes]:
    store.append(record("11", 0))
    store.close()
    path = store.root / SAMPLES_FILE
    good = path.stat().st_size
    line = json.dumps(to_dict(record("12", 0))).encode()
    with open(path, "ab") as f:
        f.write(line[: len(line) // 2])
    return good, path.read_bytes()


def test_torn_last_line_is_skipped(store):
    _, raw = torn(store)
    assert [r.problem_id for r in store.samples()] == ["11"]
    assert (store.root / SAMPLES_FILE).read_bytes() == raw  # untouched without repair


def test_complete_json_without_newline_is_torn(store):
    store.append(record("11", 0))
    store.close()
    path = store.root / SAMPLES_FILE
    with open(path, "ab") as f:
        f.write(json.dumps(to_dict(record("12", 0))).encode())
    assert [r.problem_id for r in store.samples()] == ["11"]


def test_repair_cuts_the_torn_line_and_appends_resume_cleanly(store):
    good, _ = torn(store)
    assert [r.problem_id for r in store.samples(repair=True)] == ["11"]
    assert (store.root / SAMPLES_FILE).stat().st_size == good
    store.append(record("12", 0))
    assert [r.problem_id for r in store.samples()] == ["11", "12"]


def test_results_round_trip(store):
    assert store.read_results() is None
    store.write_results({"metrics": {"pass@1": 0.5}})
    assert store.read_results() == {"metrics": {"pass@1": 0.5}}
    assert (store.root / RESULTS_FILE).is_file()


# --------------------------------------------------------------------------- config_hash


def test_config_hash_ignores_key_order():
    a = {"task": {"name": "mbpp", "split": "test"}, "n": 1, "limits": [1, 2]}
    b = {"limits": [1, 2], "n": 1, "task": {"split": "test", "name": "mbpp"}}
    assert config_hash(a) == config_hash(b)
    assert len(config_hash(a)) == 64


@pytest.mark.parametrize(
    "changed",
    [
        {"task": {"name": "mbpp", "split": "full"}, "n": 1, "limits": [1, 2]},
        {"task": {"name": "mbpp", "split": "test"}, "n": 2, "limits": [1, 2]},
        {"task": {"name": "mbpp", "split": "test"}, "n": 1, "limits": [2, 1]},
        {"task": {"name": "mbpp", "split": "test"}, "n": 1, "limits": [1, 2], "extra": None},
    ],
)
def test_config_hash_changes_with_values(changed):
    base = {"task": {"name": "mbpp", "split": "test"}, "n": 1, "limits": [1, 2]}
    assert config_hash(changed) != config_hash(base)


def test_a_corrupt_line_before_the_last_is_an_error_not_a_truncation(store):
    store.append(record("11"))
    store.append(record("12"))
    store.close()
    path = store.root / SAMPLES_FILE
    first, second = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"{garbage}\n" + second)
    with pytest.raises(UserError, match=":1: corrupt sample record"):
        store.samples(repair=True)
    assert path.read_bytes() == b"{garbage}\n" + second
