"""Pulling a program out of a model's answer."""

from __future__ import annotations

import re

from harness import pyast

_FENCE = re.compile(r"^[ \t]*```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)(?:^[ \t]*```|\Z)", re.S | re.M)


def extract_code(answer: str, language: str = "python") -> str | None:
    """The first fenced block tagged ``language`` (or untagged), else the first fenced
    block, else the whole answer when there is no fence at all. An unclosed fence runs
    to the end. None when nothing but whitespace is left."""
    text = answer.replace("\r\n", "\n")
    blocks = [(m.group(1).lower(), m.group(2)) for m in _FENCE.finditer(text)]
    if blocks:
        aliases = {language, "", "py", "python3"} if language == "python" else {language, ""}
        code = next((body for tag, body in blocks if tag in aliases), blocks[0][1])
    else:
        code = text
    return code if code.strip() else None


def parses(code: str) -> bool:
    """Whether ``code`` is valid Python for this interpreter's parser."""
    try:
        pyast.parse(code)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
