"""Prompt templates: TOML files of our own wording, replaceable by the user's.

A template has ``name``, ``shots`` (problem ids shown as solved examples), an optional
``system`` message, a ``user`` message and an ``assistant`` answer format (Python
``str.format`` fields from the problem), and a ``prefill`` the answer starts with.
The run records the template's name, path and sha256.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.templates import TemplateFile, fill, read_template

__all__ = ["Template", "fill", "load_template", "TEMPLATES_DIR"]

TEMPLATES_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Template:
    file: TemplateFile
    shots: list[int]
    system: str
    user: str
    assistant: str
    prefill: str

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def path(self) -> Path:
        return self.file.path

    def record(self) -> dict[str, Any]:
        """What a run records about the template."""
        return self.file.record()


def load_template(name_or_path: str) -> Template:
    """A bundled template by name (``mbpp-3shot``) or a TOML file by path."""
    t = read_template(name_or_path, TEMPLATES_DIR, ("user", "assistant"))
    return Template(
        file=t,
        shots=[int(x) for x in t.data.get("shots", [])],
        system=str(t.data.get("system", "")),
        user=t.data["user"],
        assistant=t.data["assistant"],
        prefill=str(t.data.get("prefill", "")),
    )
