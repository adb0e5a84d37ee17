"""TOML prompt templates of our own wording, by bundled name or by file path.

Tasks (``harness/tasks/templates``) and generators (``harness/generators/templates``)
keep their templates apart; both read them here. A run records each template's
name, file and sha256.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import UserError


@dataclass(frozen=True)
class TemplateFile:
    name: str
    path: Path
    sha256: str
    data: dict[str, Any]
    builtin: bool

    def record(self) -> dict[str, Any]:
        """What a run records about the template."""
        return {"name": self.name, "file": self.path.name if self.builtin else str(self.path), "sha256": self.sha256}


def read_template(name_or_path: str, directory: Path, required: tuple[str, ...]) -> TemplateFile:
    """A bundled template by name (a file in ``directory``) or a TOML file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = directory / f"{name_or_path}.toml"
    if not path.is_file():
        bundled = ", ".join(sorted(p.stem for p in directory.glob("*.toml")))
        raise UserError(f"Prompt template {name_or_path!r} not found; bundled templates: {bundled}.")
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"Prompt template {path} is not valid TOML: {exc}.") from None
    missing = [k for k in required if not isinstance(data.get(k), str)]
    if missing:
        raise UserError(f"Prompt template {path} lacks the string field(s): {', '.join(missing)}.")
    name = str(data.get("name", path.stem))
    return TemplateFile(name, path, hashlib.sha256(raw).hexdigest(), data, path.parent == directory)


def fill(template: str, fields: dict[str, str], where: Path) -> str:
    """``template.format(**fields)``; a bad field or brace is the template's user error."""
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError) as exc:
        raise UserError(f"Prompt template {where} uses an unknown field or bad braces: {exc}.") from None
