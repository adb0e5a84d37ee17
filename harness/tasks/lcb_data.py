"""LiveCodeBench data: the hub's raw JSONL files at a pinned revision, or local copies.

``code_generation_lite`` is cumulative: ``release_vN`` is files 1..N; the delta tags
``vN`` (file N alone) and ``vM_vN`` (files M..N) select slices, as upstream resolves
them. Its loading script no longer runs on ``datasets`` >= 4, so the files are read
directly through ``huggingface_hub``. Private tests come either as JSON text or as
base64(zlib(pickle(JSON text))); the pickle is read by an unpickler that admits
nothing but a ``str`` (no globals, so no code can run), and decoded problems are
cached as JSON next to the sha256 of the file they came from.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import pickle
import zlib
from pathlib import Path
from typing import Any

from harness.errors import UserError
from harness.tasks.datafiles import Row, read_rows

GENERATION_HUB = "livecodebench/code_generation_lite"
# The dataset repo's commit that other public harnesses pin (it could not be resolved from this
# project's offline machines); every run also records the commit the hub served (the snapshot
# folder), and --revision picks another.
GENERATION_REVISION = "0fe84c3912ea0c4d4a78037083943e8f0c4dd505"
RELEASE_FILES = 6  # test.jsonl, test2.jsonl, ... test6.jsonl
RELEASES = {f"release_v{n}": list(range(1, n + 1)) for n in range(1, RELEASE_FILES + 1)}
RELEASES["release_latest"] = RELEASES[f"release_v{RELEASE_FILES}"]


def release_files(tag: str) -> list[str]:
    """The hub files of a release tag (release_vN, release_latest, vN, vM_vN)."""
    if tag in RELEASES:
        numbers = RELEASES[tag]
    else:
        parts = tag.split("_")
        try:
            bounds = [int(p.removeprefix("v")) for p in parts if p.startswith("v")]
        except ValueError:
            bounds = []
        if len(bounds) != len(parts) or len(bounds) not in (1, 2) or not all(1 <= b <= RELEASE_FILES for b in bounds):
            known = ", ".join([*RELEASES, "v1..v6", "vM_vN"])
            raise UserError(f"Unknown LiveCodeBench release {tag!r}; choose one of {known}.")
        numbers = list(range(bounds[0], bounds[-1] + 1))
        if not numbers:
            raise UserError(f"Release {tag!r} selects no file: the first version must not exceed the last.")
    return ["test.jsonl" if n == 1 else f"test{n}.jsonl" for n in numbers]


class _StrOnly(pickle.Unpickler):
    """Refuses every global: only plain data can come out, and we accept only a str."""

    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(f"refused to load {module}.{name} from downloaded test data")


def decode_tests(text: str, origin: str) -> list[dict[str, Any]]:
    """A test list from JSON text, or from upstream's base64/zlib/pickle encoding."""
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, TypeError):
        try:
            raw = zlib.decompress(base64.b64decode(text, validate=False))
            inner = _StrOnly(io.BytesIO(raw)).load()
        except Exception as exc:
            raise UserError(f"{origin}: private tests are neither JSON nor upstream's encoding ({exc}).") from None
        if not isinstance(inner, str):
            raise UserError(f"{origin}: encoded private tests hold a {type(inner).__name__}, not JSON text.") from None
        try:
            value = json.loads(inner)
        except json.JSONDecodeError as exc:
            raise UserError(f"{origin}: decoded private tests are not JSON ({exc.msg}).") from None
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise UserError(f"{origin}: tests must be a list of objects with input and output.")
    return value


def cache_dir() -> Path:
    root = os.environ.get("HARNESS_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "harness")
    return Path(root) / "lcb"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def decoded_rows(path: Path, label: str) -> list[Row]:
    """Rows of one raw JSONL file with private tests decoded, through a JSON cache keyed
    by the file's sha256 (decoding the full release takes minutes; reading it seconds)."""
    sha = _sha256(path)
    cached = cache_dir() / f"{sha}.json"
    if cached.is_file():
        data = json.loads(cached.read_text())
        return [(f"{label}:{i + 1}", row) for i, row in enumerate(data["rows"])]
    rows = []
    for origin, row in read_rows(path):
        if isinstance(row.get("private_test_cases"), str):
            row = {**row, "private_test_cases": json.dumps(decode_tests(row["private_test_cases"], origin))}
        rows.append(row)
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp")
    tmp.write_text(json.dumps({"source_sha256": sha, "rows": rows}))
    os.replace(tmp, cached)
    return [(f"{label}:{i + 1}", row) for i, row in enumerate(rows)]


def hub_generation_rows(tag: str, revision: str) -> tuple[list[Row], list[dict[str, str]]]:
    """Rows of a release from the hub (downloaded once into the hub cache), and the
    files read with their sha256."""
    try:
        from huggingface_hub import hf_hub_download
    except ImportError:
        raise UserError("Loading LiveCodeBench from the hub needs huggingface_hub; or pass --data PATH.") from None
    rows: list[Row] = []
    files = []
    for name in release_files(tag):
        try:
            local = Path(hf_hub_download(GENERATION_HUB, name, repo_type="dataset", revision=revision))
        except Exception as exc:
            raise UserError(
                f"Could not get {name} of {GENERATION_HUB}@{revision[:10]} from the Hugging Face hub "
                f"({type(exc).__name__}); offline, pass --data PATH to a local copy (jsonl, json, parquet or a "
                "directory)."
            ) from None
        rows += decoded_rows(local, f"{GENERATION_HUB}/{name}")
        # the hub cache keeps files under snapshots/<commit>/: the revision actually read
        commit = local.parent.name if local.parent.parent.name == "snapshots" else None
        files.append({"file": name, "sha256": _sha256(local), "commit": commit})
    return rows, files
