"""Prompt templates: TOML files of our own wording, replaceable by the user's.

A template has ``name``, ``shots`` (problem ids shown as solved examples), an optional
``system`` message, a ``user`` message and an ``assistant`` answer format (Python
``str.format`` fields from the problem), and a ``prefill`` the answer starts with.
The run records the template's name, path and sha256.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import UserError

TEMPLATES_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Template:
    name: str
    path: Path
    sha256: str
    shots: list[int]
    system: str
    user: str
    assistant: str
    prefill: str

    def record(self) -> dict[str, Any]:
        """What a run records about the template."""
        builtin = self.path.parent == TEMPLATES_DIR
        return {"name": self.name, "file": self.path.name if builtin else str(self.path), "sha256": self.sha256}


def load_template(name_or_path: str) -> Template:
    """A bundled template by name (``mbpp-3shot``) or a TOML file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = TEMPLATES_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        bundled = ", ".join(sorted(p.stem for p in TEMPLATES_DIR.glob("*.toml")))
        raise UserError(f"Prompt template {name_or_path!r} not found; bundled templates: {bundled}.")
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"Prompt template {path} is not valid TOML: {exc}.") from None
    missing = [k for k in ("user", "assistant") if not isinstance(data.get(k), str)]
    if missing:
        raise UserError(f"Prompt template {path} lacks the string field(s): {', '.join(missing)}.")
    return Template(
        name=str(data.get("name", path.stem)),
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        shots=[int(x) for x in data.get("shots", [])],
        system=str(data.get("system", "")),
        user=data["user"],
        assistant=data["assistant"],
        prefill=str(data.get("prefill", "")),
    )


def fill(template: str, fields: dict[str, str], where: Path) -> str:
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError) as exc:
        raise UserError(f"Prompt template {where} uses an unknown field or bad braces: {exc}.") from None
