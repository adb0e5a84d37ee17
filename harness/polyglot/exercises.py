"""Polyglot exercises: one exercise directory of a benchmark checkout (or of our demo set), read
into memory and validated, with its reference solution mapped onto the files the model edits."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from harness.errors import UserError


@dataclass(frozen=True)
class Exercise:
    """One exercise: its files, which of them the model edits, which are tests, and the reference."""

    id: str  # "<language>/<slug>", e.g. "rust/forth"
    language: str  # cpp | go | java | javascript | python | rust
    slug: str
    files: dict[str, bytes]  # relative posix path -> bytes; .meta/, .docs/, .approaches/, .articles/, .git* left out
    modes: dict[str, int]  # same keys: permission bits (0o755 for gradlew etc.)
    solution: tuple[str, ...]  # files the model may edit: files.solution minus Cargo.toml/CMakeLists.txt
    tests: tuple[str, ...]  # files.test
    editor: tuple[str, ...]  # files.editor: helpers the tests need; never shown, never editable
    example: dict[str, str]  # reference solution, keyed by the solution path it replaces
    instructions: str  # .docs introduction.md + instructions.md + instructions.append.md


LANGUAGES = ("cpp", "go", "java", "javascript", "python", "rust")
PINNED_COMMIT = "7e0611e"  # Aider-AI/polyglot-benchmark, the 225 exercises of the leaderboard
GET_IT = (
    f"git clone https://github.com/Aider-AI/polyglot-benchmark && git -C polyglot-benchmark checkout {PINNED_COMMIT}"
)
HIDDEN_DIRS = (".meta", ".docs", ".approaches", ".articles")  # never in the tree: references and write-ups
NOT_EDITABLE = ("CMakeLists.txt", "Cargo.toml")  # solution files Aider never shows the model
DOCS = ("introduction.md", "instructions.md", "instructions.append.md")


def exercise_dirs(root: Path, languages: Sequence[str] = LANGUAGES) -> list[tuple[str, Path]]:
    """(language, directory) of every exercise under a checkout, sorted by id."""
    found = []
    for language in languages:
        practice = root / language / "exercises" / "practice"
        if practice.is_dir():
            found += [(language, d) for d in sorted(practice.iterdir()) if (d / ".meta" / "config.json").is_file()]
    return found


def load_exercises(root: Path, languages: Sequence[str] = LANGUAGES) -> list[Exercise]:
    """Every exercise of a Polyglot checkout (or of a directory in its layout), sorted by id."""
    if not root.is_dir():
        raise UserError(f"Polyglot data not found at {root}; get the benchmark with `{GET_IT}` and pass --data.")
    exercises = [read_exercise(language, directory) for language, directory in exercise_dirs(root, languages)]
    if not exercises:
        raise UserError(
            f"No Polyglot exercises under {root} (expected <language>/exercises/practice/<slug>/.meta/config.json); "
            f"get the benchmark with `{GET_IT}`."
        )
    return exercises


def read_exercise(language: str, directory: Path) -> Exercise:
    """One exercise directory, validated against its .meta/config.json."""
    config_path = directory / ".meta" / "config.json"
    try:
        listed = json.loads(config_path.read_text())["files"]
        solution, tests = list(listed["solution"]), list(listed["test"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(f"{config_path}: not a valid exercise config ({type(exc).__name__}: {exc}).") from None
    files, modes = _read_tree(directory)
    for path in [*solution, *tests, *listed.get("editor", [])]:
        if path not in files:
            raise UserError(f"{config_path}: lists {path!r}, which the exercise does not have.")
    editable = tuple(p for p in solution if PurePosixPath(p).name not in NOT_EDITABLE)
    example = _example(directory, listed.get("example", []), editable, listed.get("editor", []))
    docs = [directory / ".docs" / name for name in DOCS]
    return Exercise(
        id=f"{language}/{directory.name}",
        language=language,
        slug=directory.name,
        files=files,
        modes=modes,
        solution=editable,
        tests=tuple(tests),
        editor=tuple(listed.get("editor", [])),
        example=example,
        instructions="\n".join(p.read_text() for p in docs if p.is_file()),
    )


def _read_tree(directory: Path) -> tuple[dict[str, bytes], dict[str, int]]:
    files, modes = {}, {}
    for path in sorted(directory.rglob("*")):
        rel = path.relative_to(directory)
        if rel.parts[0] in HIDDEN_DIRS or rel.parts[0].startswith(".git") or path.is_symlink() or not path.is_file():
            continue
        files[rel.as_posix()] = path.read_bytes()
        modes[rel.as_posix()] = path.stat().st_mode & 0o777
    return files, modes


def _example(directory: Path, paths: Sequence[str], solution: Sequence[str], editor: Sequence[str]) -> dict[str, str]:
    """The reference files, keyed by the solution path each replaces: the solution file of the same
    name, else the only one of the same suffix that no other reference file names, else a new file
    beside the first solution file. A reference copy of an editor file is left out (the tree has it)."""
    sources = [PurePosixPath(p) for p in paths if PurePosixPath(p).name not in {PurePosixPath(e).name for e in editor}]
    named = {PurePosixPath(s).name: s for s in solution}
    free = [s for s in solution if PurePosixPath(s).name not in {src.name for src in sources}]
    example = {}
    for source in sources:
        same_suffix = [s for s in free if PurePosixPath(s).suffix == source.suffix]
        if source.name in named:
            target = named[source.name]
        elif len(same_suffix) == 1:
            target = same_suffix[0]
            free.remove(target)
        else:
            target = str(PurePosixPath(solution[0]).parent / source.name) if solution else source.name
        example[target] = (directory / source).read_text()
    return example


def checkout_commit(root: Path) -> str | None:
    """The git commit of a checkout, or None when it is not a git work tree."""
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def exercises_digest(exercises: Sequence[Exercise]) -> str:
    """sha256 over every exercise's id, files and reference, in id order: the dataset's identity."""
    digest = hashlib.sha256()
    for exercise in sorted(exercises, key=lambda e: e.id):
        digest.update(exercise.id.encode() + b"\0" + exercise.instructions.encode() + b"\0")
        for path, data in sorted(exercise.files.items()):
            digest.update(path.encode() + b"\0" + data + b"\0")
        for path, text in sorted(exercise.example.items()):
            digest.update(path.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()
