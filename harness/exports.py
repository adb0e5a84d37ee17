"""``harness export``: a run as a table for notebooks, or in the shape another tool reads.

Tables (pandas; JSON records, CSV or Parquet) at two levels:

- ``sample``: one row per (problem, sample, condition); columns in ``SAMPLE_COLUMNS``.
- ``problem``: one row per (problem, condition); columns in ``PROBLEM_COLUMNS``.

Grouping columns the task declares (``language``, ``difficulty``, ``platform``) and one
``status_<mode>``/``passed_<mode>`` pair per grading mode are added when the run has them.

Upstream shapes:

- ``aider``: a Polyglot run as one record of Aider's ``polyglot_leaderboard.yml`` (YAML list).
- ``lcb``: an ``lcb-generation`` run as LiveCodeBench's ``..._eval_all.json``, so upstream's
  ``compute_scores`` can read it (``graded_list`` from the upstream grading mode).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from harness.errors import UserError
from harness.records import SampleRecord
from harness.results import grading_modes, problem_order, results_of
from harness.scoring.passk import ks_for, pass_at_k
from harness.store import RunStore, write_atomic

FORMATS = ("json", "csv", "parquet", "aider", "lcb")
LEVELS = ("sample", "problem")

COMMON_COLUMNS = {
    "run_id": "the run's id (its directory name)",
    "task": "task name",
    "generator": "generator name",
    "model": "model id or path (null for generators without one)",
    "condition": 'generator condition ("" unless a sweep: layer=K, none)',
    "problem_id": "the task's problem id",
}
SAMPLE_COLUMNS = {
    **COMMON_COLUMNS,
    "sample_index": "0-based sample number within the problem",
    "status": "final status (pass, fail, timeout, ...; results.json definitions)",
    "passed": "whether the final candidate passed every test",
    "turns": "model turns the sample took (Polyglot tries and reflections, self-repair)",
    "tokens_in": "prompt tokens over every turn",
    "tokens_out": "generated tokens over every turn",
    "generation_seconds": "model time over every turn",
    "seconds": "the sample's wall time (generation, sandbox, judging)",
    "tests_total": "tests judged on the final turn",
    "tests_passed": "tests of the final turn that passed",
    "answer": "the model's final answer (the last turn's generated text)",
    "candidate": "the candidate extracted from it (code, edits applied, or the predicted value)",
    "syntax_valid": "tree-sitter parses the final candidate (null without one)",
    "error_nodes": "tree-sitter error nodes in it",
    "complexity_max": "largest cyclomatic complexity of its functions",
    "complexity_mean": "mean cyclomatic complexity of its functions",
    "loc": "non-blank, non-comment lines",
    "comment_lines": "comment lines",
    "characters": "characters",
    "halstead_volume": "Halstead volume",
}
PROBLEM_COLUMNS = {
    **COMMON_COLUMNS,
    "n": "samples of the problem",
    "c": "samples that passed",
    "pass@k": "unbiased pass@k of the problem, one column per k <= n",
    "statuses": "final status of each sample, comma-separated in sample order",
}
STATIC = ("syntax_valid", "error_nodes", "complexity_max", "complexity_mean", "loc", "comment_lines", "characters")


def _groups(run: dict[str, Any]) -> dict[str, dict[str, str]]:
    return run["task"].get("groups") or {}


def _common(run: dict[str, Any], record: SampleRecord) -> dict[str, Any]:
    return {
        "run_id": run["run_id"],
        "task": run["task"]["name"],
        "generator": run["generator"]["name"],
        "model": run["generator"].get("model"),
        "condition": record.condition,
        "problem_id": record.problem_id,
    }


def sample_rows(run: dict[str, Any], records: list[SampleRecord]) -> list[dict[str, Any]]:
    """One row per sample, in problem order (the columns of ``SAMPLE_COLUMNS``, groups, modes)."""
    groups, modes = _groups(run), grading_modes(records)
    rows = []
    for r in sorted(records, key=lambda r: (problem_order(r.problem_id), r.condition, r.sample_index)):
        last = r.turns[-1] if r.turns else None
        static = (last.static or {}) if last else {}
        static = {} if "error" in static else static
        row = {
            **_common(run, r),
            "sample_index": r.sample_index,
            "status": r.status,
            "passed": r.passed,
            "turns": len(r.turns),
            "tokens_in": sum(t.generation.tokens_in for t in r.turns),
            "tokens_out": sum(t.generation.tokens_out for t in r.turns),
            "generation_seconds": round(sum(t.generation.seconds for t in r.turns), 4),
            "seconds": r.seconds,
            "tests_total": len(last.result.tests) if last else 0,
            "tests_passed": sum(t.status == "pass" for t in last.result.tests) if last else 0,
            "answer": last.generation.text if last else "",
            "candidate": last.candidate if last else None,
            **{name: static.get(name) for name in STATIC},
            "halstead_volume": (static.get("halstead") or {}).get("volume"),
            **groups.get(r.problem_id, {}),
        }
        verdicts = last.result.verdicts if last else {}
        for mode in modes:
            verdict = verdicts.get(mode)
            row[f"status_{mode}"] = verdict.status if verdict else None
            row[f"passed_{mode}"] = verdict.passed if verdict else None
        rows.append(row)
    return rows


def problem_rows(run: dict[str, Any], records: list[SampleRecord]) -> list[dict[str, Any]]:
    """One row per (problem, condition): n, c, pass@k per k <= n, statuses, groups."""
    by_key: dict[tuple[str, str], list[SampleRecord]] = {}
    for r in records:
        by_key.setdefault((r.problem_id, r.condition), []).append(r)
    groups, rows = _groups(run), []
    for (problem_id, _), samples in sorted(by_key.items(), key=lambda kv: (problem_order(kv[0][0]), kv[0][1])):
        samples.sort(key=lambda r: r.sample_index)
        n, c = len(samples), sum(r.passed for r in samples)
        row = {**_common(run, samples[0]), "n": n, "c": c}
        row.update({f"pass@{k}": pass_at_k(n, c, k) for k in ks_for(n)})
        row["statuses"] = ",".join(r.status for r in samples)
        rows.append({**row, **groups.get(problem_id, {})})
    return rows


def table(run_dir: Path, level: str):
    """The run as a pandas DataFrame at ``level`` (``sample`` or ``problem``)."""
    import pandas as pd

    store = RunStore.open(run_dir)
    run, records = store.read_run(), store.samples()
    rows = sample_rows(run, records) if level == "sample" else problem_rows(run, records)
    columns = SAMPLE_COLUMNS if level == "sample" else PROBLEM_COLUMNS
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=[c for c in columns if c != "pass@k"])
    return frame


def aider_row(run: dict[str, Any], results: dict[str, Any]) -> dict[str, Any]:
    """A Polyglot run as one record of Aider's leaderboard YAML (its field names and units)."""
    if run["task"].get("family") != "polyglot":
        raise UserError(f"--format aider needs a Polyglot run; {run['run_id']} is a {run['task']['name']} run.")
    if results.get("conditions"):
        raise UserError("--format aider exports one condition; this run is a sweep (export each condition's run).")
    poly = results["polyglot"]
    gen = run["generator"]
    row = {
        "dirname": run["run_id"],
        "test_cases": poly["total_tests"],
        "model": gen.get("model") or gen["name"],
        "edit_format": run["task"]["edit_format"],
        "commit_hash": (run.get("harness") or {}).get("commit"),
        **{f"pass_rate_{k}": poly[f"pass_rate_{k}"] for k in range(1, run["task"]["tries"] + 1)},
        **{f"pass_num_{k}": poly[f"pass_num_{k}"] for k in range(1, run["task"]["tries"] + 1)},
        "percent_cases_well_formed": poly["percent_cases_well_formed"],
        "error_outputs": 0,
        "num_malformed_responses": poly["num_malformed_responses"],
        "num_with_malformed_responses": poly["num_with_malformed_responses"],
        "user_asks": 0,
        "lazy_comments": poly["lazy_comments"],
        "syntax_errors": poly["syntax_errors"],
        "indentation_errors": poly["indentation_errors"],
        "exhausted_context_windows": 0,
        "test_timeouts": poly["test_timeouts"],
        "total_tests": poly["total_tests"],
        "command": run.get("command"),
        "date": (run.get("created_at") or "")[:10],
        "versions": (run.get("harness") or {}).get("version"),
        "seconds_per_case": poly["seconds_per_case"],
        "total_cost": 0.0,
        "prompt_tokens": poly["prompt_tokens"],
        "completion_tokens": poly["completion_tokens"],
    }
    return row


