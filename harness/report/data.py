"""What a report shows, as plain JSON-ready data: read from run directories, shaped for the page's JS.

The page gets two documents. ``summary`` is small and parsed at load: each run's provenance,
its metric blocks (one per condition) with their intervals, the NIR table of a sweep, paired
comparisons, and one row per (problem, condition) with its verdicts in each run. ``details``
holds every sample's full record (prompts, answers, candidates, tests, outputs, static
metrics), one entry per row; the page parses a row's entry only when the row is opened, so a
report of thousands of samples opens as fast as one of a few. Message texts repeat across
samples (few-shot examples, the same prompt in every condition of a sweep), so ``details``
stores each distinct one once, in ``strings``, and messages refer to it by index.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import UserError
from harness.records import SampleRecord, TurnRecord
from harness.results import aggregate, problem_order
from harness.scoring import nir_table
from harness.scoring.intervals import paired, wilson
from harness.store import RESULTS_FILE, RunStore

MAX_TEXT = 100_000  # characters of one text field kept in the report; the run directory has the rest
LIST_SUMMARY = 12  # provenance lists longer than this are summarised (problem ids, test counts)
# run.json keys that are not provenance to show row by row: what --resume rebuilds the run from (the
# command says the same), and per-problem tables the problem rows already show
SKIP_KEYS = {("options",), ("task", "groups"), ("task", "tests")}
POLYGLOT_FIELDS = ("total_tests", "pass_rate_1", "pass_num_1", "pass_rate_2", "pass_num_2", "percent_cases_well_formed")


@dataclass
class LoadedRun:
    path: Path
    run: dict[str, Any]
    results: dict[str, Any]
    records: list[SampleRecord]
    recomputed: bool  # results aggregated here because the run has no results.json (not finished)


def load_run(path: Path) -> LoadedRun:
    """A run directory read through the store; anything that is not a readable run is a UserError."""
    if not path.is_dir():
        raise UserError(f"{path} is not a run directory (no such directory).")
    store = RunStore.open(path)
    run = store.read_run()
    if not isinstance(run, dict) or not {"run_id", "task", "generator", "eval"} <= run.keys():
        raise UserError(f"{path / 'run.json'} is not a harness run record (run_id, task, generator or eval missing).")
    records = store.samples()
    try:
        results = store.read_results()
    except (OSError, ValueError) as exc:
        raise UserError(f"Cannot read {path / RESULTS_FILE}: {exc}.") from None
    recomputed = results is None
    return LoadedRun(path, run, results if results is not None else aggregate(run, records), records, recomputed)


def cap(text: str | None) -> str | None:
    """``text`` cut to MAX_TEXT characters, with a marker that says how much was left out."""
    if text is None or len(text) <= MAX_TEXT:
        return text
    return text[:MAX_TEXT] + f"\n… [{len(text) - MAX_TEXT:,} more characters in the run directory]"


def flatten(value: Any, prefix: str = "", skip: frozenset[tuple[str, ...]] = frozenset()) -> list[list[str]]:
    """Nested dicts as [dotted key, text] rows; long lists summarised, scalars as JSON would write them."""
    return _flatten(value, (), prefix, skip)


def _flatten(value: Any, path: tuple[str, ...], prefix: str, skip) -> list[list[str]]:
    key = prefix + ".".join(path)
    if path in skip:
        return []
    if isinstance(value, dict) and value:
        return [row for k, v in value.items() for row in _flatten(v, (*path, str(k)), prefix, skip)]
    if isinstance(value, list) and len(value) > LIST_SUMMARY:
        head = ", ".join(_scalar(v) for v in value[:LIST_SUMMARY])
        return [[key, f"{len(value)} items: {head}, …"]]
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        return [[key, json.dumps(value, ensure_ascii=False)]]
    if isinstance(value, list):
        return [[key, " ".join(_scalar(v) for v in value) if value else "[]"]]
    return [[key, _scalar(value)]]


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def templates(run: dict[str, Any]) -> list[dict[str, str]]:
    """Every prompt template the run records (task, thinking, self-repair ...): where, name, sha256."""
    found: list[dict[str, str]] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            if "sha256" in value and "name" in value:
                found.append({"where": path, "name": str(value["name"]), "sha256": str(value["sha256"])})
                return
            for k, v in value.items():
                if k != "options":
                    walk(v, f"{path}.{k}" if path else k)

    walk(run, "")
    return found


def images(run: dict[str, Any]) -> list[dict[str, str]]:
    """The sandbox images the run used: one per language image, or the single image."""
    sandbox = run.get("sandbox") or {}
    if sandbox.get("images"):
        return [{"name": k, "tag": v.get("tag", ""), "id": v.get("image_id", "")} for k, v in sandbox["images"].items()]
    if sandbox.get("image"):
        return [{"name": "python", "tag": sandbox["image"], "id": sandbox.get("image_id", "")}]
    return []


def summary_fields(loaded: LoadedRun) -> dict[str, Any]:
    """The few facts shown first: what ran, with what, whether it finished."""
    run, results = loaded.run, loaded.results
    harness = run.get("harness") or {}
    gen = run["generator"]
    return {
        "run_id": run["run_id"],
        "path": str(loaded.path),
        "status": run.get("status", "?"),
        "complete": bool(results.get("complete")),
        "recomputed": loaded.recomputed,
        "task": run["task"].get("name"),
        "family": run["task"].get("family", ""),
        "generator": gen.get("name"),
        "model": gen.get("model"),
        "demo_model": gen.get("demo_model", ""),
        "config_hash": run.get("config_hash", ""),
        "harness_version": harness.get("version", ""),
        "harness_commit": harness.get("commit") or "",
        "harness_dirty": bool(harness.get("dirty")),
        "n": run["eval"].get("n"),
        "samples": len(loaded.records),
        "expected": run["task"].get("num_problems", 0) * run["eval"].get("n", 1) * len(conditions(run)),
        "created_at": run.get("created_at", ""),
        "finished_at": run.get("finished_at", ""),
        "templates": templates(run),
        "images": images(run),
        "command": " ".join(run.get("command") or []),
    }


def conditions(run: dict[str, Any]) -> list[str]:
    return list(run["eval"].get("conditions") or [""])


def blocks_of(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """One results block per condition ("" for a run without conditions)."""
    return results.get("conditions") or {"": results}


def slim_block(block: dict[str, Any]) -> dict[str, Any]:
    """What the page plots from a results block: metrics with intervals, statuses, groups, modes, turns."""
    static = block.get("static") or {}
    out: dict[str, Any] = {
        "problems": block.get("problems", 0),
        "metrics": block.get("metrics", {}),
        "intervals": block.get("intervals", {}),
        "status_counts": block.get("status_counts", {}),
        "static": {k: v for k, v in static.items() if k in ("candidates", "syntax_valid_rate", "syntax_valid_interval")}
        | {k: v["mean"] for k, v in static.items() if isinstance(v, dict) and "mean" in v},
        "by_group": {
            key: {value: {k: e.get(k, {}) for k in ("problems", "metrics", "intervals")} for value, e in values.items()}
            for key, values in (block.get("by_group") or {}).items()
        },
        "grading": {
            mode: {k: g.get(k) for k in ("problems", "metrics", "intervals")} | {"excluded": len(g.get("excluded", []))}
            for mode, g in (block.get("grading") or {}).items()
        },
        "turns": [{k: t.get(k) for k in ("turn", "metrics", "intervals")} for t in block.get("turns", [])],
    }
    if block.get("polyglot"):
        out["polyglot"] = slim_polyglot(block["polyglot"])
    return out


def slim_polyglot(summary: dict[str, Any]) -> dict[str, Any]:
    """Aider's pass rates (percent) overall and per language, each with a Wilson interval in percent.
    Per-language intervals are computed here when the results predate them."""

    def one(entry: dict[str, Any]) -> dict[str, Any]:
        slim = {k: entry.get(k) for k in POLYGLOT_FIELDS}
        intervals = dict(entry.get("intervals") or {})
        for k in ("1", "2"):
            if f"pass_rate_{k}" not in intervals and entry.get(f"pass_num_{k}") is not None:
                low, high = wilson(entry[f"pass_num_{k}"], entry.get("total_tests") or 0)
                intervals[f"pass_rate_{k}"] = [round(100 * low, 1), round(100 * high, 1)]
        slim["intervals"] = intervals
        return slim

    return one(summary) | {"per_language": {lang: one(e) for lang, e in (summary.get("per_language") or {}).items()}}


def nir(loaded: LoadedRun) -> dict[str, Any] | None:
    """The NIR paper's table per condition (both definitions) for a run with several conditions."""
    names = conditions(loaded.run)
    if len(names) < 2:
        return None
    by_condition = {c: [r for r in loaded.records if r.condition == c] for c in names}
    return {
        "columns": list(nir_table.COLUMNS),
        "harness": {c: nir_table.ours(rs) for c, rs in by_condition.items()},
        "paper": {c: nir_table.paper(rs) for c, rs in by_condition.items()},
    }


