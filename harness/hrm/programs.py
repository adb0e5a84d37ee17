"""HRM's training data: small Python programs from seeded templates, their outputs computed by
running them in the sandbox, split into train and test by distinct question text.

A template draws a *snippet* from one ``random.Random``: named values, an expression over them,
a one-line description and a function name. One snippet is framed three ways, each a question
HRM may be asked (its framing is the task embedding the model sees):

- ``program``: ``s='abc';print(s[::-1])``; the answer is what it prints.
- ``execution`` (LiveCodeBench code execution, CRUXEval style): ``def f(s):`` returning the
  expression, then the call on its own line; the answer is the repr of the returned value.
- ``test-output`` (LiveCodeBench test output prediction): the description, then the call of a
  named function; the answer is the repr of the value a correct solution returns.

The split is per (template, framing) cell (``test_fraction`` of each cell's distinct questions),
so a cell with few distinct questions is not starved out of the test set by deduplication. The
majority answer (the most common output in train) scored on test is the baseline a learner must
beat. Benchmark items never enter: every question comes from these templates.
"""

from __future__ import annotations

import json
import random
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from harness.records import Job

LETTERS = string.ascii_lowercase[:8]
FRAMINGS = ("program", "execution", "test-output")


@dataclass(frozen=True)
class Snippet:
    values: tuple[tuple[str, object], ...]  # parameter name -> value, in call order
    expression: str  # over the parameters
    description: str  # what a correct function returns, in words (the test-output question)
    function: str  # the function's name in the test-output framing

    def framed(self, framing: str) -> tuple[str, str]:
        """(question, program to run in the sandbox, which prints the answer) in one framing."""
        names = ", ".join(n for n, _ in self.values)
        args = ", ".join(repr(v) for _, v in self.values)
        if framing == "program":
            program = ";".join(f"{n}={v!r}" for n, v in self.values) + f";print({self.expression})"
            return program, program
        if framing == "execution":
            code = f"def f({names}):\n    return {self.expression}"
            return f"{code}\nf({args})", f"{code}\nprint(repr(f({args})))"
        if framing == "test-output":
            code = f"def {self.function}({names}):\n    return {self.expression}"
            return f"{self.description}\n{self.function}({args})", f"{code}\nprint(repr({self.function}({args})))"
        raise ValueError(f"unknown framing {framing!r}; framings: {', '.join(FRAMINGS)}")


def _word(rng: random.Random, low: int = 2, high: int = 6) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(low, high)))


def _ints(rng: random.Random, n: int) -> list[int]:
    return [rng.randint(0, 9) for _ in range(n)]


def _index(r: random.Random) -> Snippet:
    w = _word(r)
    i = r.randrange(len(w))
    return Snippet((("s", w),), f"s[{i}]", f"Return the character of s at index {i}.", "charAt")


def _count(r: random.Random) -> Snippet:
    w, c = _word(r, 3, 8), r.choice(LETTERS[:4])
    return Snippet((("s", w),), f"s.count({c!r})", f"Return how many times {c!r} occurs in s.", "countChar")


def _chain(r: random.Random) -> Snippet:
    x, m, a = r.randint(0, 9), r.randint(2, 4), r.randint(0, 9)
    return Snippet((("x", x),), f"x*{m}+{a}", f"Return x times {m} plus {a}.", "scale")


def _lookup(r: random.Random) -> Snippet:
    keys = r.sample(LETTERS, 2)
    d = {k: r.randint(0, 9) for k in keys}
    k = r.choice(keys)
    return Snippet((("d", d),), f"d[{k!r}]", f"Return the value of key {k!r} in d.", "lookup")


# name -> a function drawing one snippet; every answer is a single short line
TEMPLATES: dict[str, Callable[[random.Random], Snippet]] = {
    "reverse": lambda r: Snippet((("s", _word(r)),), "s[::-1]", "Return s reversed.", "reverseString"),
    "len": lambda r: Snippet((("s", _word(r, 1, 9)),), "len(s)", "Return the length of s.", "length"),
    "index": _index,
    "count": _count,
    "upper": lambda r: Snippet((("s", _word(r)),), "s.upper()", "Return s in upper case.", "toUpper"),
    "add": lambda r: Snippet((("x", r.randint(0, 99)), ("y", r.randint(0, 99))), "x+y", "Return x plus y.", "add"),
    "chain": _chain,
    "sum": lambda r: Snippet((("a", _ints(r, r.randint(2, 4))),), "sum(a)", "Return the sum of a.", "total"),
    "max": lambda r: Snippet((("a", _ints(r, r.randint(2, 5))),), "max(a)", "Return the largest of a.", "largest"),
    "sorted": lambda r: Snippet((("a", _ints(r, r.randint(2, 4))),), "sorted(a)", "Return a sorted.", "sortList"),
    "dict": _lookup,
}


