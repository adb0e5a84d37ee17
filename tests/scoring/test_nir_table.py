"""The NIR paper's table: our definitions and the paper's, quirks included."""

from __future__ import annotations

import pytest

from harness.records import ExecResult, Generation, SampleRecord, TurnRecord
from harness.scoring.nir_table import ours, paper, paper_blocks, table
from harness.scoring.static import static_metrics


def sample(answer: str, candidate: str | None) -> SampleRecord:
    static = static_metrics(candidate, "python") if candidate is not None else None
    turn = TurnRecord([], "", Generation(answer), candidate, ExecResult("fail"), static)
    return SampleRecord("1", 0, "fail", False, [turn], 0.0)


def test_paper_blocks_start_at_def_or_class_and_drop_module_code():
    answer = "import os\nx = 1\ndef f():\n    return 1\n\nprint(f())\nclass A:\n    pass\n"
    assert paper_blocks(answer) == ["def f():\n    return 1\n", "class A:\n    pass"]


def test_paper_response_is_the_substring_def():
    assert paper_blocks("use the default value") == []  # a "response" with no block
    assert paper_blocks("no function here") is None


def test_paper_quirks_against_our_definitions():
    records = [
        sample("def f(x):\n    if x:\n        return 1\n    return 2\n", "def f(x):\n    if x:\n        return 1\n"),
        sample("  def g():\n      return 1\n", "def g(:\n      return 1\n"),  # indented: paper finds no block
        sample("the default answer", None),
        sample("nothing", None),
    ]
    theirs = paper(records)
    assert theirs["response_rate"] == 0.75  # "default" counts as a response
    assert theirs["syntactic_correctness"] == 1.0  # rows without blocks are left out
    assert theirs["cyclomatic_complexity"] == 2.0
    mine = ours(records)
    assert mine["response_rate"] == 0.5
    assert mine["syntactic_correctness"] == 0.5  # the second candidate does not parse
    assert mine["cyclomatic_complexity"] == 2.0


def test_paper_scores_an_unparseable_block_as_zero_complexity():
    records = [sample("def f(:\n    if x: pass\n", "def f(:\n")]
    assert paper(records)["syntactic_correctness"] == 0.0
    assert paper(records)["cyclomatic_complexity"] == 0.0


@pytest.mark.parametrize("use_paper", [False, True])
def test_table_has_the_five_columns(use_paper):
    lines = table([sample("def f():\n    return 1\n", "def f():\n    return 1\n")], "baseline", use_paper)
    assert "response rate" in lines[1] and "characters" in lines[1]
    assert lines[2].split()[0] == "baseline" and len(lines[2].split()) == 6