def run_summary(loaded: LoadedRun) -> dict[str, Any]:
    return {
        "summary": summary_fields(loaded),
        "provenance": flatten(loaded.run, skip=frozenset(SKIP_KEYS)),
        "conditions": conditions(loaded.run),
        "blocks": {c: slim_block(b) for c, b in blocks_of(loaded.results).items()},
        "nir": nir(loaded),
    }


def group_values(runs: list[LoadedRun]) -> dict[str, dict[str, str]]:
    """problem id -> {grouping: value}: the task's declared groups; Polyglot's language from the id."""
    groups: dict[str, dict[str, str]] = {}
    for loaded in runs:
        for pid, values in (loaded.run["task"].get("groups") or {}).items():
            groups.setdefault(pid, {}).update({k: str(v) for k, v in values.items() if k not in groups.get(pid, {})})
        if loaded.run["task"].get("family") == "polyglot":
            for pid in loaded.run["task"].get("problem_ids", []):
                groups.setdefault(pid, {}).setdefault("language", pid.split("/", 1)[0])
    return groups


class Strings:
    """A table of distinct texts; ``add`` returns a text's index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def add(self, text: str) -> int:
        return self.index.setdefault(text, len(self.index))

    def table(self) -> list[str]:
        return [cap(t) or "" for t in self.index]


def output(out: Any) -> dict[str, Any] | None:
    """A captured stream, or None when it is empty (most are)."""
    if not out.text and not out.bytes:
        return None
    return {"text": cap(out.text), "bytes": out.bytes, "truncated": out.truncated}


def candidate_files(candidate: str | None) -> dict[str, str] | None:
    """A multi-file candidate (Polyglot records {path: content} as JSON) as its files; None otherwise."""
    if not candidate or not candidate.startswith("{"):
        return None
    try:
        files = json.loads(candidate)
    except ValueError:
        return None
    if isinstance(files, dict) and files and all(isinstance(v, str) for v in files.values()):
        return {str(k): cap(v) or "" for k, v in files.items()}
    return None


def turn_detail(turn: TurnRecord, strings: Strings) -> dict[str, Any]:
    """One turn for the detail view: prompt, answer, candidate, verdicts, outputs, static metrics."""
    result, gen = turn.result, turn.generation
    files = candidate_files(turn.candidate)
    return {
        "messages": [[m.role, strings.add(m.content)] for m in turn.messages],
        "prefill": cap(turn.prefill),
        "answer": cap(gen.text),
        "generation": {"tokens_in": gen.tokens_in, "tokens_out": gen.tokens_out, "seconds": gen.seconds},
        "extras": {k: cap(v) if isinstance(v, str) else v for k, v in gen.extras.items()},
        "candidate": None if files else cap(turn.candidate),
        "files": files,
        "status": result.status,
        "detail": cap(result.detail),
        "exit_code": result.exit_code,
        "seconds": result.seconds,
        "tests": [[t.status, cap(t.detail), cap(t.actual)] for t in result.tests],
        "stdout": output(result.stdout),
        "stderr": output(result.stderr),
        "steps": [
            {
                "status": s.status,
                "detail": cap(s.detail),
                "exit_code": s.exit_code,
                "signal": s.signal,
                "cpu_s": s.cpu_s,
                "wall_s": s.wall_s,
                "stdout": output(s.stdout),
                "stderr": output(s.stderr),
                "events": s.events,
            }
            for s in result.steps
        ],
        "verdicts": {
            mode: {
                "status": v.status,
                "passed": v.passed,
                "detail": cap(v.detail),
                "notes": v.notes,
                "tests": [[t.status, cap(t.detail), cap(t.actual)] for t in v.tests],
                "extras": json.loads(json.dumps(v.extras, default=str)),
                "candidate": cap(v.candidate),
            }
            for mode, v in result.verdicts.items()
        },
        "collected": {k: output(o) for k, o in result.collected.items()},
        "static": turn.static,
    }


def sample_detail(record: SampleRecord, strings: Strings) -> dict[str, Any]:
    return {
        "index": record.sample_index,
        "status": record.status,
        "passed": record.passed,
        "seconds": record.seconds,
        "turns": [turn_detail(t, strings) for t in record.turns],
    }


def problem_rows(runs: list[LoadedRun]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One row per (problem, condition) over every run, and the details document they index.

    A row's ``cells`` has one entry per run: its n, c, pass@1 and the statuses of its samples,
    or None where that run has no such problem or condition."""
    groups = group_values(runs)
    keys: dict[tuple[str, str], None] = {}
    for loaded in runs:
        for condition in conditions(loaded.run):
            for pid in loaded.run["task"].get("problem_ids", []):
                keys[(pid, condition)] = None
        for record in loaded.records:  # samples of problems run.json does not list (it should list all)
            keys[(record.problem_id, record.condition)] = None
    order = {c: i for loaded in reversed(runs) for i, c in enumerate(conditions(loaded.run))}
    ordered = sorted(keys, key=lambda k: (problem_order(k[0]), order.get(k[1], len(order)), k[1]))
    samples: list[dict[tuple[str, str], list[SampleRecord]]] = []
    per_problem: list[dict[tuple[str, str], dict[str, Any]]] = []
    for loaded in runs:
        mine: dict[tuple[str, str], list[SampleRecord]] = {}
        for record in loaded.records:
            mine.setdefault((record.problem_id, record.condition), []).append(record)
        samples.append(mine)
        per_problem.append(
            {(p["problem_id"], c): p for c, b in blocks_of(loaded.results).items() for p in b.get("per_problem", [])}
        )
    strings, rows, details = Strings(), [], []
    for pid, condition in ordered:
        cells, row_details, words = [], [], [pid, condition, *groups.get(pid, {}).values()]
        for i in range(len(runs)):
            records = sorted(samples[i].get((pid, condition), []), key=lambda r: r.sample_index)
            row_details.append([sample_detail(r, strings) for r in records])
            entry = per_problem[i].get((pid, condition))
            if entry is None and not records:
                cells.append(None)
                continue
            statuses = entry["statuses"] if entry else [r.status for r in records]
            n = entry["n"] if entry else len(records)
            c = entry["c"] if entry else sum(r.passed for r in records)
            cell = {"n": n, "c": c, "pass@1": c / n if n else 0.0, "statuses": statuses}
            if entry and len(entry.get("grading", {})) > 1:  # LiveCodeBench: strict and upstream verdicts
                cell["modes_differ"] = any(len(set(v)) > 1 for v in zip(*entry["grading"].values(), strict=False))
            cells.append(cell)
            words += statuses + [r.turns[-1].result.detail[:200] for r in records if r.turns]
        rows.append(
            {
                "id": pid,
                "condition": condition,
                "groups": groups.get(pid, {}),
                "cells": cells,
                "q": " ".join(words).lower(),
            }
        )
        details.append(row_details)
    return rows, {"strings": strings.table(), "rows": details}


