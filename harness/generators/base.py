"""What every generator provides: answers to requests, and a record of its settings."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from harness.records import Generation, Request


@dataclass(frozen=True)
class GeneratorOptions:
    """Generator settings from the command line; each generator reads the ones it uses."""

    model: str | None = None
    model_revision: str | None = None
    samples: Path | None = None
    temperature: float = 0.0
    top_p: float = 1.0
    top_k: int = 0
    max_new_tokens: int = 512
    stop: tuple[str, ...] = ()
    device: str | None = None  # default: cuda when present, else cpu
    dtype: str | None = None  # default: bfloat16 on cuda, float32 on cpu
    # nir: conditions (each a tuple of injection layers; () is the no-injection control) and their settings
    layers: tuple[tuple[int, ...], ...] = ()
    source_layer: int | None = None
    crv_text: str = "sections"
    think_prompt: str | None = None
    think_tokens: int = 256
    # hrm: a checkpoint of `harness hrm train` (default: the bundled demo) and its halting at inference
    checkpoint: Path | None = None
    halting: str = "act"


class Generator(ABC):
    name: ClassVar[str]
    description: ClassVar[str]

    def __init__(self, options: GeneratorOptions):
        self.options = options

    @abstractmethod
    def generate(self, requests: list[Request]) -> list[Generation]:
        """One generation per request, in order."""

    def conditions(self) -> list[str]:
        """The conditions every sample is generated under (a layer sweep has several; most generators one)."""
        return [""]

    def plan(self, units: list[tuple[str, int, str]]) -> None:
        """The (problem, sample, condition) units this run will generate (fewer than all after a resume);
        a generator that shares work between a sample's conditions learns here when that work is done."""
        return None  # most generators share nothing

    @abstractmethod
    def config(self) -> dict[str, Any]:
        """Settings that determine the generations (recorded in run.json, part of the config hash)."""
