"""Static HTML reports: ``write_report`` (runs, one file) and ``render_board_page`` (a leaderboard).

Each page is one self-contained file: CSS and JS from ``assets/`` inlined, the data embedded as
JSON, nothing fetched, so it opens from disk and can be mailed or archived beside the run.
"""

from harness.report.build import render_board_page, render_report, write_report

# How our tests and benchmarks open these pages in Debian's headless Chromium: as root without its
# sandbox, no GPU, and nothing that reaches for the network (this machine has none to reach).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

__all__ = ["CHROMIUM_ARGS", "render_board_page", "render_report", "write_report"]