def lcb_eval_all(run: dict[str, Any], records: list[SampleRecord]) -> list[dict[str, Any]]:
    """An lcb-generation run as LiveCodeBench's ``_eval_all.json``: the problem's fields, ``output_list``,
    ``code_list``, ``graded_list`` and ``metadata`` (upstream grading), ``pass@1`` = passes / n."""
    if not run["task"]["name"].startswith("lcb-generation"):
        raise UserError(f"--format lcb needs an lcb-generation run; {run['run_id']} is a {run['task']['name']} run.")
    if len(run["eval"].get("conditions", [""])) > 1:
        raise UserError("--format lcb exports one condition; this run is a sweep.")
    problems = {p.id: p for p in _load_problems(run)}
    by_id: dict[str, list[SampleRecord]] = {}
    for r in records:
        by_id.setdefault(r.problem_id, []).append(r)
    out = []
    for problem_id in sorted(by_id):
        samples = sorted(by_id[problem_id], key=lambda r: r.sample_index)
        p = problems.get(problem_id)
        graded, metadata = [], []
        for r in samples:
            verdicts = r.turns[-1].result.verdicts if r.turns else {}
            # upstream's verdicts when the run graded that way, else the run's primary mode
            verdict = verdicts.get("upstream") or next(iter(verdicts.values()), None)
            graded.append(bool(verdict and verdict.passed))
            metadata.append(json.dumps(verdict.extras.get("lcb_metadata", {}) if verdict else {}))
        out.append(
            {
                "question_id": problem_id,
                "question_title": p.title if p else "",
                "question_content": p.content if p else "",
                "platform": p.platform if p else "",
                "contest_id": p.contest_id if p else "",
                "contest_date": p.contest_date if p else "",
                "starter_code": p.starter_code if p else "",
                "difficulty": p.difficulty if p else "",
                "output_list": [r.turns[-1].generation.text if r.turns else "" for r in samples],
                "code_list": [(r.turns[-1].candidate or "") if r.turns else "" for r in samples],
                "graded_list": graded,
                "pass@1": sum(graded) / len(graded),
                "metadata": metadata,
            }
        )
    return out


