"""results.json: aggregates over a run's samples, with the definitions of each metric.

The file holds no timings or timestamps, so an interrupted-and-resumed run and an
uninterrupted one produce identical results.json files.
"""

from __future__ import annotations

from collections import Counter
from statistics import mean, median
from typing import Any

from harness.polyglot.metrics import DEFINITIONS as POLYGLOT_DEFINITIONS
from harness.polyglot.metrics import summary as polyglot_summary
from harness.records import STATUSES, SampleRecord
from harness.scoring.intervals import METHODS as INTERVAL_METHODS
from harness.scoring.intervals import bootstrap_pass_at_k, wilson
from harness.scoring.passk import ks_for, mean_pass_at_k, pass_at_k
from harness.scoring.static import final_statics

SCHEMA_VERSION = 3  # 3: intervals beside every metrics block

DEFINITIONS = {
    "pass@k": "mean over problems of 1 - C(n-c, k) / C(n, k) (unbiased estimator, Chen et al. 2021); "
    "n samples per problem, c of them passing; reported for k <= n",
    "passed": "a sample passes when its candidate's every test passes in the sandbox",
    "static": "tree-sitter metrics of the final candidate (harness.scoring.languages): mean and median over "
    "samples with a candidate; complexity_max is a candidate's largest function complexity",
    "conditions": "a run with several generator conditions (a layer sweep: layer=K, layer=K1+K2, none) reports "
    "each condition's problems, metrics, status_counts, static and per_problem under conditions[name]; "
    "every condition sees the same problems, samples and seeds",
    "status_counts": "samples per final status (pass, fail, error, timeout, oom, killed, exited_early, "
    "syntax_error, no_code, output_limit, harness_error)",
    "grading": "tasks with several grading modes (LiveCodeBench: upstream = lcb_runner's verdicts, strict = every "
    "test, 1e-6 float tolerance, real stdin, errata excluded) report pass@k per mode over the same samples; "
    "problems a mode excludes are left out of its denominator and listed; the top-level metrics are the first "
    "mode's",
    "dropped": "samples a grading mode leaves out of their problem's denominator (upstream code execution drops "
    "answers that contain the call; a problem with every sample dropped counts as failed); pass@k is then reported "
    "for k up to the smallest remaining n. Rates are fractions (upstream prints code execution in percent)",
    "by_group": "pass@k per value of each grouping the task declares (LiveCodeBench: difficulty, platform), "
    "per grading mode when there are several",
    "turns": "multi-turn tasks: pass@k after each turn; a sample that finished earlier keeps its last verdict",
    **INTERVAL_METHODS,
    "hrm": "HRM runs: per condition, questions asked, does_not_fit (longer than the checkpoint's prompt slots: "
    "answered with nothing, never cut), answered, truncated (no EOS in the answer slots), the framings asked "
    "(a task's compact question, or 'prompt': the last user message), mean segments used and halting probability "
    "over answered questions, and seconds per question",
    "scope": "what the generator can be expected to do (HRM: short answers only)",
    "polyglot": "Aider Polyglot runs: Aider's aggregates (pass_rate_1, pass_rate_2, ...), overall and per_language; "
    "see polyglot_definitions",
}


STATIC_FIELDS = ("complexity_max", "complexity_mean", "loc", "comment_lines", "characters", "error_nodes")


def static_summary(records: list[SampleRecord]) -> dict[str, Any]:
    """Mean and median of each static metric over samples with a candidate."""
    statics = final_statics(records)
    summary: dict[str, Any] = {
        "candidates": len(statics),
        "syntax_valid_rate": sum(s["syntax_valid"] for s in statics) / len(statics) if statics else 0.0,
        "syntax_valid_interval": wilson(sum(s["syntax_valid"] for s in statics), len(statics)),
    }
    columns = {f: [s[f] for s in statics] for f in STATIC_FIELDS}
    columns["halstead_volume"] = [s["halstead"]["volume"] for s in statics if s.get("halstead")]
    for name, values in columns.items():
        summary[name] = {"mean": mean(values), "median": median(values)} if values else None
    return summary


def problem_order(problem_id: str) -> tuple[int, int | str]:
    """Numeric ids in numeric order, then the rest alphabetically."""
    return (0, int(problem_id)) if problem_id.isdigit() else (1, problem_id)


