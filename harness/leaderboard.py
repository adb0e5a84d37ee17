"""Leaderboards: one JSON file per board in ``leaderboards/``, rendered as Markdown and HTML, and
the regression check CI gates on.

An entry is one run (one condition of a sweep): its provenance, its metrics with 95% intervals
and its per-problem verdict vector ``problems`` {problem_id: [n, c]}. Two keys identify it:

- ``config_hash``, the run's own (it covers the sandbox image ids, which differ per machine that
  builds them): a board refuses a second entry with the same one;
- ``setup``, a hash of what decides the verdicts and is the same on every machine: the task's
  configuration less where its data lies (the dataset hash stays), the generator's settings,
  n, seed and the condition. ``check`` compares a run with the entry of the same setup.

``check`` is exact for deterministic entries (the reference, stored samples, greedy decoding):
any problem whose count of passing samples differs is named and fails. Sampled entries use the
paired sign test of ``harness.scoring.intervals`` on the discordant problems.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.errors import UserError
from harness.results import results_of
from harness.scoring.intervals import ALPHA, Paired, paired
from harness.store import RunStore, write_atomic, write_json_atomic

BOARD_SCHEMA_VERSION = 1
DEFAULT_DIR = Path("leaderboards")
DETERMINISTIC_GENERATORS = ("reference", "samples")
MACHINE_KEYS = ("device", "samples_file")  # where a generator ran or read from; the sha256 beside them stays


@dataclass
class CheckOutcome:
    """A run checked against its board entry."""

    board: str
    entry: dict[str, Any]
    condition: str
    comparison: Paired
    exact: bool

    @property
    def failed(self) -> bool:
        """A deterministic entry fails on any changed verdict (better ones too: the board must be updated
        on purpose); a sampled one on a significant regression."""
        return self.comparison.regressed(self.exact) or (self.exact and bool(self.comparison.better))

    def lines(self) -> list[str]:
        c = self.comparison
        name = self.entry["label"] + (f" [{self.condition}]" if self.condition else "")
        head = f"{self.board}: {name}: {c.problems} problems, pass fraction {c.mean_a:.4f} -> {c.mean_b:.4f}"
        rule = "exact match" if self.exact else f"paired sign test, p={c.p_value:.4f} (alpha {ALPHA})"
        verdict = "ok" if not self.failed else ("VERDICTS CHANGED" if self.exact else "REGRESSION")
        lines = [f"{head}; {rule}: {verdict}"]
        for what, ids in (("now failing", c.worse), ("now passing", c.better), ("missing", c.only_a)):
            if ids:
                lines.append(f"  {what} ({len(ids)}): {', '.join(ids[:30])}" + (" ..." if len(ids) > 30 else ""))
        return lines


def setup_hash(run: dict[str, Any], condition: str) -> str:
    """What decides a run's verdicts, hashed the same on every machine."""
    task = {k: v for k, v in run["task"].items() if k not in ("source", "commit")}
    generator = {k: v for k, v in run["generator"].items() if k not in MACHINE_KEYS}
    identity = {"task": task, "generator": generator, "n": run["eval"]["n"], "seed": run["eval"]["seed"]}
    identity["condition"] = condition
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def deterministic(run: dict[str, Any]) -> bool:
    """Reference and stored answers always; model generators when they decode greedily."""
    gen = run["generator"]
    return gen["name"] in DETERMINISTIC_GENERATORS or float(gen.get("temperature", 1.0) or 0.0) == 0.0