def _load_problems(run: dict[str, Any]) -> list[Any]:
    """The run's problems, loaded again from the data it names (for the fields samples do not keep)."""
    from harness.runner import EvalOptions
    from harness.tasks import get_task

    options = EvalOptions.from_json(run["options"])
    return get_task(run["task"]["name"])(options.task_options).load()


def export(run_dir: Path, fmt: str, level: str, out: Path) -> Path:
    """Write ``run_dir`` as ``fmt`` to ``out`` atomically; returns ``out``."""
    _validate(fmt, level)
    store = RunStore.open(run_dir)
    if fmt == "aider":
        import yaml

        run = store.read_run()
        results = results_of(store, run)
        text = yaml.safe_dump([aider_row(run, results)], sort_keys=False, allow_unicode=True)
        write_atomic(out, lambda f: f.write(text.encode()))
    elif fmt == "lcb":
        data = lcb_eval_all(store.read_run(), store.samples())
        write_atomic(out, lambda f: f.write(json.dumps(data, indent=2).encode()))
    else:
        frame = table(run_dir, level)
        if fmt == "json":
            text = frame.to_json(orient="records", indent=2, force_ascii=False)
            write_atomic(out, lambda f: f.write(text.encode()))
        elif fmt == "csv":
            write_atomic(out, lambda f: f.write(frame.to_csv(index=False).encode()))
        else:
            buffer = io.BytesIO()
            frame.to_parquet(buffer, index=False)
            write_atomic(out, lambda f: f.write(buffer.getvalue()))
    return out


def _validate(fmt: str, level: str) -> None:
    if fmt not in FORMATS:
        raise UserError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}.")
    if level not in LEVELS:
        raise UserError(f"--level must be sample or problem, got {level!r}.")


def default_name(run_dir: Path, fmt: str, level: str) -> Path:
    """Where ``harness export`` writes without ``--out``: beside the run's files."""
    _validate(fmt, level)
    suffix = {"aider": "aider.yml", "lcb": "eval_all.json", "json": "json", "csv": "csv", "parquet": "parquet"}[fmt]
    return run_dir / (f"export-{level}.{suffix}" if fmt in ("json", "csv", "parquet") else f"export-{suffix}")