@dataclass(frozen=True)
class Item:
    template: str
    question: str  # what the model reads
    output: str = ""  # the answer, computed in the sandbox
    framing: str = "program"
    program: str = ""  # what the sandbox runs to compute the answer (the question itself when empty)


def draw(
    seed: int, per_template: int, templates: tuple[str, ...] | None = None, framings: tuple[str, ...] = ("program",)
) -> list[Item]:
    """``per_template`` snippets of each template (all by default; duplicates included), each framed
    every way in ``framings``, in a fixed order."""
    unknown = set(templates or ()) - set(TEMPLATES)
    if unknown:
        raise ValueError(f"unknown templates {sorted(unknown)}; templates: {', '.join(TEMPLATES)}")
    if bad := set(framings) - set(FRAMINGS):
        raise ValueError(f"unknown framings {sorted(bad)}; framings: {', '.join(FRAMINGS)}")
    rng = random.Random(seed)
    chosen = [(n, f) for n, f in TEMPLATES.items() if templates is None or n in templates]
    items = []
    for name, make in chosen:
        for _ in range(per_template):
            snippet = make(rng)
            for framing in framings:
                question, program = snippet.framed(framing)
                items.append(Item(name, question, "", framing, program))
    return items


def split(items: list[Item], test_fraction: float, seed: int) -> tuple[list[Item], list[Item]]:
    """Train and test with no question in both: each (template, framing) cell's distinct questions
    are shuffled and ``test_fraction`` of them (at least one) go to test."""
    rng = random.Random(seed + 1)
    train, test = [], []
    for cell in dict.fromkeys((i.template, i.framing) for i in items):
        mine = {i.question: i for i in items if (i.template, i.framing) == cell}
        distinct = sorted(mine.values(), key=lambda i: i.question)
        rng.shuffle(distinct)
        cut = max(1, round(len(distinct) * test_fraction)) if len(distinct) > 1 else 0
        test += distinct[:cut]
        train += distinct[cut:]
    return train, test


def majority_baseline(train: list[Item], test: list[Item]) -> dict:
    """The most common train output, and how often it is right on test (overall and per template)."""
    answer = Counter(i.output for i in train).most_common(1)[0][0] if train else ""
    per = {name: [i.output == answer for i in test if i.template == name] for name in TEMPLATES}
    return {
        "answer": answer,
        "accuracy": sum(i.output == answer for i in test) / len(test) if test else 0.0,
        "per_template": {k: sum(v) / len(v) for k, v in per.items() if v},
    }


# Runs inside the sandbox: every program in its own namespace, its stdout captured, one JSON line out.
RUNNER = """import contextlib, io, json
programs = json.load(open("programs.json"))
out = []
for source in programs:
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            exec(source, {"__name__": "__main__"})
        out.append(buffer.getvalue().rstrip("\\n"))
    except Exception as exc:
        out.append(None)
print(json.dumps(out))
"""
CHUNK = 400  # programs per job: outputs stay far below the sandbox's output cap


def outputs_in_sandbox(programs: list[str], run: Callable[[Job], object]) -> list[str | None]:
    """Each program's printed output (None when it raised), computed in sandbox jobs run by ``run``
    (a pool's ``run``)."""
    results: list[str | None] = []
    for start in range(0, len(programs), CHUNK):
        chunk = programs[start : start + CHUNK]
        job = Job("command", argv=["python3", "run.py"], files={"run.py": RUNNER, "programs.json": json.dumps(chunk)})
        result = run(job)
        try:
            values = json.loads(result.stdout.text)
        except (AttributeError, json.JSONDecodeError):
            detail = getattr(result, "detail", result)
            raise RuntimeError(f"the sandbox did not answer for programs {start}..: {detail}") from None
        if len(values) != len(chunk):
            raise RuntimeError(f"the sandbox answered {len(values)} of {len(chunk)} programs")
        results += values
    return results
