"""What every task provides: problems, prompts, extraction, sandbox jobs, verdicts."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

from harness.records import ExecResult, Job, Limits, Request, TurnRecord


class Sandbox(Protocol):
    """What a task needs from a sandbox backend."""

    def run(self, job: Job) -> ExecResult: ...


@dataclass(frozen=True)
class TaskOptions:
    """Task settings from the command line; each task reads the ones it understands."""

    data: Path | None = None
    split: str | None = None
    variant: str | None = None
    prompt: str | None = None  # protocol name or a template file
    revision: str | None = None
    challenge_tests: bool = False
    # LiveCodeBench
    release: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    platform: str | None = None
    difficulty: str | None = None
    grading: str = "both"
    from_run: Path | None = None
    # Polyglot
    languages: str | None = None
    edit_format: str | None = None
    tries: int = 2
    reflections: int = 3
    build_timeout: float | None = None


class Task(ABC):
    """A benchmark: loads problems and owns its protocol (prompts, turns, judging).

    Problems are task-specific records with at least ``id: str``.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    language: ClassVar[str] = "python"  # of the candidates, for static metrics
    candidate_kind: ClassVar[str] = "code"  # "code" gets static metrics; "answer" (a value) does not
    default_test_timeout_s: ClassVar[float] = 5.0
    default_memory_mb: ClassVar[int] = 512
    accepts_from_run: ClassVar[bool] = False  # whether --from-run means anything to it
    no_reference: ClassVar[str | None] = None  # why the reference generator cannot run, if it cannot
    sandbox_preload: ClassVar[tuple[str, ...]] = ()  # stdlib modules the sandbox imports once, for speed

    def __init__(self, options: TaskOptions):
        self.options = options
        self.limits: Limits | None = None  # the run's sandbox limits, set by the runner

    def language_of(self, problem: Any) -> str:
        """The language a candidate for this problem is written in."""
        return self.language

    def source_of(self, problem: Any, candidate: str) -> str:
        """The source text static metrics are computed on: the candidate itself by default."""
        return candidate

    def sandboxes(self) -> dict[str, Limits]:
        """The sandbox images this task's jobs use (``Job.image``), each with its container limits;
        by default the Python image with the run's limits."""
        return {"python": self.limits or Limits()}

    @abstractmethod
    def load(self) -> list[Any]:
        """The selected problems, validated; raises UserError on bad data."""

    @abstractmethod
    def request(self, problem: Any, sample_index: int, turns: list[TurnRecord]) -> Request | None:
        """The next request for this sample, or None when the sample is finished."""

    def prior_turns(self, problem: Any, sample_index: int) -> list[TurnRecord]:
        """Turns a sample begins with, already judged (e.g. read from an earlier run); none by default.
        The runner starts the sample from them: ``request`` gets them as ``turns``."""
        return []

    @abstractmethod
    def extract(self, problem: Any, answer: str) -> str | None:
        """The candidate inside a full answer (prefill included), or None if there is none."""

    @abstractmethod
    def job(self, problem: Any, candidate: str) -> Job:
        """The sandbox job that tests a candidate."""

    def evaluate(
        self, problem: Any, answer: str, sandbox: Sandbox, prior: Sequence[TurnRecord] = ()
    ) -> tuple[str | None, ExecResult]:
        """The candidate in an answer and its judged result. By default one sandbox job
        whose statuses are the verdict; tasks that judge on the host override this.
        ``prior`` holds the sample's earlier turns (a task whose answers edit files needs them)."""
        candidate = self.extract(problem, answer)
        if candidate is None:
            return None, ExecResult("no_code", "no code found in the answer")
        return candidate, sandbox.run(self.job(problem, candidate))

    @abstractmethod
    def config(self) -> dict[str, Any]:
        """Everything about the task a reader needs to reproduce the run (recorded in run.json)."""
