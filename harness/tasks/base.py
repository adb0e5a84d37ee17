"""What every task provides: problems, prompts, extraction, sandbox jobs, verdicts."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from harness.records import Job, Request, TurnRecord


@dataclass(frozen=True)
class TaskOptions:
    """Task settings from the command line; each task reads the ones it understands."""

    data: Path | None = None
    split: str | None = None
    variant: str | None = None
    prompt: str | None = None  # protocol name or a template file
    revision: str | None = None
    challenge_tests: bool = False


class Task(ABC):
    """A benchmark: loads problems and owns its protocol (prompts, turns, judging).

    Problems are task-specific records with at least ``id: str``.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    language: ClassVar[str] = "python"  # of the candidates, for static metrics

    def __init__(self, options: TaskOptions):
        self.options = options

    def language_of(self, problem: Any) -> str:
        """The language a candidate for this problem is written in."""
        return self.language

    @abstractmethod
    def load(self) -> list[Any]:
        """The selected problems, validated; raises UserError on bad data."""

    @abstractmethod
    def request(self, problem: Any, sample_index: int, turns: list[TurnRecord]) -> Request | None:
        """The next request for this sample, or None when the sample is finished."""

    @abstractmethod
    def extract(self, problem: Any, answer: str) -> str | None:
        """The candidate inside a full answer (prefill included), or None if there is none."""

    @abstractmethod
    def job(self, problem: Any, candidate: str) -> Job:
        """The sandbox job that tests a candidate."""

    @abstractmethod
    def config(self) -> dict[str, Any]:
        """Everything about the task a reader needs to reproduce the run (recorded in run.json)."""
