"""One self-contained HTML page: inlined CSS and JS from ``assets/``, data as inert JSON.

Nothing on the page is fetched: no CDN, no font, no image URL, so it works opened from disk
and leaks nothing. Data travels in ``<script type="application/json">`` elements, which the
browser never runs; the page's JS parses them and inserts every value with ``textContent``.
"""

from __future__ import annotations

import html
import json
import math
from functools import cache
from importlib import resources
from typing import Any

import harness


@cache
def asset(name: str) -> str:
    """The text of ``harness/report/assets/<name>`` (package data, so it works from a wheel too)."""
    return resources.files("harness.report").joinpath("assets", name).read_text(encoding="utf-8")


def embed_json(data: Any) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element.

    The HTML parser ends a script element at the first ``</script`` whatever the quoting, and
    a ``<!--`` followed by ``<script`` makes it skip the real end tag; model outputs may hold
    either. Every ``</`` becomes ``<\\/`` and every ``<!--`` becomes ``\\u003c!--``: both are the
    same string to JSON.parse, and neither can end or hide the element's end tag."""
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:  # NaN or infinity somewhere (JSON.parse rejects them): null, as JSON has it
        text = json.dumps(finite(data), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # U+2028/2029 are valid in JSON strings and in HTML; escaping them anyway keeps the text valid JS too
    return (
        text.replace("</", "<\\/")
        .replace("<!--", "\\u003c!--")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def finite(value: Any) -> Any:
    """``value`` with every NaN and infinity replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def data_element(element_id: str, data: Any) -> str:
    return f'<script type="application/json" id="{element_id}">{embed_json(data)}</script>'


def page(title: str, css: list[str], scripts: list[str], data: dict[str, Any], trailing: dict[str, Any]) -> str:
    """The page: ``data`` elements before the code (it reads them at once), ``trailing`` ones after it
    (large documents read on demand, which the parser reaches after the table is drawn).

    The code runs in one function scope, in the order given, after the data it needs is parsed."""
    code = "(() => {\n'use strict';\n" + "\n".join(asset(s) for s in scripts) + "\n})();"
    style = "\n".join(asset(c) for c in css)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        # no network at all, even if a value were ever inserted as markup by mistake
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="harness {html.escape(harness.__version__)}">',
        f"<title>{html.escape(title)}</title>",
        f"<style>\n{style}\n</style>",
        "</head>",
        "<body>",
        '<noscript><p class="noscript">This report draws itself with JavaScript; enable it to read the page.'
        "</p></noscript>",
        '<main id="app"></main>',
        *(data_element(k, v) for k, v in data.items()),
        f"<script>\n{code}\n</script>",
        *(data_element(k, v) for k, v in trailing.items()),
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)
