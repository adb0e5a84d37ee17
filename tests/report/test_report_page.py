"""The page itself, without runs or a browser: escaping of embedded data, self-containment,
the leaderboard page, and the errors a user can make."""

from __future__ import annotations

import json
import re

import pytest
from report_helpers import HOSTILE, documents, parse_page

from harness.errors import UserError
from harness.report import render_board_page, write_report
from harness.report.data import flatten
from harness.report.html import asset, embed_json, page


def board(entries=None) -> dict:
    entry = {
        "key": "a" * 64,
        "label": "reference",
        "run_id": "r1",
        "added": "2026-12-02",
        "deterministic": True,
        "provenance": {"task": "mbpp-demo", "generator": "reference", "generator_params": {"temperature": 0.0}},
        "metrics": {"pass@1": 0.5},
        "intervals": {"pass@1": [0.3, 0.7]},
        "problems": {"5": [1, 1], "6": [1, 0]},
    }
    return {
        "schema_version": 1,
        "board": "b",
        "task": "mbpp-demo",
        "primary_metric": "pass@1",
        "entries": entries or [entry],
    }


@pytest.mark.parametrize("text", HOSTILE + ["</script", "<\\/script>", "a</b", "<!-- -->", '"\\u003c"'])
def test_embedded_json_cannot_end_or_hide_its_element(text):
    embedded = embed_json({"answer": text, "nested": [text, {"k": text}]})
    assert "</" not in embedded and "<!--" not in embedded
    assert json.loads(embedded) == {"answer": text, "nested": [text, {"k": text}]}
    html = page("t", ["report.css"], [], {"data": {"answer": text}}, {"details": [text]})
    parsed = parse_page(html)
    # exactly the three scripts the page is made of, the data intact inside them
    assert [a.get("id") or a.get("type", "code") for a, _ in parsed.scripts] == ["data", "code", "details"]
    assert documents(html) == {"data": {"answer": text}, "details": [text]}
    assert "img" not in parsed.tags


def test_embedded_json_has_no_nan():
    """JSON.parse refuses NaN and Infinity, which Python's json writes; they become null."""
    assert json.loads(embed_json({"x": float("nan"), "y": [float("inf"), 1.5], "z": (2,)})) == {
        "x": None,
        "y": [None, 1.5],
        "z": [2],
    }


def test_assets_fetch_nothing():
    """No URL the browser would load: no CDN script, stylesheet, font, image or import."""
    for name in ("common.js", "report.js", "board.js", "report.css"):
        text = asset(name)
        urls = set(re.findall(r"https?://[^\s'\"`)]+", text))
        assert urls <= {"http://www.w3.org/2000/svg"}, (name, urls)  # the SVG namespace names, never fetches
        assert not re.search(r"@import|url\(|fetch\(|XMLHttpRequest|innerHTML|outerHTML|insertAdjacentHTML", text), name


def test_board_page_is_self_contained():
    html = render_board_page(board())
    assert "<link" not in html and " src=" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert documents(html)["data"] == board()
    assert "function sortableHeaders" in html  # the code is inlined, not referenced


def test_board_page_escapes_hostile_labels():
    entry = board()["entries"][0] | {"label": HOSTILE[0], "provenance": {"model": HOSTILE[1]}}
    html = render_board_page(board([entry]))
    assert documents(html)["data"]["entries"][0]["label"] == HOSTILE[0]
    assert len(parse_page(html).scripts) == 2


def test_board_page_refuses_a_document_without_entries():
    with pytest.raises(UserError, match="list of entries"):
        render_board_page({"board": "b"})


def test_write_report_refuses_what_is_not_a_run(tmp_path):
    with pytest.raises(UserError, match="no such directory"):
        write_report([tmp_path / "missing"], tmp_path / "r.html")
    with pytest.raises(UserError, match="not a run directory"):
        write_report([tmp_path], tmp_path / "r.html")
    (tmp_path / "run.json").write_text("{not json")
    with pytest.raises(UserError, match="Cannot read"):
        write_report([tmp_path], tmp_path / "r.html")
    (tmp_path / "run.json").write_text('{"hello": 1}')
    with pytest.raises(UserError, match="not a harness run record"):
        write_report([tmp_path], tmp_path / "r.html")
    with pytest.raises(UserError, match="at least one"):
        write_report([], tmp_path / "r.html")
    with pytest.raises(UserError, match="is a directory"):
        write_report([tmp_path], tmp_path)
    with pytest.raises(UserError, match="not a directory"):
        write_report([tmp_path], tmp_path / "missing" / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_flatten_summarises_long_lists_and_skips_keys():
    rows = flatten(
        {"task": {"problem_ids": [str(i) for i in range(500)], "name": "mbpp"}, "options": {"x": 1}},
        skip=frozenset({("options",)}),
    )
    assert rows == [["task.problem_ids", "500 items: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …"], ["task.name", "mbpp"]]
    assert flatten({"a": {"b": None, "c": [1, 2]}, "d": [{"e": 1}]}) == [
        ["a.b", "null"],
        ["a.c", "1 2"],
        ["d", '[{"e": 1}]'],
    ]