def _blocks(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return results.get("conditions") or {"": results}


def _vector(block: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """A condition block's per-problem verdicts: {problem_id: (n, c)}."""
    return {row["problem_id"]: (row["n"], row["c"]) for row in block["per_problem"]}


def _metrics(block: dict[str, Any]) -> tuple[dict[str, float], dict[str, list[float]]]:
    metrics, intervals = dict(block["metrics"]), dict(block.get("intervals", {}))
    poly = block.get("polyglot")
    if poly:  # Aider's headline numbers beside pass@k, in percent as Aider reports them
        for key in ("pass_rate_1", "pass_rate_2", "percent_cases_well_formed"):
            if key in poly:
                metrics[key] = poly[key]
                if key in poly.get("intervals", {}):
                    intervals[key] = poly["intervals"][key]
    return metrics, intervals


def _label(run: dict[str, Any]) -> str:
    gen = run["generator"]
    model = gen.get("model")
    if gen.get("demo_model"):
        model = "demo model"
    if gen.get("samples_file"):
        model = Path(gen["samples_file"]).name
    return gen["name"] + (f" ({model})" if model else "")


def entries_from_run(run_dir: Path) -> list[dict[str, Any]]:
    """Board entries for a finished run, one per condition; refuses runs a board must not hold."""
    store = RunStore.open(run_dir)
    run = store.read_run()
    if run["sandbox"]["backend"] != "docker":
        raise UserError(f"{run_dir} ran without the sandbox (sandbox: {run['sandbox']['backend']}); boards refuse it.")
    results = results_of(store, run)
    if run["status"] != "complete" or not results["complete"]:
        raise UserError(f"{run_dir} is incomplete ({results['samples']} samples); finish it with --resume first.")
    task, gen = run["task"], run["generator"]
    provenance = {
        "task": task["name"],
        "dataset_sha256": task.get("dataset_sha256"),
        "source": task.get("source"),
        "generator": gen["name"],
        "generator_params": _params(gen),
        "model": gen.get("model"),
        "model_revision": gen.get("model_revision"),
        "prompt_templates": _templates(run),
        "harness_version": run["harness"]["version"],
        "harness_commit": run["harness"].get("commit"),
        "harness_dirty": run["harness"].get("dirty"),
        "sandbox_images": _images(run),
        "grading_mode": next(iter(results.get("grading", {})), None),
        "n": run["eval"]["n"],
        "seed": run["eval"]["seed"],
    }
    entries = []
    for condition, block in _blocks(results).items():
        metrics, intervals = _metrics(block)
        entries.append(
            {
                "key": run["config_hash"] + (f"/{condition}" if condition else ""),
                "config_hash": run["config_hash"],
                "setup": setup_hash(run, condition),
                "label": _label(run) + (f" {condition}" if condition else ""),
                "condition": condition,
                "run_id": run["run_id"],
                "added": datetime.now(UTC).date().isoformat(),
                "deterministic": deterministic(run),
                "provenance": provenance,
                "metrics": metrics,
                "intervals": intervals,
                "problems": {p: list(nc) for p, nc in _vector(block).items()},
            }
        )
    return entries


def _params(gen: dict[str, Any]) -> dict[str, Any]:
    """The generator's settings; a file it read is named, not located (boards are committed)."""
    params = {k: v for k, v in gen.items() if k not in ("name", "model", "model_revision")}
    if "samples_file" in params:
        params["samples_file"] = Path(params["samples_file"]).name
    return params


def _templates(run: dict[str, Any]) -> dict[str, str]:
    found = {}
    for part in (run["task"], run["generator"]):
        for value in part.values():
            if isinstance(value, dict) and "sha256" in value and "name" in value:
                found[value["name"]] = value["sha256"]
    return found


def _images(run: dict[str, Any]) -> dict[str, str]:
    sandbox = run["sandbox"]
    images = {name: i.get("image_id") for name, i in (sandbox.get("images") or {}).items()}
    return images or {sandbox.get("image", "image"): sandbox.get("image_id")}


# -- board files


def board_path(directory: Path, name: str) -> Path:
    if not name or "/" in name or name.startswith("."):
        raise UserError(f"a board name is a plain file name, got {name!r}.")
    return directory / f"{name}.json"


def load_board(directory: Path, name: str, task: str | None = None) -> dict[str, Any]:
    """The board ``name`` (an empty one for ``task`` when the file does not exist yet)."""
    path = board_path(directory, name)
    if not path.exists():
        if task is None:
            known = ", ".join(board_names(directory)) or "none"
            raise UserError(f"no board {name!r} in {directory} (boards: {known}).")
        return {"schema_version": BOARD_SCHEMA_VERSION, "board": name, "task": task, "entries": []}
    try:
        board = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(f"{path} is not a readable board: {exc}.") from None
    if board.get("schema_version") != BOARD_SCHEMA_VERSION:
        raise UserError(f"{path} has board schema {board.get('schema_version')!r}; this harness reads 1.")
    return board


def board_names(directory: Path) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.json")) if directory.is_dir() else []


def save_board(directory: Path, board: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    board["entries"].sort(key=lambda e: (-_primary(board, e), e["label"]))
    path = board_path(directory, board["board"])
    write_json_atomic(path, board)
    return path


def primary_metric(board: dict[str, Any]) -> str:
    """pass_rate_2 for Polyglot boards (Aider's headline), pass@1 otherwise."""
    entries = board["entries"]
    return "pass_rate_2" if entries and "pass_rate_2" in entries[0]["metrics"] else "pass@1"


def _primary(board: dict[str, Any], entry: dict[str, Any]) -> float:
    return entry["metrics"].get(primary_metric(board), 0.0)


def add(run_dir: Path, directory: Path, name: str | None = None, replace: bool = False) -> tuple[Path, list[dict]]:
    """Add a run's entries to its board (default: the run's task); ``replace`` swaps out entries of
    the same setup (updating a board on purpose). Refuses a run whose config hash is on the board."""
    entries = entries_from_run(run_dir)
    task = entries[0]["provenance"]["task"]
    board = load_board(directory, name or task, task)
    if board["task"] != task:
        raise UserError(f"board {board['board']!r} is for task {board['task']}; this run is {task}.")
    for entry in entries:
        same_config = [e for e in board["entries"] if e["key"] == entry["key"]]
        if same_config and not replace:
            raise UserError(f"board {board['board']!r} already has this run's configuration ({entry['key'][:12]}).")
        same_setup = [e for e in board["entries"] if e["setup"] == entry["setup"]]
        if same_setup and not replace:
            raise UserError(
                f"board {board['board']!r} already has an entry with this setup ({same_setup[0]['label']}); "
                "pass --replace to update it on purpose."
            )
        board["entries"] = [e for e in board["entries"] if e["setup"] != entry["setup"] and e["key"] != entry["key"]]
        board["entries"].append(entry)
    board["primary_metric"] = primary_metric(board)
    return save_board(directory, board), entries


def check(run_dir: Path, directory: Path, name: str | None = None) -> list[CheckOutcome]:
    """The run (each condition) against the board entry of the same setup."""
    store = RunStore.open(run_dir)
    run = store.read_run()
    results = results_of(store, run)
    board = load_board(directory, name or run["task"]["name"])
    outcomes = []
    for condition, block in _blocks(results).items():
        setup = setup_hash(run, condition)
        entry = next((e for e in board["entries"] if e["setup"] == setup), None)
        if entry is None:
            raise UserError(
                f"board {board['board']!r} has no entry with this run's setup (task, data, generator settings, n, "
                f"seed{', condition' if condition else ''}); add one with `harness leaderboard add {run_dir}`."
            )
        now = _vector(block)
        before = {p: (v[0], v[1]) for p, v in entry["problems"].items()}
        outcomes.append(CheckOutcome(board["board"], entry, condition, paired(before, now), entry["deterministic"]))
    return outcomes


def compare(run_a: Path, run_b: Path) -> list[tuple[str, Paired]]:
    """The paired comparison of two runs, condition by condition (conditions both have)."""
    blocks = []
    for run_dir in (run_a, run_b):
        store = RunStore.open(run_dir)
        run = store.read_run()
        blocks.append(_blocks(results_of(store, run)))
    out = []
    for condition in [c for c in blocks[0] if c in blocks[1]]:
        a, b = (_vector(bl[condition]) for bl in blocks)
        out.append((condition, paired(a, b)))
    if not out:
        raise UserError(f"{run_a} and {run_b} share no condition to compare.")
    return out


# -- rendering


def _fmt(metric: str, value: float) -> str:
    return f"{value:.1f}" if metric.startswith(("pass_rate", "percent")) else f"{value:.4f}"


def markdown(board: dict[str, Any]) -> str:
    """The board as a Markdown table, best entry first, intervals in brackets."""
    metrics = list(dict.fromkeys(m for e in board["entries"] for m in e["metrics"]))
    head = ["#", "entry", *metrics, "problems", "deterministic", "harness", "added"]
    lines = [f"# {board['board']} (task {board['task']})", "", "| " + " | ".join(head) + " |"]
    lines.append("|" + "---|" * len(head))
    for rank, e in enumerate(board["entries"], 1):
        cells = []
        for m in metrics:
            value, interval = e["metrics"].get(m), e["intervals"].get(m)
            cell = "" if value is None else _fmt(m, value)
            if value is not None and interval:
                cell += f" [{_fmt(m, interval[0])}, {_fmt(m, interval[1])}]"
            cells.append(cell)
        commit = (e["provenance"].get("harness_commit") or "")[:8]
        row = [str(rank), e["label"], *cells, str(len(e["problems"])), "yes" if e["deterministic"] else "no"]
        lines.append("| " + " | ".join([*row, f"{e['provenance']['harness_version']} {commit}", e["added"]]) + " |")
    return "\n".join(lines) + "\n"


def render(directory: Path, names: list[str] | None = None) -> list[Path]:
    """Write ``<board>.md`` and ``<board>.html`` beside each board file; returns the paths written."""
    from harness.report import render_board_page

    written = []
    for name in names or board_names(directory):
        board = load_board(directory, name)
        board.setdefault("primary_metric", primary_metric(board))
        md, page = directory / f"{name}.md", directory / f"{name}.html"
        text = markdown(board)
        write_atomic(md, lambda f, text=text: f.write(text.encode()))
        page_text = render_board_page(board)
        write_atomic(page, lambda f, page_text=page_text: f.write(page_text.encode()))
        written += [md, page]
    if not written:
        raise UserError(f"no boards in {directory}.")
    return written
