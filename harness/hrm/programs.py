"""HRM's training data: small Python programs from seeded templates, their outputs computed by
running them in the sandbox, split into train and test by distinct program text.

Each template draws its values from one ``random.Random``; a program prints one short value.
The split is per template (``test_fraction`` of each template's distinct programs), so a
template with few distinct programs is not starved out of the test set by deduplication. The
majority answer (the most common output in train) scored on test is the baseline a learner must
beat. Benchmark items never enter: every program comes from these templates.
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


def _word(rng: random.Random, low: int = 2, high: int = 6) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(low, high)))


def _ints(rng: random.Random, n: int) -> list[int]:
    return [rng.randint(0, 9) for _ in range(n)]


def _dict_lookup(rng: random.Random) -> str:
    keys = rng.sample(LETTERS, 2)
    pairs = ",".join(f"{k!r}:{rng.randint(0, 9)}" for k in keys)
    return f"d={{{pairs}}};print(d[{rng.choice(keys)!r}])"


# name -> a function drawing one program; every program prints a single short line
TEMPLATES: dict[str, Callable[[random.Random], str]] = {
    "reverse": lambda r: f"s={_word(r)!r};print(s[::-1])",
    "len": lambda r: f"s={_word(r, 1, 9)!r};print(len(s))",
    "index": lambda r: (lambda w: f"s={w!r};print(s[{r.randrange(len(w))}])")(_word(r)),
    "count": lambda r: f"s={_word(r, 3, 8)!r};print(s.count({r.choice(LETTERS[:4])!r}))",
    "upper": lambda r: f"s={_word(r)!r};print(s.upper())",
    "add": lambda r: f"x={r.randint(0, 99)};y={r.randint(0, 99)};print(x+y)",
    "chain": lambda r: f"x={r.randint(0, 9)};x=x*{r.randint(2, 4)}+{r.randint(0, 9)};print(x)",
    "sum": lambda r: f"a={_ints(r, r.randint(2, 4))};print(sum(a))",
    "max": lambda r: f"a={_ints(r, r.randint(2, 5))};print(max(a))",
    "sorted": lambda r: f"a={_ints(r, r.randint(2, 4))};print(sorted(a))",
    "dict": lambda r: _dict_lookup(r),
}


@dataclass(frozen=True)
class Item:
    template: str
    program: str
    output: str = ""


def draw(seed: int, per_template: int, templates: tuple[str, ...] | None = None) -> list[Item]:
    """``per_template`` draws of each template (all by default; duplicates included), in a fixed order."""
    unknown = set(templates or ()) - set(TEMPLATES)
    if unknown:
        raise ValueError(f"unknown templates {sorted(unknown)}; templates: {', '.join(TEMPLATES)}")
    rng = random.Random(seed)
    chosen = [(n, f) for n, f in TEMPLATES.items() if templates is None or n in templates]
    return [Item(name, make(rng)) for name, make in chosen for _ in range(per_template)]


def split(items: list[Item], test_fraction: float, seed: int) -> tuple[list[Item], list[Item]]:
    """Train and test with no program text in both: each template's distinct programs are shuffled
    and ``test_fraction`` of them (at least one) go to test."""
    rng = random.Random(seed + 1)
    train, test = [], []
    for name in dict.fromkeys(i.template for i in items):
        distinct = sorted({i.program: i for i in items if i.template == name}.values(), key=lambda i: i.program)
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
