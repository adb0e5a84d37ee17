"""Shared by the recipe tests: a small in-memory exercise, the canary name they use, and report
bytes no parser may choke on (each test module adds its framework's own malformed shapes)."""

from __future__ import annotations

from harness.polyglot.exercises import Exercise

CANARY = "harness_canary_00ff00ff00ff"
GARBAGE = [
    b"",
    b"\x00\xff\xfe garbage \x80",
    b"<" * 1000,
    b"{" * 1000 + b"\n" + b"[1,2]\nnull\n",
    b"[" * 100_000 + b"\n",  # deeper than any recursive parser goes
    "é€𝄞".encode(),
]


def exercise(language: str, files: dict[str, str], tests: tuple[str, ...], solution: tuple[str, ...]) -> Exercise:
    """An exercise ``<language>/demo`` made of ``files`` (text, mode 644)."""
    data = {path: text.encode() for path, text in files.items()}
    return Exercise(
        id=f"{language}/demo",
        language=language,
        slug="demo",
        files=data,
        modes={path: 0o644 for path in data},
        solution=solution,
        tests=tests,
        editor=(),
        example={},
        instructions="",
    )
