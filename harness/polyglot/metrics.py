"""Aider's Polyglot metrics over a run's samples (reference/polyglot.md §3, "Aggregates").

Each finished sample yields the fields of Aider's ``.aider.results.json``; the run's summary
follows Aider's ``--stats`` with two corrections: every rate divides by the exercises selected
(never by the ones that happened to finish), and the exercises without a finished sample are
listed as missing. Durations split model time (``duration``, Aider's field) from test time
(``test_duration``), which Aider leaves out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from statistics import median
from typing import Any

from harness.records import SampleRecord, TurnRecord
from harness.scoring.intervals import wilson

MODE = "polyglot"  # the verdict key of harness.tasks.polyglot
LAZY = re.compile(r"^\s*(#|//).* \.\.\. ")  # a comment that elides code, as Aider counts them (it misses //)

DEFINITIONS = {
    "pass_rate_k": "100 x (exercises passing within k tries) / exercises selected; with n samples an exercise "
    "counts the fraction of its samples that pass (Aider divides by completed exercises instead)",
    "percent_cases_well_formed": "100 x (1 - samples with a malformed response / finished samples)",
    "num_malformed_responses": "model replies whose edits failed to parse, match or were refused (any path but a "
    "solution file)",
    "test_timeouts": "test runs that hit a build or test deadline",
    "build_failures": "test runs whose build step failed (a compile error)",
    "seconds_per_case": "mean model time per sample (Aider's duration); test_seconds_per_case is the sandbox's",
    "intervals": "Wilson 95% intervals of pass_rate_k (pass_num_k of total_tests) and percent_cases_well_formed, "
    "in percent",
    "missing": "selected exercises with no finished sample; they count as failed in every pass rate",
    "exercises": "every selected exercise's samples, each with the fields of Aider's .aider.results.json "
    "(plus build_failures and test_duration, the sandbox time Aider folds into duration); [] when missing",
}


def _verdicts(record: SampleRecord) -> list[tuple[TurnRecord, dict[str, Any]]]:
    return [(t, t.result.verdicts[MODE].extras) for t in record.turns if MODE in t.result.verdicts]


def aider_record(record: SampleRecord, edit_format: str) -> dict[str, Any]:
    """One sample as Aider's ``.aider.results.json`` records an exercise (plus build failures and test time)."""
    turns = _verdicts(record)
    tested = [(t, x) for t, x in turns if x.get("tested")]
    feedback = "\n".join(x.get("feedback", "") for _, x in tested)
    last = record.turns[-1].generation.text if record.turns else ""
    return {
        "testdir": record.problem_id,
        "testcase": record.problem_id.split("/", 1)[-1],
        "edit_format": edit_format,
        "tests_outcomes": [t.result.passed for t, _ in tested],
        "duration": round(sum(t.generation.seconds for t in record.turns), 3),
        "test_duration": round(sum(x.get("test_seconds", 0.0) for _, x in tested), 3),
        "test_timeouts": sum(bool(x.get("timed_out")) for _, x in tested),
        "build_failures": sum(bool(x.get("build_failed")) for _, x in tested),
        "num_malformed_responses": sum(bool(x.get("malformed")) for _, x in turns),
        "num_error_outputs": 0,
        "num_user_asks": 0,
        "num_exhausted_context_windows": 0,
        "syntax_errors": sum(line.startswith("SyntaxError") for line in feedback.splitlines()),
        "indentation_errors": sum(line.startswith("IndentationError") for line in feedback.splitlines()),
        "lazy_comments": sum(bool(LAZY.match(line)) for line in last.splitlines()),
        "prompt_tokens": sum(t.generation.tokens_in for t in record.turns),
        "completion_tokens": sum(t.generation.tokens_out for t in record.turns),
    }


def _percent(interval: list[float]) -> list[float]:
    return [round(100 * x, 1) for x in interval]


def _rate(part: float, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def summary(records: Sequence[SampleRecord], ids: Sequence[str], tries: int, edit_format: str) -> dict[str, Any]:
    """Aider's aggregates over the selected exercises ``ids``, overall and per language, and each
    exercise's records (one per sample, in sample order)."""
    by_id: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    for record in sorted(records, key=lambda r: r.sample_index):
        if record.problem_id in by_id:
            by_id[record.problem_id].append(aider_record(record, edit_format))
    block = _block(by_id, tries)
    languages = sorted({i.split("/", 1)[0] for i in ids})
    block["per_language"] = {
        lang: _block({i: r for i, r in by_id.items() if i.startswith(f"{lang}/")}, tries) for lang in languages
    }
    block["exercises"] = by_id
    return block


def _block(by_id: dict[str, list[dict[str, Any]]], tries: int) -> dict[str, Any]:
    samples = [r for rs in by_id.values() for r in rs]
    total = len(by_id)
    block: dict[str, Any] = {"total_tests": total, "completed_tests": sum(bool(rs) for rs in by_id.values())}
    for k in range(1, tries + 1):
        passing = sum(sum(any(r["tests_outcomes"][:k]) for r in rs) / len(rs) for rs in by_id.values() if rs)
        block[f"pass_rate_{k}"] = _rate(passing, total)
        block[f"pass_num_{k}"] = round(passing, 3)
    malformed_cases = sum(r["num_malformed_responses"] > 0 for r in samples)
    block["percent_cases_well_formed"] = _rate(len(samples) - malformed_cases, len(samples)) if samples else 0.0
    intervals = {f"pass_rate_{k}": _percent(wilson(block[f"pass_num_{k}"], total)) for k in range(1, tries + 1)}
    intervals["percent_cases_well_formed"] = _percent(wilson(len(samples) - malformed_cases, len(samples)))
    block["intervals"] = intervals
    block["num_with_malformed_responses"] = malformed_cases
    for field in (
        "num_malformed_responses",
        "test_timeouts",
        "build_failures",
        "syntax_errors",
        "indentation_errors",
        "lazy_comments",
        "prompt_tokens",
        "completion_tokens",
    ):
        block[field] = sum(r[field] for r in samples)
    block["seconds_per_case"] = round(sum(r["duration"] for r in samples) / len(samples), 3) if samples else 0.0
    block["test_seconds_per_case"] = (
        round(sum(r["test_duration"] for r in samples) / len(samples), 3) if samples else 0.0
    )
    block["median_test_seconds"] = round(median(r["test_duration"] for r in samples), 3) if samples else 0.0
    block["missing"] = sorted(i for i, rs in by_id.items() if not rs)
    return block
