"""Reading benchmark rows from jsonl, json, parquet files and directories."""

from __future__ import annotations

import json

import pytest

from harness.errors import UserError
from harness.tasks.datafiles import fingerprint, read_rows


def test_jsonl_with_origins_and_blank_lines(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"a": 1}\n\n   \n{"a": 2}\n')
    assert read_rows(path) == [(f"{path}:1", {"a": 1}), (f"{path}:4", {"a": 2})]


def test_jsonl_bad_json_names_file_and_line(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"a": 1}\n{"a": \n')
    with pytest.raises(UserError, match=rf"^{path}:2: not valid JSON"):
        read_rows(path)


def test_jsonl_line_that_is_not_an_object(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"a": 1}\n[1, 2]\n')
    with pytest.raises(UserError, match=rf"{path}:2: expected a JSON object"):
        read_rows(path)


def test_json_list(tmp_path):
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([{"a": 1}, {"a": 2}]))
    assert read_rows(path) == [(f"{path}#0", {"a": 1}), (f"{path}#1", {"a": 2})]


def test_json_single_object(tmp_path):
    path = tmp_path / "row.json"
    path.write_text('{"a": 1}')
    assert read_rows(path) == [(f"{path}#0", {"a": 1})]


def test_json_list_with_a_non_object(tmp_path):
    path = tmp_path / "rows.json"
    path.write_text('[{"a": 1}, 7]')
    with pytest.raises(UserError, match="item 1 is not a JSON object"):
        read_rows(path)


def test_json_invalid(tmp_path):
    path = tmp_path / "rows.json"
    path.write_text("{nope")
    with pytest.raises(UserError, match=rf"{path}: not valid JSON"):
        read_rows(path)


def test_parquet(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "rows.parquet"
    table = pa.table({"task_id": [1, 2], "test_list": [["assert a"], ["assert b", "assert c"]]})
    pq.write_table(table, path)
    assert read_rows(path) == [
        (f"{path}#0", {"task_id": 1, "test_list": ["assert a"]}),
        (f"{path}#1", {"task_id": 2, "test_list": ["assert b", "assert c"]}),
    ]


def test_corrupt_parquet(tmp_path):
    path = tmp_path / "rows.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(UserError, match="Cannot read parquet file"):
        read_rows(path)


def test_directory_reads_every_data_file_sorted(tmp_path):
    (tmp_path / "b.jsonl").write_text('{"n": 2}\n')
    (tmp_path / "a.json").write_text('[{"n": 1}]')
    (tmp_path / "notes.txt").write_text("ignored")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.jsonl").write_text('{"n": 3}\n')
    rows = read_rows(tmp_path)
    assert [row["n"] for _, row in rows] == [1, 2, 3]
    assert rows[0][0] == f"{tmp_path / 'a.json'}#0"


def test_empty_directory(tmp_path):
    (tmp_path / "notes.txt").write_text("ignored")
    with pytest.raises(UserError, match="holds no .jsonl, .json or .parquet file"):
        read_rows(tmp_path)


def test_missing_path(tmp_path):
    path = tmp_path / "nope.jsonl"
    with pytest.raises(UserError, match=rf"Data path {path} does not exist"):
        read_rows(path)


@pytest.mark.parametrize("name", ["rows.csv", "rows.txt", "rows"])
def test_wrong_suffix(tmp_path, name):
    path = tmp_path / name
    path.write_text('{"a": 1}\n')
    with pytest.raises(UserError, match="must end in .jsonl, .json or .parquet"):
        read_rows(path)


def test_fingerprint_is_stable_and_sensitive():
    assert fingerprint([{"a": 1, "b": 2}]) == fingerprint([{"b": 2, "a": 1}])
    assert fingerprint([{"a": 1}]) != fingerprint([{"a": 2}])
    assert len(fingerprint([])) == 64