def condition_block(
    records: list[SampleRecord], n: int, expected: int, groups: dict[str, dict[str, str]] | None = None, turns: int = 1
) -> dict[str, Any]:
    """pass@k, statuses, static metrics and per-problem rows over one condition's samples."""
    by_problem: dict[str, list[SampleRecord]] = {}
    for record in records:
        by_problem.setdefault(record.problem_id, []).append(record)
    per_problem = []
    for problem_id in sorted(by_problem, key=problem_order):
        samples = sorted(by_problem[problem_id], key=lambda r: r.sample_index)
        c = sum(r.passed for r in samples)
        row: dict[str, Any] = {"problem_id": problem_id, "n": len(samples), "c": c}
        for k in ks_for(len(samples)):
            row[f"pass@{k}"] = pass_at_k(len(samples), c, k)
        row["statuses"] = [r.status for r in samples]
        per_problem.append(row)
    complete = [(p["n"], p["c"]) for p in per_problem if p["n"] == n]
    counts = Counter(r.status for r in records)
    block: dict[str, Any] = {
        "problems": len(per_problem),
        "samples": len(records),
        "complete": len(complete) == expected,
        "metrics": _pass_at(complete, n),
        "intervals": _intervals(complete, n),
        "status_counts": {s: counts[s] for s in STATUSES if counts[s]},
        "static": static_summary(records),
        "per_problem": per_problem,
    }
    modes = grading_modes(records)
    if modes:
        block["grading"] = {m: mode_block(by_problem, m, n) for m in modes}
        block["metrics"] = block["grading"][modes[0]]["metrics"]  # the primary mode's, exclusions honoured
        for row in per_problem:
            samples = by_problem[row["problem_id"]]
            row["grading"] = {m: [_verdict(r, m).get("status") for r in samples] for m in modes}
    if groups:
        block["by_group"] = group_blocks(by_problem, groups, modes, n)
    turns = max([turns, *(len(r.turns) for r in records)])  # the task's turns, or more if a sample took more
    if turns > 1:
        block["turns"] = [turn_block(by_problem, t, modes, n) for t in range(turns)]
    if hrm := hrm_summary(records):
        block["hrm"] = hrm
    return block


def hrm_summary(records: list[SampleRecord]) -> dict[str, Any] | None:
    """What the HRM generator recorded per generation, summed up (None for other generators)."""
    rows = [t.generation.extras["hrm"] for r in records for t in r.turns if "hrm" in t.generation.extras]
    if not rows:
        return None
    answered = [x for x in rows if not x["does_not_fit"]]

    def mean(key: str) -> float | None:
        return round(sum(x[key] for x in answered) / len(answered), 4) if answered else None

    return {
        "questions": len(rows),
        "does_not_fit": len(rows) - len(answered),
        "answered": len(answered),
        "truncated": sum(x["truncated"] for x in answered),
        "framings": dict(Counter(x["framing"] for x in rows)),
        "mean_segments": mean("segments"),
        "mean_halt_probability": mean("halt_probability"),
        "seconds_per_question": round(sum(x["seconds"] for x in rows) / len(rows), 4),
    }


def _verdict(record: SampleRecord, mode: str, turn: int = -1) -> dict[str, Any]:
    turns = record.turns[: turn + 1] if turn >= 0 else record.turns
    verdict = turns[-1].result.verdicts.get(mode) if turns else None
    if verdict is None:
        return {}
    return {"status": verdict.status, "passed": verdict.passed, "dropped": bool(verdict.extras.get("dropped"))}


def grading_modes(records: list[SampleRecord]) -> list[str]:
    """The grading modes recorded on the samples' final turns, in first-seen order."""
    modes: dict[str, None] = {}
    for record in records:
        if record.turns:
            modes.update(dict.fromkeys(record.turns[-1].result.verdicts))
    return list(modes)


def _pass_at(pairs: list[tuple[int, int]], n: int) -> dict[str, float]:
    return {f"pass@{k}": mean_pass_at_k(pairs, k) for k in ks_for(n)}


def _intervals(pairs: list[tuple[int, int]], n: int) -> dict[str, list[float]]:
    return {f"pass@{k}": bootstrap_pass_at_k(pairs, k) for k in ks_for(n)}


def mode_block(by_problem: dict[str, list[SampleRecord]], mode: str, n: int, turn: int = -1) -> dict[str, Any]:
    """pass@k under one grading mode; problems it excludes leave the denominator."""
    pairs, excluded, counts, dropped = [], [], Counter(), 0
    for problem_id, samples in by_problem.items():
        verdicts = [_verdict(r, mode, turn) for r in samples]
        counts.update(v.get("status", "missing") for v in verdicts)
        kept = [v for v in verdicts if not v.get("dropped")]
        dropped += len(verdicts) - len(kept)
        if any(v.get("status") == "excluded" for v in verdicts):
            excluded.append(problem_id)
        elif len(samples) == n:
            # a mode may drop samples from a problem's denominator (upstream code execution drops
            # answers that echo the call); a problem whose samples are all dropped counts as failed
            pairs.append((len(kept), sum(bool(v.get("passed")) for v in kept)) if kept else (n, 0))
    smallest = min((m for m, _ in pairs), default=n)
    return {
        "problems": len(pairs),
        "dropped": dropped,
        "metrics": _pass_at(pairs, smallest),
        "intervals": _intervals(pairs, smallest),
        "status_counts": dict(sorted(counts.items())),
        "excluded": sorted(excluded, key=problem_order),
    }


