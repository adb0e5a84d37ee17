"""Helpers of the report tests: reading a page's embedded documents back, and driving Chromium."""

from __future__ import annotations

import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

HOSTILE = [
    "</script><script>document.title = 'pwned'</script>",
    "<!--<script>",
    "<img src=x onerror=\"document.title = 'pwned'\">",
    "</SCRIPT >\u2028\u2029",
]


class Scripts(HTMLParser):
    """Every element the HTML parser sees, and the text of each script element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.tags: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def parse_page(text: str) -> Scripts:
    parser = Scripts()
    parser.feed(text)
    parser.close()
    return parser


def documents(text: str) -> dict[str, Any]:
    """The page's JSON documents by element id, parsed as the page's JS parses them."""
    return {
        attrs["id"]: json.loads(body)
        for attrs, body in parse_page(text).scripts
        if attrs.get("type") == "application/json"
    }


def details(docs: dict[str, Any]) -> dict[str, Any]:
    """The report's sample details, reassembled: the string table and every row's samples in order."""
    rows = sorted((int(k.removeprefix("row-")), v) for k, v in docs.items() if k.startswith("row-"))
    assert [i for i, _ in rows] == list(range(len(rows)))
    return {"strings": docs["strings"], "rows": [v for _, v in rows]}


def chromium_or_skip():
    """Playwright's sync API and Debian's chromium, or a skip that says which is missing (a failure on CI)."""
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "playwright is not installed (pip install playwright; the dev extra has it)"
        sync_playwright = None
    executable = shutil.which("chromium")
    if reason is None and executable is None:
        reason = "no chromium on PATH (apt-get install chromium)"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the browser tests: {reason}")
        pytest.skip(reason)
    return sync_playwright, executable


class Opened:
    """A page opened from disk, with every request, console message and page error it made."""

    def __init__(self, browser, path: Path, viewport=(1280, 900), fragment: str = ""):
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        self.page.set_default_timeout(10_000)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on(
            "console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))
        self.page.goto(path.resolve().as_uri() + fragment)
        self.page.wait_for_selector("body[data-ready=true]", timeout=10_000)

    def visible_rows(self) -> int:
        return self.page.locator(".row:visible").count()

    def check_clean(self) -> None:
        """Nothing left file:// (no network, no CDN) and nothing went wrong in the page."""
        assert self.errors == []
        assert self.requests and all(u.startswith(("file:", "data:")) for u in self.requests), self.requests

    def close(self) -> None:
        self.page.close()


def distinct_colours(browser, png: bytes) -> int:
    """Distinct pixel colours of a PNG screenshot, decoded by a canvas in a blank page (no Pillow needed)."""
    import base64

    page = browser.new_page()
    try:
        url = "data:image/png;base64," + base64.b64encode(png).decode()
        return page.evaluate(
            """async (url) => {
                const img = new Image();
                img.src = url;
                await img.decode();
                const canvas = document.createElement('canvas');
                canvas.width = img.width; canvas.height = img.height;
                const ctx = canvas.getContext('2d');
                ctx.drawImage(img, 0, 0);
                const data = ctx.getImageData(0, 0, img.width, img.height).data;
                const seen = new Set();
                for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
                return seen.size;
            }""",
            url,
        )
    finally:
        page.close()


def assert_not_blank(browser, opened: Opened, out: Path) -> None:
    """A screenshot of the page has real content: many colours, and far more bytes than a blank page's."""
    shot = opened.page.screenshot(path=str(out))
    blank = browser.new_page(viewport=opened.page.viewport_size)
    try:
        blank_shot = blank.screenshot()
    finally:
        blank.close()
    assert len(shot) > 5 * len(blank_shot)
    assert distinct_colours(browser, shot) > 50
