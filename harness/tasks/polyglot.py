"""Aider's Polyglot benchmark: 225 exercises in C++, Go, Java, JavaScript, Python and Rust,
edited by the model, built and tested with each language's toolchain in its own sandbox.

The protocol (reference/polyglot.md §3): try 1 shows the exercise's instructions and its
solution files; the model answers with edits (SEARCH/REPLACE blocks, or whole files with
``--edit-format whole``). Edits that fail to parse or match go back to the model as a
reflection inside the same try (at most ``--reflections``, default 3), and the tests run once
the try's edits stand (or its reflections are spent). A failed try is followed, in the same
chat, by the cleaned test output and a request to fix the code, up to ``--tries`` (default 2).

Where we are stricter than Aider (harness/polyglot/testrun.py): each test run gets a fresh
tree with every non-solution file restored, owned by root and read-only to the candidate;
only the exercise's solution files (and, for Java, new classes beside them) may be edited or
created, and an edit to any other path is refused and counted as malformed; a pass needs the
framework's own report of every test of the pristine test files, with every skipped test
unlocked, and a canary test that must fail.

Each turn's candidate is the solution files after its edits, as JSON ({path: text}).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from harness.errors import UserError
from harness.polyglot.edits import (
    EditOutcome,
    apply_edit_response,
    parse_blocks,
    parse_whole,
    reflection,
    render_blocks,
)
from harness.polyglot.exercises import (
    LANGUAGES,
    PINNED_COMMIT,
    Exercise,
    checkout_commit,
    exercises_digest,
    load_exercises,
)
from harness.polyglot.languages import recipes
from harness.polyglot.languages.base import Language
from harness.polyglot.testrun import Timeouts, build_job, canary_name, feedback, judge
from harness.records import ExecResult, Limits, Message, Output, Request, StepResult, TurnRecord, Verdict
from harness.tasks import register
from harness.tasks.base import Sandbox, Task
from harness.templates import fill, read_template

TEMPLATES = Path(__file__).parent / "templates"
DEMO = Path(__file__).parent / "data" / "polyglot_demo"
MODE = "polyglot"  # the key of the verdict each turn carries
EDIT_FORMATS = ("diff", "whole")
KEPT_OUTPUT = 4000  # characters of each step's output kept in samples.jsonl (the feedback is kept whole)


@dataclass(frozen=True)
class State:
    """Where a sample stands after its earlier turns."""

    files: dict[str, str]  # the solution files now
    attempt: int  # the try the next turn belongs to (1-based)
    reflections: int  # reflections already used in that try
    finished: bool


def state_after(exercise: Exercise, prior: Sequence[TurnRecord]) -> State:
    """The solution files and the try after ``prior`` turns (none: the stubs, try 1)."""
    files = {p: exercise.files[p].decode("utf-8", "replace") for p in exercise.solution}
    if not prior:
        return State(files, 1, 0, False)
    last = prior[-1]
    verdict = last.result.verdicts.get(MODE)
    if last.candidate is not None:
        files = json.loads(last.candidate)
    if verdict is None:  # a turn the task did not judge (cannot happen in a run of this task)
        return State(files, 1, 0, True)
    attempt, reflections = verdict.extras["try"], verdict.extras["reflection"]
    if not verdict.extras["tested"]:
        return State(files, attempt, reflections + 1, False)
    return State(files, attempt + 1, 0, verdict.passed)


@register
class Polyglot(Task):
    name = "polyglot"
    description = "Aider Polyglot: 225 exercises in C++, Go, Java, JavaScript, Python, Rust; edits, two tries"
    candidate_kind = "code"
    default_test_timeout_s = 0.0  # 0: each language's own build and test timeouts
    default_memory_mb = 0  # 0: each language's own memory limit

    def __init__(self, options):
        super().__init__(options)
        self.edit_format = options.edit_format or "diff"
        if self.edit_format not in EDIT_FORMATS:
            raise UserError(f"Unknown edit format {self.edit_format!r}; choose from {', '.join(EDIT_FORMATS)}.")
        self.languages = self._languages(options.languages)
        self.tries = options.tries
        self.max_reflections = options.reflections
        self.template = read_template(
            options.prompt or f"polyglot-{self.edit_format}", TEMPLATES, ("system", "files", "try1", "try2")
        )
        self.exercises: list[Exercise] = []

    @staticmethod
    def _languages(text: str | None) -> tuple[str, ...]:
        chosen = tuple(dict.fromkeys(p.strip() for p in (text or "").split(",") if p.strip())) or LANGUAGES
        unknown = [name for name in chosen if name not in LANGUAGES]
        if unknown:
            raise UserError(f"Unknown language(s) {', '.join(unknown)}; Polyglot has {', '.join(LANGUAGES)}.")
        return chosen

    # -- data

    def root(self) -> Path:
        if self.options.data is None:
            raise UserError(
                "The polyglot task needs a checkout of the benchmark: "
                f"`git clone https://github.com/Aider-AI/polyglot-benchmark && git -C polyglot-benchmark checkout "
                f"{PINNED_COMMIT}`, then pass --data polyglot-benchmark (or run polyglot-demo)."
            )
        return self.options.data

    def load(self) -> list[Exercise]:
        self.exercises = load_exercises(self.root(), self.languages)
        return self.exercises

    def language_of(self, problem: Exercise) -> str:
        return problem.language

    def source_of(self, problem: Exercise, candidate: str) -> str:
        return "\n".join(json.loads(candidate).values())

    def recipe(self, exercise: Exercise) -> Language:
        return recipes()[exercise.language]

    def sandboxes(self) -> dict[str, Limits]:
        run = self.limits or Limits()
        images = {}
        for name in self.languages:
            recipe = recipes()[name]
            images[recipe.image] = replace(
                run,
                memory_mb=run.memory_mb or recipe.memory_mb,
                pids=recipe.pids,
                cpus=recipe.cpus,
                tmpfs_mb=recipe.tmpfs_mb,
                output_bytes=256 * 1024,
            )
        return images

    # -- the protocol

    def request(self, problem: Exercise, sample_index: int, turns: list[TurnRecord]) -> Request | None:
        state = state_after(problem, turns)
        if state.finished:
            return None
        t = self.template
        shown = self._files(problem, state.files)
        names = " ".join(PurePosixPath(p).name for p in state.files)
        if not turns:
            text = fill(t.data["try1"], {"instructions": problem.instructions.strip(), "file_list": names}, t.path)
            messages = [Message("system", t.data["system"]), Message("user", f"{shown}\n\n{text}")]
        else:
            last = turns[-1]
            verdict = last.result.verdicts[MODE]
            if verdict.extras["tested"] and state.attempt > self.tries:
                return None
            if verdict.extras["tested"]:
                text = fill(t.data["try2"], {"output": verdict.extras["feedback"], "file_list": names}, t.path)
            else:
                text = fill(t.data.get("reflection", "{errors}"), {"errors": verdict.extras["feedback"]}, t.path)
            answer = Message("assistant", last.generation.answer(last.prefill))
            messages = [*last.messages, answer, Message("user", f"{shown}\n\n{text}")]
        reference = self._reference(problem, state)
        return Request(problem.id, sample_index, len(turns), messages, reference=reference, optional=bool(turns))

    def _files(self, exercise: Exercise, files: dict[str, str]) -> str:
        fence = self.recipe(exercise).fence
        shown = [f"{path}\n{_fence(text)}{fence}\n{text.rstrip()}\n{_fence(text)}" for path, text in files.items()]
        return fill(self.template.data["files"], {"files": "\n\n".join(shown)}, self.template.path)

    def _reference(self, exercise: Exercise, state: State) -> str:
        """The example solution as an answer in this run's edit format, against the files as they are."""
        parts = []
        for path, text in exercise.example.items():
            now = state.files.get(path, "")
            if now == text:
                continue
            if self.edit_format == "whole":
                parts.append(f"{path}\n{_fence(text)}\n{text.rstrip()}\n{_fence(text)}")
            else:
                search = now if now.strip() else ""
                parts.append(render_blocks(path, search, text, _fence(search + text)))
        return "\n\n".join(parts)

    def extract(self, problem: Exercise, answer: str) -> str | None:
        return answer  # the edits are applied in evaluate, against the sample's current files

    def job(self, problem: Exercise, candidate: str):
        return build_job(problem, self.recipe(problem), json.loads(candidate), canary_name())

    def edit(self, exercise: Exercise, answer: str, files: dict[str, str]) -> EditOutcome:
        """Apply an answer's edits; only solution files (and new files the language allows) may change."""
        recipe = self.recipe(exercise)
        editable = list(exercise.solution)
        if self.edit_format == "whole":
            named = [line.strip() for line in answer.splitlines()]
        else:
            blocks, _ = parse_blocks(answer, list(files))
            named = [b.path or "" for b in blocks]
        editable += [p for p in dict.fromkeys(named) if p not in exercise.files and recipe.creatable(exercise, p)]
        # the exercise's other files are known (so a block naming one is refused, not "not found") but never editable
        known = {p: d.decode("utf-8", "replace") for p, d in exercise.files.items() if p not in files} | files
        if self.edit_format == "whole":
            return parse_whole(answer, known, editable)
        return apply_edit_response(answer, known, editable)

    def evaluate(
        self, problem: Exercise, answer: str, sandbox: Sandbox, prior: Sequence[TurnRecord] = ()
    ) -> tuple[str | None, ExecResult]:
        state = state_after(problem, prior)
        outcome = self.edit(problem, answer, state.files)
        files = {p: t for p, t in outcome.files.items() if p in state.files or p not in problem.files}
        candidate = json.dumps(files, sort_keys=True)
        extras: dict[str, Any] = {
            "try": state.attempt,
            "reflection": state.reflections,
            "edits": {
                "applied": len(outcome.applied),
                "failed": len(outcome.failures),
                "reasons": [f.reason for f in outcome.failures],
            },
            "malformed": outcome.malformed,
        }
        if outcome.malformed and state.reflections < self.max_reflections:
            detail = f"{len(outcome.failures)} edit block(s) failed; the model is asked to fix them"
            verdict = Verdict(
                "not_run", False, detail, extras={**extras, "tested": False, "feedback": reflection(outcome)}
            )
            return candidate, ExecResult("not_run", detail, verdicts={MODE: verdict})
        return candidate, self._test(problem, files, extras, sandbox)

    def _test(self, exercise: Exercise, files: dict[str, str], extras: dict[str, Any], sandbox: Sandbox) -> ExecResult:
        """Build and test the files in the exercise's sandbox; the verdict with the model's feedback."""
        recipe, canary = self.recipe(exercise), canary_name()
        job = build_job(exercise, recipe, files, canary, self.timeouts())
        result = sandbox.run(job)
        verdict = judge(exercise, recipe, job, result, canary)
        steps = dict(zip((s.name for s in job.steps), result.steps, strict=False))
        verdict.extras.update(
            extras,
            tested=True,
            feedback="" if verdict.passed else feedback(exercise, job, result, canary),
            timed_out=verdict.status == "timeout",
            build_failed=verdict.status == "build_error",
            test_seconds=round(result.seconds, 4),
            step_seconds={name: step.wall_s for name, step in steps.items()},
        )
        return ExecResult(
            verdict.status,
            verdict.detail,
            tests=verdict.tests,
            exit_code=result.exit_code,
            seconds=result.seconds,
            steps=[_shortened(s) for s in result.steps],
            verdicts={MODE: verdict},
        )

    def timeouts(self) -> Timeouts:
        o = self.options
        return Timeouts(build_s=o.build_timeout, test_s=(self.limits.test_timeout_s or None) if self.limits else None)

    def config(self) -> dict[str, Any]:
        root = self.options.data if self.options.data is not None else DEMO
        return {
            "name": self.name,
            "family": "polyglot",
            "source": self.source(),
            "commit": checkout_commit(root) if self.options.data is not None else None,
            "pinned_commit": PINNED_COMMIT,
            "languages": list(self.languages),
            "edit_format": self.edit_format,
            "tries": self.tries,
            "reflections": self.max_reflections,
            "timeouts": {"build_s": self.options.build_timeout, "test_s": self.timeouts().test_s},
            "prompt_template": self.template.record(),
            "dataset_sha256": exercises_digest(self.exercises),
            "num_problems": len(self.exercises),
            "groups": {e.id: {"language": e.language} for e in self.exercises},
        }

    def source(self) -> str:
        return str(self.options.data)


@register
class PolyglotDemo(Polyglot):
    name = "polyglot-demo"
    description = "seven small exercises we wrote in the Polyglot layout, one or two per language (bundled)"

    def root(self) -> Path:
        return self.options.data or DEMO

    def source(self) -> str:
        return str(self.options.data) if self.options.data else "bundled:polyglot_demo"


def _shortened(step: StepResult) -> StepResult:
    """A step as samples.jsonl keeps it: each output cut to its head and tail."""

    def cut(output: Output) -> Output:
        text = output.text
        if len(text) > KEPT_OUTPUT:
            text = text[: KEPT_OUTPUT // 2] + "\n...\n" + text[-KEPT_OUTPUT // 2 :]
        return Output(text, output.bytes, output.truncated or len(text) < len(output.text))

    return replace(step, stdout=cut(step.stdout), stderr=cut(step.stderr))


def _fence(text: str) -> str:
    """A fence longer than any run of backticks that starts a line of ``text``."""
    longest = max((len(line) - len(line.lstrip("`")) for line in text.splitlines()), default=0)
    return "`" * max(3, longest + 1)
