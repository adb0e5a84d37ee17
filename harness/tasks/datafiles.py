"""Reading benchmark rows from local files (jsonl, json, parquet, or a directory of them).

Every row comes with its origin (``file:line`` or ``file#row``) so that a malformed
row is reported where the user can find it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from harness.errors import UserError

SUFFIXES = (".jsonl", ".json", ".parquet")
Row = tuple[str, dict[str, Any]]  # (origin, row)


def read_rows(path: Path) -> list[Row]:
    """All rows of a data file, or of every data file under a directory (sorted by name)."""
    if not path.exists():
        raise UserError(f"Data path {path} does not exist.")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        if not files:
            raise UserError(f"Data directory {path} holds no .jsonl, .json or .parquet file.")
        return [row for f in files for row in _read_file(f)]
    if path.suffix not in SUFFIXES:
        raise UserError(f"Cannot read {path}: data files must end in .jsonl, .json or .parquet.")
    return list(_read_file(path))


def _read_file(path: Path) -> Iterator[Row]:
    if path.suffix == ".jsonl":
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if line.strip():
                    yield f"{path}:{number}", _object(line, f"{path}:{number}")
    elif path.suffix == ".json":
        data = _object(path.read_text(encoding="utf-8"), str(path), allow_list=True)
        rows = data if isinstance(data, list) else [data]
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                raise UserError(f"{path}: item {index} is not a JSON object.")
            yield f"{path}#{index}", row
    else:
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except Exception as exc:
            raise UserError(f"Cannot read parquet file {path}: {exc}.") from None
        for index, row in enumerate(table.to_pylist()):
            yield f"{path}#{index}", row


def _object(text: str, origin: str, allow_list: bool = False) -> Any:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{origin}: not valid JSON ({exc.msg}).") from None
    if not isinstance(value, dict) and not (allow_list and isinstance(value, list)):
        raise UserError(f"{origin}: expected a JSON object.")
    return value


def by_id(parsed: Iterable[tuple[str, Any]], label: str) -> dict[str, Any]:
    """Parsed (origin, record) pairs keyed by the record's ``id``, in order; a repeated id
    is a user error at the origin that repeats it."""
    records: dict[str, Any] = {}
    for origin, record in parsed:
        if record.id in records:
            raise UserError(f"{origin}: duplicate {label} {record.id}.")
        records[record.id] = record
    return records


def fingerprint(items: list[Any]) -> str:
    """A sha256 over a canonical JSON form of the selected problems."""
    blob = json.dumps(items, sort_keys=True, ensure_ascii=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()
