"""The leaderboard page in Chromium: ranked rows, sorting, filtering, intervals, provenance."""

from __future__ import annotations

import pytest
from report_helpers import HOSTILE, Opened, assert_not_blank

from harness.report import render_board_page


def entry(label: str, key: str, pass1: float, ci: list[float], rate2: float | None, rate2_ci=None, model="m") -> dict:
    metrics, intervals = {"pass@1": pass1}, {"pass@1": ci}
    if rate2 is not None:
        metrics["pass_rate_2"] = rate2
    if rate2_ci:
        intervals["pass_rate_2"] = rate2_ci
    return {
        "key": key * 64,
        "label": label,
        "run_id": f"20261202-run-{label}",
        "added": "2026-12-02",
        "deterministic": label != "sampled",
        "provenance": {
            "task": "polyglot-demo",
            "dataset_sha256": "d" * 64,
            "generator": "nir",
            "generator_params": {"layers": [23], "temperature": 0.7 if label == "sampled" else 0.0},
            "model": model,
            "model_revision": None,
            "prompt_templates": {"polyglot-diff": "e" * 64},
            "harness_version": "0.1.0",
            "harness_commit": "f" * 40,
            "sandbox_images": {"python": "sha256:" + "1" * 64},
            "grading_mode": "polyglot",
        },
        "metrics": metrics,
        "intervals": intervals,
        "problems": {"python/a": [1, 1], "go/b": [1, 0], "rust/c": [1, int(pass1 > 0.5)]},
    }


BOARD = {
    "schema_version": 1,
    "board": "polyglot-demo",
    "task": "polyglot-demo",
    "primary_metric": "pass@1",
    "entries": [
        entry("reference", "a", 1.0, [0.65, 1.0], 100.0, [64.6, 100.0], model="replay"),
        entry("sampled", "b", 0.43, [0.1, 0.8], 42.9, [15.8, 75.0], model="Llama-3.1-8B"),
        entry(HOSTILE[0], "c", 0.71, [0.3, 1.0], 71.4, None, model=HOSTILE[2]),
        entry("no-rate", "d", 0.0, [0.0, 0.35], None, model="tiny"),
    ],
}


@pytest.fixture
def board_page(tmp_path, browser):
    path = tmp_path / "board.html"
    path.write_text(render_board_page(BOARD), encoding="utf-8")
    page = Opened(browser, path)
    yield page
    page.check_clean()
    page.close()


def labels(page) -> list[str]:
    return page.page.locator("tr.row:visible td.label").all_text_contents()


def test_board_ranks_sorts_and_filters(tmp_path, browser, board_page):
    pg = board_page.page
    assert labels(board_page) == ["reference", HOSTILE[0], "sampled", "no-rate"]  # best pass@1 first
    assert pg.locator("tr.row td.rank").all_text_contents() == ["1", "2", "3", "4"]
    assert pg.title() == "leaderboard: polyglot-demo" and pg.locator("img").count() == 0
    # every metric is a column; an interval bar wherever the entry has an interval
    assert pg.locator("th button").all_text_contents()[:4] == ["#", "entry", "pass@1", "pass_rate_2"]
    assert pg.locator("td.metric.primary svg.cibar").count() == 4
    assert pg.locator("td.metric:not(.primary) svg.cibar").count() == 2
    assert "[64.6, 100.0]" in pg.locator("tr.row").first.text_content()  # percent, not fraction
    pg.click("th[data-column=label] button")
    assert labels(board_page) == sorted(labels(board_page), key=str.lower)
    pg.click("th[data-column=label] button")
    assert labels(board_page) == sorted(labels(board_page), key=str.lower, reverse=True)
    pg.click("th[data-column='m:pass_rate_2'] button")  # descending first; the entry without it stays last
    assert labels(board_page) == ["reference", HOSTILE[0], "sampled", "no-rate"]
    pg.fill("#filter", "llama")
    assert labels(board_page) == ["sampled"] and pg.text_content("#row-count") == "1 of 4 entries"
    pg.fill("#filter", "")
    assert len(labels(board_page)) == 4
    assert_not_blank(browser, board_page, tmp_path / "board.png")


def test_board_row_opens_its_provenance(board_page):
    pg = board_page.page
    row = pg.locator("tr.row", has_text="sampled")
    row.click()
    detail = pg.locator("tr.detail:visible")
    assert detail.count() == 1 and row.get_attribute("aria-expanded") == "true"
    text = detail.text_content()
    assert "generator_params.temperature" in text and "0.7" in text and "sha256:" + "1" * 64 in text
    assert "Problems: 1 of 3 solved at least once" in text
    row.click()
    assert pg.locator("tr.detail:visible").count() == 0
