"""The NIR paper's table (response rate, syntactic correctness, cyclomatic complexity,
lines of code, characters) as a view over a run's sample records.

Two sets of definitions, side by side in the README:

- ours (default), from the recorded tree-sitter metrics of the extracted candidate:
  response rate = samples with a candidate / all samples; syntactic correctness =
  candidates that parse / candidates; complexity = mean over parsing candidates of the
  largest function complexity; lines and characters = means over candidates of
  non-blank non-comment lines and of characters.
- the paper's (``paper=True``), recomputed from the raw answers as its analysis
  notebook did, quirks included: a response is any answer containing the substring
  "def" (so "default" counts); code is cut into blocks, each starting at a line that
  begins with ``def``/``class`` and running while lines are blank or more indented
  (imports and module-level code dropped); a row is syntactically correct if any
  block parses on its own with ``ast.parse`` (an indented block fails), and rows with
  no block are left out while failed parses count as 0; complexity is radon's largest
  per block, then over blocks, with an unparseable block scoring 0; lines and
  characters are over the stripped, blank-free lines of the joined blocks. The paper
  divided by a hard-coded 169 rows; here the denominator is the number of samples.
"""

from __future__ import annotations

from statistics import mean
from typing import Any

from harness.records import SampleRecord
from harness.scoring.static import final_statics
from harness.tasks.extract import parses

COLUMNS = ("response_rate", "syntactic_correctness", "cyclomatic_complexity", "lines_of_code", "characters")


def _avg(values: list[float]) -> float:
    return mean(values) if values else 0.0


def ours(records: list[SampleRecord]) -> dict[str, float]:
    """The table's columns under our definitions."""
    statics = final_statics(records)
    valid = [s for s in statics if s["syntax_valid"]]
    return {
        "response_rate": len(statics) / len(records) if records else 0.0,
        "syntactic_correctness": len(valid) / len(statics) if statics else 0.0,
        "cyclomatic_complexity": _avg([s["complexity_max"] for s in valid]),
        "lines_of_code": _avg([s["loc"] for s in statics]),
        "characters": _avg([s["characters"] for s in statics]),
    }


def paper_blocks(answer: str) -> list[str] | None:
    """The paper's extraction: None without "def"; else blocks from def/class lines."""
    if "def" not in answer:
        return None
    blocks, current = [], None
    for line in answer.splitlines():
        if line.startswith(("def ", "class ")):
            if current:
                blocks.append("\n".join(current))
            current = [line]
        elif current is not None and (not line.strip() or line[0] in " \t"):
            current.append(line)
        elif current is not None:
            blocks.append("\n".join(current))
            current = None
    if current:
        blocks.append("\n".join(current))
    return blocks


def _radon_max(block: str) -> int:
    from radon.complexity import cc_visit

    try:
        return max((b.complexity for b in cc_visit(block)), default=0)
    except Exception:  # the paper scored a block radon cannot read as 0
        return 0


def paper(records: list[SampleRecord]) -> dict[str, float]:
    """The table's columns under the paper's definitions (see the module docstring)."""
    rows = [paper_blocks(r.turns[-1].generation.answer(r.turns[-1].prefill)) for r in records]
    responding = [b for b in rows if b is not None]
    nonempty = [b for b in responding if b]
    lines = [[ln.strip() for ln in "\n".join(b).splitlines() if ln.strip()] for b in nonempty]
    return {
        "response_rate": len(responding) / len(records) if records else 0.0,
        "syntactic_correctness": _avg([float(any(parses(x) for x in b)) for b in nonempty]),
        "cyclomatic_complexity": _avg([max(_radon_max(x) for x in b) for b in nonempty]),
        "lines_of_code": _avg([len(ls) for ls in lines]),
        "characters": _avg([sum(map(len, ls)) for ls in lines]),
    }


def table(records: list[SampleRecord], label: str, use_paper: bool, conditions: list[str] | None = None) -> list[str]:
    """Rows of the table, one per condition (in ``conditions`` order); a run without conditions is one row."""
    head = f"{'condition':<24}" + "".join(f"{c.replace('_', ' '):>24}" for c in COLUMNS)
    lines = [f"definitions: {'NIR paper' if use_paper else 'harness'}", head]
    for condition in conditions or [""]:
        values: dict[str, Any] = (paper if use_paper else ours)([r for r in records if r.condition == condition])
        lines.append(f"{condition or label:<24}" + "".join(f"{values[c]:>24.4f}" for c in COLUMNS))
    return lines