def comparisons(runs: list[LoadedRun]) -> list[dict[str, Any]]:
    """Each later run against the first, per condition both have: per-problem wins, losses, sign test."""
    if len(runs) < 2:
        return []
    out = []
    base = blocks_of(runs[0].results)
    for j, other in enumerate(runs[1:], 1):
        for condition, block in blocks_of(other.results).items():
            if condition not in base:
                continue
            a = {p["problem_id"]: (p["n"], p["c"]) for p in base[condition].get("per_problem", [])}
            b = {p["problem_id"]: (p["n"], p["c"]) for p in block.get("per_problem", [])}
            result = paired(a, b).to_dict()
            out.append(
                {
                    "a": 0,
                    "b": j,
                    "condition": condition,
                    **{k: result[k] for k in ("problems", "pass_fraction_a", "pass_fraction_b", "p_value")},
                    "better": len(result["better"]),
                    "worse": len(result["worse"]),
                    "only_a": len(result["only_a"]),
                    "only_b": len(result["only_b"]),
                }
            )
    return out


def report_data(runs: list[LoadedRun]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The page's two documents: the summary it renders at load and the details it parses on demand."""
    rows, details = problem_rows(runs)
    group_keys = sorted({k for row in rows for k in row["groups"]})
    summary = {
        "schema_version": 1,
        "runs": [run_summary(r) for r in runs],
        "group_keys": group_keys,
        "rows": rows,
        "comparisons": comparisons(runs),
    }
    return summary, details
