"""Pre-generated completions from a JSONL file, as EvalPlus and LiveCodeBench users keep them.

Each line has a task id (``task_id``, or ``problem_id``/``question_id``) and the
completion (``completion``, or ``solution``/``code``/``output``); other fields are
ignored. Several lines for one task are its samples 0, 1, 2, ... in file order.
Ids like ``Mbpp/11`` match problem ``11``. A multi-turn task (self-repair, Polyglot) reads
``responses``, a list with one reply per turn in chat order: ``request.turn`` picks the
reply; where the list ends before an optional turn (a Polyglot try 2), the sample ends.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from harness.errors import UserError
from harness.generators import register
from harness.generators.base import Generator
from harness.records import NO_REPLY, Generation, Request

ID_KEYS = ("task_id", "problem_id", "question_id")
TEXT_KEYS = ("completion", "solution", "code", "output")


def _norm(task_id: Any) -> str:
    """``Mbpp/11`` -> ``11`` (EvalPlus's prefix of a numeric id); other ids, ``go/grep`` among them, as written."""
    text = str(task_id).strip()
    prefix, _, rest = text.rpartition("/")
    return rest if prefix and rest.isdigit() else text


def read_lcb_outputs(path: Path) -> dict[str, list[str]]:
    """LiveCodeBench's custom-output format: a JSON list of {question_id, code_list}
    (also its eval_all.json files). The code is already extracted, so each program is
    handed on as one python block, which both of LiveCodeBench's extraction rules take whole."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not valid JSON ({exc}).") from None
    if not isinstance(data, list):
        raise UserError(f"{path}: expected a JSON list of {{question_id, code_list}} objects.")
    found: dict[str, list[str]] = {}
    for index, row in enumerate(data):
        codes = row.get("code_list") if isinstance(row, dict) else None
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes) or "question_id" not in row:
            raise UserError(f"{path}: item {index} needs question_id and a code_list of strings.")
        found.setdefault(str(row["question_id"]), []).extend(f"```python\n{c}\n```" for c in codes)
    return found


def read_samples(path: Path) -> dict[str, list[str | list[str]]]:
    """Completions per normalised task id, in file order; UserError on a bad line. A sample
    is a string, or with ``responses`` a list of replies, one per turn. A ``.json`` file is
    read in LiveCodeBench's custom-output format."""
    if not path.is_file():
        raise UserError(f"Samples file {path} does not exist.")
    if path.suffix == ".json":
        return read_lcb_outputs(path)
    found: dict[str, list[str | list[str]]] = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UserError(f"{path}:{number}: not valid JSON ({exc.msg}).") from None
            if not isinstance(row, dict):
                raise UserError(f"{path}:{number}: expected a JSON object.")
            key = next((k for k in ID_KEYS if k in row), None)
            text = next((row[k] for k in TEXT_KEYS if k in row), None)
            if key is None:
                raise UserError(f"{path}:{number}: no task id (one of {', '.join(ID_KEYS)}).")
            if "responses" in row:
                replies = row["responses"]
                if not isinstance(replies, list) or not replies or not all(isinstance(r, str) for r in replies):
                    raise UserError(f"{path}:{number}: 'responses' must be a non-empty list of strings, one per turn.")
                found.setdefault(_norm(row[key]), []).append(list(replies))
                continue
            if not isinstance(text, str):
                raise UserError(f"{path}:{number}: no completion string (one of {', '.join(TEXT_KEYS)}).")
            found.setdefault(_norm(row[key]), []).append(text)
    return found


@register
class Samples(Generator):
    name = "samples"
    description = "evaluates pre-generated completions (--samples FILE: JSONL, or LiveCodeBench's JSON code_list)"

    def __init__(self, options):
        super().__init__(options)
        if options.samples is None:
            raise UserError("The samples generator needs --samples FILE (JSONL with task_id and completion).")
        self.path = Path(options.samples)
        self.completions = read_samples(self.path)
        self.sha256 = hashlib.sha256(self.path.read_bytes()).hexdigest()

    def generate(self, requests: list[Request]) -> list[Generation]:
        out = []
        for request in requests:
            texts = self.completions.get(_norm(request.problem_id), [])
            if request.sample_index >= len(texts):
                raise UserError(
                    f"{self.path} has {len(texts)} completion(s) for task {request.problem_id}, "
                    f"but sample {request.sample_index + 1} was asked for; lower -n or use --ids."
                )
            sample = texts[request.sample_index]
            replies = [sample] if isinstance(sample, str) else sample
            if request.turn >= len(replies) and request.optional:
                out.append(Generation(text="", continues_prefill=False, extras={NO_REPLY: True}))
                continue
            if request.turn >= len(replies):
                raise UserError(
                    f"{self.path} has {len(replies)} reply(ies) for sample {request.sample_index + 1} of task "
                    f"{request.problem_id}, but turn {request.turn + 1} was asked for; give it a 'responses' list."
                )
            out.append(Generation(text=replies[request.turn], continues_prefill=False))
        return out

    def config(self) -> dict[str, Any]:
        return {"name": self.name, "samples_file": str(self.path), "samples_sha256": self.sha256}
