"""Reading Polyglot exercises: the bundled demo, the real checkout (when ../shared or a clone is
there), and the mistakes a user makes with --data."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from harness.errors import UserError
from harness.polyglot.exercises import LANGUAGES, exercises_digest, load_exercises, read_exercise

DEMO = Path(__file__).resolve().parents[2] / "harness" / "tasks" / "data" / "polyglot_demo"
REAL = Path(os.environ.get("HARNESS_POLYGLOT", Path(__file__).resolve().parents[3] / "polyglot-benchmark"))


def test_the_demo_has_every_language_in_the_real_layout():
    exercises = load_exercises(DEMO)
    assert {e.language for e in exercises} == set(LANGUAGES)
    for e in exercises:
        assert e.id == f"{e.language}/{e.slug}"
        assert e.solution and e.tests and e.instructions.strip()
        assert set(e.example) <= set(e.solution) | {p for p in e.example if p not in e.files}
        assert not any(p.startswith((".meta/", ".docs/")) for p in e.files)  # references never enter the tree


def test_build_files_are_never_editable():
    cpp = next(e for e in load_exercises(DEMO, ["cpp", "rust"]) if e.language == "cpp")
    rust = next(e for e in load_exercises(DEMO, ["rust"]))
    assert "CMakeLists.txt" in cpp.files and "CMakeLists.txt" not in cpp.solution
    assert rust.solution == ("src/lib.rs",) and "Cargo.toml" in rust.files


def test_editor_files_are_in_the_tree_but_not_editable():
    go = load_exercises(DEMO, ["go"])[0]
    assert go.editor and set(go.editor) <= set(go.files)
    assert not set(go.editor) & set(go.solution)


def test_the_digest_changes_with_any_file(tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(DEMO, root)
    before = exercises_digest(load_exercises(root))
    stub = root / "python" / "exercises" / "practice" / "queue-sim" / "queue_sim.py"
    stub.write_text(stub.read_text() + "\n# changed\n")
    assert exercises_digest(load_exercises(root)) != before


def test_missing_data_says_how_to_get_it(tmp_path):
    with pytest.raises(UserError, match="git clone https://github.com/Aider-AI/polyglot-benchmark"):
        load_exercises(tmp_path / "nowhere")
    with pytest.raises(UserError, match="No Polyglot exercises"):
        load_exercises(tmp_path)


def test_a_config_naming_a_missing_file_is_one_sentence(tmp_path):
    exercise = tmp_path / "ex"
    (exercise / ".meta").mkdir(parents=True)
    (exercise / ".meta" / "config.json").write_text(json.dumps({"files": {"solution": ["a.py"], "test": ["t.py"]}}))
    with pytest.raises(UserError, match="lists 'a.py'"):
        read_exercise("python", exercise)
    (exercise / ".meta" / "config.json").write_text("{not json")
    with pytest.raises(UserError, match="not a valid exercise config"):
        read_exercise("python", exercise)


@pytest.fixture(scope="module")
def real():
    if not (REAL / "cpp" / "exercises").is_dir():
        pytest.skip(f"no Polyglot checkout at {REAL} (set HARNESS_POLYGLOT to a clone at commit 7e0611e)")
    return {e.id: e for e in load_exercises(REAL)}


def test_the_real_benchmark_has_225_exercises(real):
    counts = {lang: sum(e.language == lang for e in real.values()) for lang in LANGUAGES}
    assert counts == {"cpp": 26, "go": 39, "java": 47, "javascript": 49, "python": 34, "rust": 30}


def test_reference_files_map_onto_solution_files(real):
    assert list(real["cpp/meetup"].example) == ["meetup.h"]  # the .cpp stays the stub
    assert set(real["java/poker"].example) == {f"src/main/java/{c}.java" for c in ("Card", "Hand", "Poker")}
    # connect's reference copy of its editor file Winner.java is left out: the tree has it
    assert "src/main/java/Winner.java" not in real["java/connect"].example
    assert list(real["rust/forth"].example) == ["src/lib.rs"]
