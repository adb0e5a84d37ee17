"""The Language interface: how one language's exercise tree is prepared, built, tested and read back.

A recipe never runs anything itself. The task turns its commands into sandbox steps that run as the
sandbox user in a read-only, root-owned tree at /job/<slug>, with /tmp and /work as the only writable
places; the recipe's report files (under /tmp) come back with the steps' output.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from harness.polyglot.exercises import Exercise


@dataclass(frozen=True)
class Command:
    """One sandbox step of a test run."""

    name: str  # "build" or "test"
    argv: list[str]
    env: dict[str, str]  # added to the image's environment
    timeout_s: float  # default; the task may override per run


class Language(ABC):
    """One language's recipe for running an exercise's tests in its sandbox image."""

    name: ClassVar[str]  # "cpp"
    image: ClassVar[str]  # sandbox image directory under harness/sandbox/images/
    fence: ClassVar[str]  # markdown fence tag for shown files: "cpp", "go", ...
    memory_mb: ClassVar[int]  # container memory limit for this language (compilers need more)
    pids: ClassVar[int]
    writable: ClassVar[tuple[str, ...]] = ()  # tree files created mode 0o666 (Rust: ("Cargo.lock",))
    reports: ClassVar[tuple[str, ...]]  # absolute paths of per-test report files (under /tmp)
    cpus: ClassVar[float] = 1.0  # CPU quota of the language's containers
    tmpfs_mb: ClassVar[int] = 512  # size of /tmp (build outputs and caches) and of /work

    def canaries(self, exercise: Exercise, canary: str) -> list[str]:
        """The names of the tests ``prepare`` adds that must all be reported failed: ``canary`` alone
        unless the recipe adds one per assertion form the tests use."""
        return [canary]

    def creatable(self, exercise: Exercise, path: str) -> bool:
        """Whether the model may create ``path``, a file the exercise does not have (none by default:
        only the solution files may change)."""
        return False

    @abstractmethod
    def prepare(self, exercise: Exercise, canary: str) -> dict[str, bytes]:
        """Files that replace or join the pristine tree for a test run: the test files with every
        skipped test unlocked, and one extra failing test named `canary` (it must be reported
        failed, or the run is tampered)."""

    @abstractmethod
    def expected(self, exercise: Exercise) -> list[str]:
        """Names of every test in the pristine test files, counted from their source, in the
        form parse() reports them (the canary excluded)."""

    @abstractmethod
    def commands(self, exercise: Exercise) -> list[Command]:
        """The build command (if the language has a separate one) and the test command."""

    @abstractmethod
    def parse(self, reports: dict[str, bytes], outputs: list[str]) -> dict[str, str]:
        """Per-test outcomes from the framework's own report: name -> "pass"|"fail"|"error"|"skip".
        `outputs` is the captured stdout+stderr of each command (for frameworks that report on
        stdout, e.g. cargo and go test -json). Tolerates truncated/garbled input (never raises
        on candidate-controlled text; returns what it could read)."""
