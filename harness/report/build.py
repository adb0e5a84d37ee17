"""``harness report``: runs as one static HTML file, and a leaderboard as one page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.errors import UserError
from harness.report.data import load_run, report_data
from harness.report.html import page
from harness.store import write_atomic

REPORT_SCRIPTS = ["common.js", "report.js"]
BOARD_SCRIPTS = ["common.js", "board.js"]
CSS = ["report.css"]


def render_report(run_dirs: list[Path]) -> str:
    """The report page of one or more runs (several runs: side by side, compared with the first)."""
    if not run_dirs:
        raise UserError("harness report needs at least one run directory.")
    runs = [load_run(Path(d)) for d in run_dirs]
    summary, details = report_data(runs)
    names = ", ".join(r.run["run_id"] for r in runs)
    # each row's samples in an element of its own: opening a row parses that row alone, and the
    # parser can paint between elements (one multi-megabyte element would hold the first paint back)
    trailing = {"strings": details["strings"], **{f"row-{i}": row for i, row in enumerate(details["rows"])}}
    return page(f"harness report: {names}", CSS, REPORT_SCRIPTS, {"data": summary}, trailing)


def write_report(run_dirs: list[Path], out: Path) -> Path:
    """Write the report of ``run_dirs`` to ``out`` atomically (a reader never sees half a file); returns ``out``."""
    out = Path(out)
    if out.is_dir():
        raise UserError(f"Cannot write the report: {out} is a directory; name the file, e.g. {out / 'report.html'}.")
    if not out.parent.is_dir():
        raise UserError(f"Cannot write the report: {out.parent} is not a directory.")
    text = render_report(run_dirs)
    write_atomic(out, lambda f: f.write(text.encode("utf-8")))
    return out


def render_board_page(board: dict[str, Any]) -> str:
    """The leaderboard page: entries sortable and filterable, each metric with its interval,
    each row opening onto its provenance.

    ``board``: {``board``, ``task``, ``primary_metric``, ``entries``: [{``key``, ``label``, ``run_id``,
    ``added``, ``deterministic``, ``condition`` (optional), ``provenance`` {...}, ``metrics`` {name:
    value}, ``intervals`` {name: [low, high]}, ``problems`` {problem_id: [n, c]}}]}. Every metric is
    a column; ``pass_rate_*`` and ``percent_*`` are percentages (0-100), the others fractions."""
    if not isinstance(board, dict) or not isinstance(board.get("entries"), list):
        raise UserError("A leaderboard must be a JSON object with a list of entries.")
    title = f"leaderboard: {board.get('board') or board.get('task') or 'unnamed'}"
    return page(title, CSS, BOARD_SCRIPTS, {"data": board}, {})
