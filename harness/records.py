"""Typed records that cross module boundaries (task -> generator -> sandbox -> store).

All records are plain dataclasses; ``to_dict`` turns them into JSON-ready dicts for
the run store, and the few that are read back (samples on resume) have ``from_dict``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

# Every job and every test ends with exactly one of these.
Status = Literal[
    "pass",
    "fail",
    "error",
    "timeout",
    "oom",
    "killed",
    "exited_early",
    "syntax_error",
    "no_code",
    "harness_error",
    "output_limit",  # a step wrote more than its output cap, so its output cannot be judged
    "excluded",  # a problem the grading mode leaves out (a known-broken benchmark item)
    "not_run",  # a test after the one that ended the process, or a turn whose tests did not run
    "build_error",  # the candidate did not compile
    "tampered",  # the run shows the candidate interfered with the tests (a changed file, a passing canary)
]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]


def to_dict(record: Any) -> dict[str, Any]:
    """A JSON-ready dict of a dataclass record."""
    return dataclasses.asdict(record)


@dataclass(frozen=True)
class Message:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Compact:
    """A request as a short question, for generators without a language prior (HRM): the question
    in one of the framings they are trained on (``harness.hrm.programs.FRAMINGS``), and the text
    around a short answer that makes it a complete answer in the task's format."""

    framing: str
    question: str
    answer_prefix: str = ""
    answer_suffix: str = ""

    def complete(self, answer: str) -> str:
        return self.answer_prefix + answer + self.answer_suffix


@dataclass(frozen=True)
class Request:
    """One generation request: chat messages for one (problem, sample, turn)."""

    problem_id: str
    sample_index: int
    turn: int
    messages: list[Message]
    prefill: str = ""  # text the assistant's answer starts with (part of the answer)
    reference: str | None = None  # the canonical answer, in the task's answer format
    seed: int = 0
    condition: str = ""  # the generator's condition (a layer sweep has several); "" when it has one
    optional: bool = False  # stored replies may end before this turn; the generator then answers NO_REPLY
    compact: Compact | None = None  # the request as a short question, where the task has one


NO_REPLY = "no_reply"  # Generation.extras key: a stored transcript had no reply for an optional turn


@dataclass(frozen=True)
class Generation:
    """A generator's answer to one request. ``text`` continues the request's prefill,
    unless ``continues_prefill`` is False (stored answers that are complete already)."""

    text: str
    continues_prefill: bool = True
    tokens_in: int = 0
    tokens_out: int = 0
    seconds: float = 0.0
    extras: dict[str, Any] = field(default_factory=dict)

    def answer(self, prefill: str) -> str:
        """The full answer to a request with this ``prefill``: the prefill and the text, or the text alone."""
        return prefill + self.text if self.continues_prefill else self.text


@dataclass(frozen=True)
class ProbeTest:
    """A test the host judges: the sandbox evaluates ``probe`` in the candidate's
    namespace and returns its serialized value; the host applies ``check``."""

    source: str  # the test as written in the dataset
    probe: str  # expression evaluated in the sandbox
    check: Literal["eq", "ne", "truthy", "falsy"]
    expected: str | None = None  # a Python literal (for eq/ne)


@dataclass(frozen=True)
class Limits:
    """Resource limits of a sandbox container and of the jobs run in it."""

    memory_mb: int = 512
    pids: int = 128
    cpus: float = 1.0
    tmpfs_mb: int = 128
    load_timeout_s: float = 10.0
    test_timeout_s: float = 5.0
    job_timeout_s: float = 60.0
    output_bytes: int = 64 * 1024


@dataclass(frozen=True)
class Step:
    """One fresh process of a "steps" job: a command (``argv``), or the job's program run
    by the job's driver with ``payload`` (e.g. one test's arguments). The process gets
    ``stdin`` as its standard input, a wall-clock deadline and a CPU-time limit, both
    enforced from outside it, and its output is kept up to ``output_bytes`` per stream."""

    name: str
    argv: list[str] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)
    stdin: str = ""
    timeout_s: float = 10.0
    cpu_s: float | None = None
    output_bytes: int = 64 * 1024
    env: dict[str, str] = field(default_factory=dict)
    cwd: str = ""  # absolute directory the process starts in; the work dir when empty


@dataclass(frozen=True)
class TreeFile:
    """A file of a job's tree: placed by the host under the tree root, owned by root, so the
    sandbox user can read (or, with ``mode`` 0o666, write) it but never replace or remove it."""

    path: str  # relative to the tree root
    data: bytes
    mode: int = 0o444


@dataclass(frozen=True)
class Job:
    """Work for the sandbox: a Python candidate with probe tests, a command, or steps.

    A "steps" job runs each step in its own process, forked from a process that loaded
    the task's ``driver`` (trusted Python source with ``prepare(job)`` and
    ``run(step, code, emit)``) and never runs candidate code itself. ``timeout_s``
    overrides the limits' job deadline.

    ``tree`` is placed under the tree root (``harness.sandbox.TREE_ROOT``) before the job and
    removed after it; once the steps have run, the supervisor returns the files named in
    ``collect`` (reports the steps wrote; symlinks are never followed) and a sha256 of every
    tree file. ``image`` names the sandbox image the job needs."""

    kind: Literal["python", "command", "steps"]
    code: str = ""
    setup: str = ""
    tests: list[ProbeTest] = field(default_factory=list)
    argv: list[str] = field(default_factory=list)
    stdin: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    driver: str = ""
    timeout_s: float | None = None
    stop_on_failure: bool = False  # skip the remaining steps once one did not finish cleanly
    tree: tuple[TreeFile, ...] = ()
    collect: tuple[str, ...] = ()
    image: str = "python"


