"""Static HTML reports: ``write_report`` (runs, one file) and ``render_board_page`` (a leaderboard).

Each page is one self-contained file: CSS and JS from ``assets/`` inlined, the data embedded as
JSON, nothing fetched, so it opens from disk and can be mailed or archived beside the run.
"""

from harness.report.build import render_board_page, render_report, write_report

__all__ = ["render_board_page", "render_report", "write_report"]
