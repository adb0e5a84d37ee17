"""Reports of real runs in Chromium, opened from disk: rows, plots, filters, lazy details,
hostile samples shown as text, nothing fetched, no errors, a screenshot that is not blank."""

from __future__ import annotations

import pytest
from report_helpers import HOSTILE, Opened, assert_not_blank

from harness.report import write_report
from harness.store import RunStore

pytestmark = pytest.mark.sandbox


@pytest.fixture
def opened(browser):
    pages: list[Opened] = []

    def open_report(path, fragment=""):
        pages.append(Opened(browser, path, fragment=fragment))
        return pages[-1]

    yield open_report
    for p in pages:
        p.check_clean()
        p.close()


def test_mbpp_report(tmp_path, browser, opened, mbpp_run):
    page = opened(write_report([mbpp_run], tmp_path / "r.html"))
    pg = page.page
    assert pg.locator("#problems .row").count() == 16 == page.visible_rows()
    assert (
        pg.locator("#plots svg.bars .errbar").count() >= 1
        and pg.locator("#plots svg.stacked rect.segment").count() == 1
    )
    assert pg.get_attribute("body", "data-parsed") is None  # no row's samples parsed yet
    # the status filter offers the statuses the run has
    assert pg.locator("#filter-status option").all_text_contents() == ["status: all", "pass"]
    pg.select_option("#filter-status", "pass")
    assert page.visible_rows() == 16
    pg.fill("#search", "17")
    assert page.visible_rows() == 1
    pg.fill("#search", "no such problem")
    assert page.visible_rows() == 0 and pg.text_content("#row-count") == "0 of 16 rows"
    pg.fill("#search", "")
    # a row opens onto its sample: prompt, answer, candidate, tests, static metrics
    record = {r.problem_id: r for r in RunStore.open(mbpp_run).samples()}["6"]
    row = pg.locator("#problems .row", has=pg.locator(".pid", has_text="6")).first
    row.click()
    assert pg.get_attribute("body", "data-parsed") == row.get_attribute("data-index")  # that row's alone
    detail = pg.locator(".detail:visible")
    assert detail.count() == 1 and row.get_attribute("aria-expanded") == "true"
    codes = detail.locator("pre.code").all_text_contents()
    assert record.turns[0].candidate in codes and record.turns[0].generation.text in codes
    assert detail.locator("table.tests tbody tr").count() == len(record.turns[0].result.tests)
    detail.locator("summary", has_text="Prompt").click()
    texts = detail.locator(".message pre").all_text_contents()
    assert texts == [m.content for m in record.turns[0].messages]
    # sorting by a header reverses the problem order
    first = pg.locator("#problems .row .pid").first.text_content()
    pg.click("[data-column=problem] button")
    pg.click("[data-column=problem] button")
    assert pg.locator("#problems .row .pid").first.text_content() != first == "5"
    assert pg.evaluate("location.hash") == "#problem=6&condition="  # the open row is in the address
    assert_not_blank(browser, page, tmp_path / "mbpp.png")


def test_a_link_opens_its_row(tmp_path, opened, mbpp_run):
    page = opened(write_report([mbpp_run], tmp_path / "r.html"), fragment="#problem=17&condition=")
    page.page.wait_for_selector(".detail")
    assert page.page.locator(".row[aria-expanded=true] .pid").all_text_contents() == ["17"]


def test_hostile_samples_render_as_text(tmp_path, opened, hostile_run):
    page = opened(write_report([hostile_run], tmp_path / "r.html"))
    pg = page.page
    title = pg.title()
    for row in pg.locator("#problems .row").all():
        row.click()
    pg.wait_for_timeout(200)
    assert pg.title() == title and pg.locator("img").count() == 0
    answers = "\n".join(pg.locator(".detail pre.code").all_text_contents())
    assert all(h in answers for h in HOSTILE[:3])
    assert pg.locator("script").count() == 3 + 2  # the page's own: data, code, strings, one per row


def test_sweep_report(tmp_path, opened, sweep_run):
    page = opened(write_report([sweep_run], tmp_path / "r.html"))
    pg = page.page
    assert page.visible_rows() == 12
    # pass@1 and the five NIR-table columns, one line each
    assert pg.locator(".sweep svg.lines").count() == 6 and pg.locator(".sweep .sweep-line").count() == 6
    harness_dots = pg.locator(".sweep circle title").all_text_contents()
    pg.select_option("#nir-defs", "paper")
    assert pg.locator(".sweep .sweep-line").count() == 6
    assert pg.locator(".sweep circle title").all_text_contents() != harness_dots
    assert pg.locator("#plots svg.bars").first.locator(".errbar").count() == 3  # pass@1 per condition
    pg.select_option("#filter-condition", "layer=23")
    assert page.visible_rows() == 4
    pg.locator(".row:visible").first.click()
    assert pg.locator(".detail:visible").count() == 1
    pg.locator(".detail summary", has_text="Generation extras").click()
    assert "thinking" in pg.locator(".detail table.kv").first.text_content()


def test_polyglot_report(tmp_path, opened, polyglot_run):
    page = opened(write_report([polyglot_run], tmp_path / "r.html"))
    pg = page.page
    assert page.visible_rows() == 7
    tries = pg.locator("figure.chart", has_text="try 1 and try 2")
    assert tries.count() == 1 and tries.locator(".errbar").count() == 2 * 7  # all + six languages, two tries
    assert pg.locator("figure.chart", has_text="per language").locator(".errbar").count() == 6
    pg.select_option("#filter-language", "python")
    assert page.visible_rows() == 2
    pg.locator(".row:visible").first.click()
    detail = pg.locator(".detail:visible")
    assert detail.locator("summary", has_text="Extracted candidate: 1 file").count() == 1
    detail.locator("summary", has_text="Captured output").click()
    assert detail.locator(".step").count() >= 1


def test_lcb_report(tmp_path, opened, lcb_run):
    page = opened(write_report([lcb_run], tmp_path / "r.html"))
    pg = page.page
    modes = pg.locator("figure.chart", has_text="per grading mode")
    assert modes.locator(".legend-item").all_text_contents() == ["strict", "upstream"]
    assert modes.locator(".errbar").count() == 2
    assert pg.locator("figure.chart", has_text="per difficulty").locator(".errbar").count() == 3
    pg.select_option("#filter-difficulty", "hard")
    assert page.visible_rows() == 2
    pg.select_option("#filter-platform", "atcoder")
    assert page.visible_rows() == 1
    pg.select_option("#filter-difficulty", "")
    pg.select_option("#filter-platform", "")
    pg.check("#filter-modes")
    assert page.visible_rows() == 0  # the modes agree on every bundled solution
    pg.uncheck("#filter-modes")
    pg.locator("#problems .row").first.click()
    assert pg.locator(".detail summary", has_text="Grading mode upstream: pass").count() == 1


def test_two_runs_report(tmp_path, opened, mbpp_run, hostile_run):
    page = opened(write_report([mbpp_run, hostile_run], tmp_path / "r.html"))
    pg = page.page
    assert pg.locator("[data-column^='run:']").count() == 2
    assert pg.locator("#comparison table").count() == 2
    pg.check("#filter-differs")
    assert page.visible_rows() == 16  # every problem: 14 only in A, 2 where B failed a sample
    pg.select_option("#filter-status", "syntax_error")
    assert page.visible_rows() == 2
    pg.locator(".row:visible").first.click()
    assert pg.locator(".detail:visible .run-samples").count() == 2