def group_blocks(by_problem, groups: dict[str, dict[str, str]], modes: list[str], n: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    keys = sorted({k for g in groups.values() for k in g})
    for key in keys:
        values = sorted({g[key] for g in groups.values() if key in g})
        out[key] = {}
        for value in values:
            subset = {p: s for p, s in by_problem.items() if groups.get(p, {}).get(key) == value}
            if not subset:
                continue
            pairs = [(len(s), sum(r.passed for r in s)) for s in subset.values() if len(s) == n]
            entry: dict[str, Any] = {"problems": len(subset), "metrics": _pass_at(pairs, n)}
            entry["intervals"] = _intervals(pairs, n)
            if modes:
                entry["grading"] = {m: mode_block(subset, m, n)["metrics"] for m in modes}
            out[key][value] = entry
    return out


def turn_block(by_problem, turn: int, modes: list[str], n: int) -> dict[str, Any]:
    """pass@k with each sample judged by its verdict after ``turn`` (0-based)."""
    pairs = []
    for samples in by_problem.values():
        if len(samples) == n:
            passed = [r.turns[: turn + 1][-1].result.passed for r in samples]
            pairs.append((n, sum(passed)))
    block: dict[str, Any] = {"turn": turn + 1, "metrics": _pass_at(pairs, n), "intervals": _intervals(pairs, n)}
    if modes:
        graded = {m: mode_block(by_problem, m, n, turn) for m in modes}
        block["grading"] = {m: b["metrics"] for m, b in graded.items()}
        block["metrics"], block["intervals"] = graded[modes[0]]["metrics"], graded[modes[0]]["intervals"]
    return block


def results_of(store, run: dict[str, Any]) -> dict[str, Any]:
    """A run's results.json, or the aggregate of the samples finished so far when it has none yet."""
    return store.read_results() or aggregate(run, store.samples())


def aggregate(run: dict[str, Any], records: list[SampleRecord]) -> dict[str, Any]:
    """The results.json document for a run from its finished samples.

    A run with one condition has its metrics at the top level; a run with several
    (a layer sweep) has one block per condition under ``conditions``, in run order.
    """
    n, expected = run["eval"]["n"], run["task"]["num_problems"]
    names = run["eval"].get("conditions", [""])
    groups = run["task"].get("groups")
    turns = run["task"].get("turns", 1)  # a multi-turn task reports every turn, even if no sample needed the last
    blocks = {c: condition_block([r for r in records if r.condition == c], n, expected, groups, turns) for c in names}
    if run["task"].get("family") == "polyglot":  # Aider's metrics beside pass@k
        task = run["task"]
        for c, block in blocks.items():
            mine = [r for r in records if r.condition == c]
            block["polyglot"] = polyglot_summary(mine, task["problem_ids"], task["tries"], task["edit_format"])
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "run_id": run["run_id"],
        "config_hash": run["config_hash"],
        "task": run["task"]["name"],
        "generator": run["generator"]["name"],
        "model": run["generator"].get("model"),
        **({"demo_model": run["generator"]["demo_model"]} if run["generator"].get("demo_model") else {}),
        **({"scope": run["generator"]["scope"]} if run["generator"].get("scope") else {}),
        "sandbox": run["sandbox"]["backend"],
        "n": n,
        "problems_expected": expected,
        "samples": len(records),
        "complete": all(b["complete"] for b in blocks.values()),
        "condition_names": [c for c in names if c],
        # what the task selected (LiveCodeBench: release, contest window, platform, difficulty)
        **{
            k: run["task"][k]
            for k in ("release", "window", "platform", "difficulty", "public_tests_only")
            if k in run["task"]
        },
    }
    if len(names) == 1:
        block = blocks[names[0]]
        doc.update({k: v for k, v in block.items() if k not in ("samples", "complete")})
    else:
        doc["conditions"] = {c: block for c, block in blocks.items()}
    doc["definitions"] = DEFINITIONS
    if run["task"].get("family") == "polyglot":
        doc["polyglot_definitions"] = POLYGLOT_DEFINITIONS
    return doc
