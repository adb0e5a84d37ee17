"""The run directory: run.json (how to reproduce), samples.jsonl (one line per finished
sample, appended as it finishes), results.json (aggregates, written atomically).

Killing the process loses nothing finished: each sample is one ``write`` of a full
line, and a torn last line is ignored when the run is read back or resumed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from harness.errors import UserError
from harness.records import SampleRecord, to_dict

UMASK = os.umask(0o022)  # read once, at import (os.umask can only be read by setting it)
os.umask(UMASK)
RUN_FILE, SAMPLES_FILE, RESULTS_FILE = "run.json", "samples.jsonl", "results.json"


def write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Call ``write`` on a temp file beside ``path``, fsync it, then rename it over ``path``:
    a reader sees the old file or the whole new one, never half of it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~UMASK)  # what open() would give, not mkstemp's owner-only 0600
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON to ``path`` atomically."""
    write_atomic(path, lambda f: f.write((json.dumps(data, indent=2, sort_keys=False) + "\n").encode()))


def config_hash(identity: dict[str, Any]) -> str:
    """sha256 over the canonical JSON of everything that determines a run's results."""
    blob = json.dumps(identity, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


class RunStore:
    def __init__(self, root: Path):
        self.root = root
        self._lock = threading.Lock()
        self._samples_fd: int | None = None

    @classmethod
    def create(cls, parent: Path, run_id: str, run: dict[str, Any]) -> RunStore:
        root = parent / run_id
        root.mkdir(parents=True, exist_ok=False)
        store = cls(root)
        store.write_run(run)
        (root / SAMPLES_FILE).touch()
        return store

    @classmethod
    def open(cls, root: Path) -> RunStore:
        if not (root / RUN_FILE).is_file():
            raise UserError(f"{root} is not a run directory (no {RUN_FILE}).")
        return cls(root)

    def read_run(self) -> dict[str, Any]:
        try:
            return json.loads((self.root / RUN_FILE).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise UserError(f"Cannot read {self.root / RUN_FILE}: {exc}.") from None

    def write_run(self, run: dict[str, Any]) -> None:
        write_json_atomic(self.root / RUN_FILE, run)

    def append(self, record: SampleRecord) -> None:
        """Append one finished sample as a single write of a whole line."""
        line = (json.dumps(to_dict(record), ensure_ascii=False) + "\n").encode()
        with self._lock:
            if self._samples_fd is None:
                self._samples_fd = os.open(self.root / SAMPLES_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            view = memoryview(line)
            while view:
                view = view[os.write(self._samples_fd, view) :]

    def close(self) -> None:
        with self._lock:
            if self._samples_fd is not None:
                os.close(self._samples_fd)
                self._samples_fd = None

    def samples(self, repair: bool = False) -> list[SampleRecord]:
        """Finished samples. A torn last line (the process died mid-write) is skipped;
        with ``repair`` it is also cut from the file so that appends start on a clean line."""
        path = self.root / SAMPLES_FILE
        if not path.exists():
            return []
        raw = path.read_bytes()
        records, good = {}, 0
        lines = raw.splitlines(keepends=True)
        for number, line in enumerate(lines, 1):
            try:
                record = SampleRecord.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError):
                record = None
            if record is None or not line.endswith(b"\n"):
                if number < len(lines):  # only the last line can be torn by a crash
                    raise UserError(f"{path}:{number}: corrupt sample record; the run cannot be read safely.")
                break
            records[record.key] = record
            good += len(line)
        if repair and good < len(raw):
            with self._lock, open(path, "r+b") as f:
                f.truncate(good)
        return list(records.values())

    def write_results(self, results: dict[str, Any]) -> None:
        write_json_atomic(self.root / RESULTS_FILE, results)

    def read_results(self) -> dict[str, Any] | None:
        path = self.root / RESULTS_FILE
        return json.loads(path.read_text()) if path.exists() else None