@dataclass
class Output:
    text: str = ""
    bytes: int = 0
    truncated: bool = False


@dataclass
class TestResult:
    __test__ = False  # not a pytest test class
    status: Status
    detail: str = ""  # exception type and message, or why the value did not match
    actual: str | None = None  # repr of the candidate's value, capped


@dataclass
class StepResult:
    """How one step's process ended, as seen from outside it, and what it wrote.

    ``status``: pass (finished), error (raised; ``detail`` names the exception),
    syntax_error, timeout (wall deadline or CPU limit), oom, killed (a signal),
    exited_early (a non-zero exit without a reported exception), output_limit,
    not_run. ``events`` are what the driver reported from inside (claims)."""

    __test__ = False
    status: Status
    detail: str = ""
    exit_code: int | None = None
    signal: int | None = None
    stdout: Output = field(default_factory=Output)
    stderr: Output = field(default_factory=Output)
    events: list[dict[str, Any]] = field(default_factory=list)
    cpu_s: float = 0.0
    wall_s: float = 0.0


@dataclass
class Verdict:
    """One grading mode's judgement of a candidate (a task with several modes keeps each)."""

    status: Status
    passed: bool
    detail: str = ""
    tests: list[TestResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. where the upstream grader would differ
    extras: dict[str, Any] = field(default_factory=dict)  # mode-specific records (lcb_runner's result list)
    candidate: str | None = None  # the code this mode graded, when its extraction differs from the turn's


@dataclass
class ExecResult:
    """What the sandbox reports for one job (and, after judging, the task's verdicts)."""

    status: Status
    detail: str = ""
    tests: list[TestResult] = field(default_factory=list)
    stdout: Output = field(default_factory=Output)
    stderr: Output = field(default_factory=Output)
    exit_code: int | None = None
    seconds: float = 0.0
    steps: list[StepResult] = field(default_factory=list)
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    collected: dict[str, Output] = field(default_factory=dict)  # the job's ``collect`` files that existed
    tree_hashes: dict[str, str] = field(default_factory=dict)  # tree path -> sha256 after the steps ("" if gone)

    @property
    def passed(self) -> bool:
        return self.status == "pass"


@dataclass
class TurnRecord:
    """One turn of a sample: what was asked, what came back, how it ran."""

    messages: list[Message]
    prefill: str
    generation: Generation
    candidate: str | None
    result: ExecResult
    # StaticMetrics of the candidate as a dict (harness.scoring.static), or None without one.
    static: dict[str, Any] | None = None


@dataclass
class SampleRecord:
    """One line of samples.jsonl: the full story of one (problem, sample)."""

    problem_id: str
    sample_index: int
    status: Status
    passed: bool
    turns: list[TurnRecord]
    seconds: float
    condition: str = ""

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.problem_id, self.sample_index, self.condition)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SampleRecord:
        turns = []
        for t in data["turns"]:
            r = t["result"]
            result = exec_result_from_dict(r)
            turns.append(
                TurnRecord(
                    messages=[Message(**m) for m in t["messages"]],
                    prefill=t["prefill"],
                    generation=Generation(**t["generation"]),
                    candidate=t["candidate"],
                    result=result,
                    static=t.get("static"),
                )
            )
        return cls(
            problem_id=data["problem_id"],
            sample_index=data["sample_index"],
            status=data["status"],
            passed=data["passed"],
            turns=turns,
            seconds=data["seconds"],
            condition=data.get("condition", ""),
        )


def _step_from_dict(d: dict[str, Any]) -> StepResult:
    return StepResult(**{**d, "stdout": Output(**d["stdout"]), "stderr": Output(**d["stderr"])})


def _verdict_from_dict(d: dict[str, Any]) -> Verdict:
    return Verdict(**{**d, "tests": [TestResult(**t) for t in d["tests"]]})


def exec_result_from_dict(r: dict[str, Any]) -> ExecResult:
    """An ExecResult read back from samples.jsonl (older lines lack steps and verdicts)."""
    return ExecResult(
        status=r["status"],
        detail=r["detail"],
        tests=[TestResult(**x) for x in r["tests"]],
        stdout=Output(**r["stdout"]),
        stderr=Output(**r["stderr"]),
        exit_code=r["exit_code"],
        seconds=r["seconds"],
        steps=[_step_from_dict(s) for s in r.get("steps", [])],
        verdicts={k: _verdict_from_dict(v) for k, v in r.get("verdicts", {}).items()},
        collected={k: Output(**v) for k, v in r.get("collected", {}).items()},
        tree_hashes=r.get("tree_hashes", {}),
    )
