"""LiveCodeBench self-repair (Jain et al., 2024): a second chance for a code-generation answer.

Turn 1 is the model's code-generation answer: generated in this run with the code-generation
request, or taken from an earlier ``lcb-generation`` run (``--from-run RUN_DIR``). A sample
whose turn 1 passes under the primary grading mode is done; its verdict carries over (upstream
copies the original answer). Otherwise turn 2 sends a fresh prompt (``lcb-self-repair.toml``):
the problem, the earlier program and feedback chosen by the turn-1 verdict's status, each field
cut the way lcb_runner cuts its metadata. The turn-2 answer is extracted and graded exactly
like a code-generation answer, under the same grading modes.

Where lcb_runner has no rule, ours: a problem the primary mode excludes (strict's errata) takes
its feedback from the next mode; a failure that names no test (an upstream load error) gets
the compile-error feedback with the error alone; a ``harness_error`` (the sandbox's fault, not
the program's) gets no repair.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import UserError
from harness.records import ExecResult, Message, Request, SampleRecord, TurnRecord, Verdict
from harness.store import RunStore
from harness.tasks import register
from harness.tasks.lcb import TEMPLATES, LCBGeneration, LCBGenerationDemo, LCBProblem
from harness.tasks.lcb_grade import expected_repr, inputs_repr, truncate
from harness.templates import TemplateFile, fill, read_template

REPAIR_TEMPLATE = "lcb-self-repair"
FEEDBACK_KINDS = ("wrong_answer", "time_limit", "runtime_error", "compile_error")
# the turn-1 status -> the feedback the repair prompt carries (absent: no repair)
FEEDBACK_BY_STATUS = {
    "fail": "wrong_answer",
    "timeout": "time_limit",
    **dict.fromkeys(("error", "exited_early", "killed", "oom", "output_limit"), "runtime_error"),
    **dict.fromkeys(("syntax_error", "no_code"), "compile_error"),
}
# the fields each feedback shows
FEEDBACK_FIELDS = {
    "wrong_answer": ("input", "output", "expected"),
    "time_limit": ("input", "expected"),
    "runtime_error": ("input", "expected", "error"),
    "compile_error": ("error",),
}


@dataclass(frozen=True)
class RepairTemplate:
    file: TemplateFile
    system: str
    user: str
    feedback: dict[str, str]
    prefill: str


def load_repair_template(name: str = REPAIR_TEMPLATE) -> RepairTemplate:
    t = read_template(name, TEMPLATES, ("user", *FEEDBACK_KINDS))
    feedback = {kind: t.data[kind] for kind in FEEDBACK_KINDS}
    return RepairTemplate(t, str(t.data.get("system", "")), t.data["user"], feedback, str(t.data.get("prefill", "")))


@dataclass(frozen=True)
class Feedback:
    """What the repair prompt says about turn 1: the kind, the fields shown, the mode it came from."""

    kind: str
    fields: dict[str, str]
    mode: str


def _first_failure(verdict: Verdict) -> int | None:
    return next((i for i, t in enumerate(verdict.tests) if t.status != "pass"), None)


def feedback_for(problem: LCBProblem, result: ExecResult, mode: str) -> Feedback | None:
    """The feedback on one mode's turn-1 verdict, or None when that verdict asks for no repair.

    Input and expected output are the failing test's, shown the way lcb_runner's metadata shows
    them (a call's arguments as a list); the output is what the program printed (strict) or what
    lcb_runner recorded (upstream); every field is cut to 150 + 150 characters beyond 300."""
    verdict = result.verdicts[mode]
    kind = FEEDBACK_BY_STATUS.get(verdict.status)
    if verdict.passed or kind is None:
        return None
    tests = problem.tests
    meta = verdict.extras.get("lcb_metadata", {}) if mode == "upstream" else {}
    index = _first_failure(verdict)
    if mode == "upstream" and "inputs" not in meta and meta.get("error_code") != -5:
        index = None  # lcb_runner failed before any test ran: the program did not load
    if index is None or index >= len(tests):
        kind, index = "compile_error", None  # no test to show: say what the error was
    fields: dict[str, str] = {}
    if index is not None:
        test = tests[index]
        fields["input"] = str(meta.get("inputs", inputs_repr(problem.kind, test.input)))
        fields["expected"] = str(meta.get("expected", expected_repr(problem.kind, test.output)))
        if "output" in meta:
            fields["output"] = str(meta["output"])
        elif mode == "strict" and problem.kind == "stdin" and index < len(result.steps):
            fields["output"] = result.steps[index].stdout.text  # strict runs test i as step i
        else:
            fields["output"] = verdict.tests[index].actual or ""
        fields["error"] = verdict.tests[index].detail or verdict.detail
    else:
        fields["error"] = verdict.detail
    if mode == "upstream":
        fields["error"] = str(meta.get("error") or meta.get("error_message") or fields["error"])
    shown = {name: truncate(fields.get(name, "")) for name in FEEDBACK_FIELDS[kind]}
    return Feedback(kind, shown, mode)


def repair_messages(template: RepairTemplate, problem: LCBProblem, code: str, feedback: Feedback) -> list[Message]:
    where = template.file.path
    text = fill(template.feedback[feedback.kind], feedback.fields, where)
    fields = {
        "question": problem.content.strip(),
        "code": code.rstrip("\n"),
        "feedback": text,
        "starter_code": problem.starter_code.rstrip(),
    }
    system = [Message("system", template.system)] if template.system else []
    return [*system, Message("user", fill(template.user, fields, where))]


def _restricted(turn: TurnRecord, modes: tuple[str, ...], run_id: str) -> TurnRecord:
    """An earlier run's turn judged by this run's modes only, its primary verdict as the turn's status."""
    result = dataclasses.replace(turn.result, verdicts={m: turn.result.verdicts[m] for m in modes})
    primary = result.verdicts[modes[0]]
    result.status, result.detail, result.tests = primary.status, primary.detail, primary.tests
    generation = dataclasses.replace(turn.generation, extras={**turn.generation.extras, "from_run": run_id})
    return dataclasses.replace(turn, generation=generation, result=result)


@register
class LCBSelfRepair(LCBGeneration):
    name = "lcb-self-repair"
    description = "LiveCodeBench self-repair: a failed code-generation answer gets test feedback and a second turn"
    accepts_from_run = True
    generation_task = LCBGeneration.name  # the task whose runs --from-run accepts

    def __init__(self, options):
        super().__init__(options)
        if self.template.extraction != "fence":
            raise UserError(
                f"{self.name} grades chat answers (fenced code); prompt template {self.template.file.name!r} "
                "is for base models."
            )
        self.repair = load_repair_template()
        self.from_run: dict[str, Any] | None = None
        self.earlier: dict[tuple[str, int], SampleRecord] = {}

    # -- turn 1 from an earlier run

    def load(self) -> list[LCBProblem]:
        if self.options.from_run is None:
            return super().load()
        self._read_earlier(Path(self.options.from_run))  # before the data: a wrong run dir is refused at once
        # the problems the earlier run answered, in this run's order (--ids/--limit select among them)
        ran = {problem_id for problem_id, _ in self.earlier}
        self.problems = [p for p in super().load() if p.id in ran]
        if not self.problems:
            raise UserError(f"--from-run {self.options.from_run} answered none of the selected problems.")
        return self.problems

    def _read_earlier(self, path: Path) -> None:
        if not (path / "run.json").is_file():
            raise UserError(f"--from-run {path} is not a run directory (it has no run.json).")
        store = RunStore.open(path)
        run = store.read_run()
        task = run.get("task", {})
        conditions = run.get("eval", {}).get("conditions", [""])
        missing = [m for m in self.modes if m not in (task.get("grading") or [])]
        if task.get("name") != self.generation_task:
            raise UserError(
                f"--from-run {path} is a run of {task.get('name')!r}; {self.name} repairs the answers of "
                f"an {self.generation_task} run."
            )
        if missing:
            have = task.get("grading") or ["no mode"]
            raise UserError(
                f"--from-run {path} was graded by {' and '.join(have)} only, but this run grades by "
                f"{' and '.join(self.modes)}; pass --grading {have[0]} to match it."
            )
        if len(conditions) != 1:
            raise UserError(f"--from-run {path} is a sweep of {len(conditions)} conditions; repair takes just one.")
        self.earlier = {(r.problem_id, r.sample_index): r for r in store.samples()}
        self.from_run = {
            "path": str(self.options.from_run),
            "run_id": run.get("run_id"),
            "config_hash": run.get("config_hash"),
            "task": task.get("name"),
            "prompt_template": task.get("prompt_template"),
        }

    def prior_turns(self, problem: LCBProblem, sample_index: int) -> list[TurnRecord]:
        if self.from_run is None:
            return []
        record = self.earlier.get((problem.id, sample_index))
        if record is None or not record.turns:
            raise UserError(
                f"--from-run {self.from_run['path']} has no sample {sample_index + 1} of problem {problem.id}; "
                "select what it ran (--ids, --limit, -n)."
            )
        turn = record.turns[0]
        if any(m not in turn.result.verdicts for m in self.modes):
            raise UserError(
                f"--from-run {self.from_run['path']}: sample {sample_index + 1} of problem {problem.id} "
                f"has no {self.modes[0]} verdict."
            )
        return [_restricted(turn, self.modes, str(self.from_run["run_id"]))]

    # -- turn 2

    def feedback(self, problem: LCBProblem, result: ExecResult) -> Feedback | None:
        """The feedback on turn 1 from the primary mode's verdict (the next mode's when the primary
        excludes the problem); None when the sample needs no repair."""
        for mode in self.modes:
            verdict = result.verdicts.get(mode)
            if verdict is None or verdict.status == "excluded":
                continue
            return feedback_for(problem, result, mode)
        return None

    def request(self, problem: LCBProblem, sample_index: int, turns: list[TurnRecord]) -> Request | None:
        if not turns:
            return super().request(problem, sample_index, turns)
        if len(turns) > 1:
            return None
        first = turns[0]
        feedback = self.feedback(problem, first.result)
        if feedback is None:
            return None
        verdict = first.result.verdicts[feedback.mode]
        code = verdict.candidate if verdict.candidate is not None else first.candidate or ""
        messages = repair_messages(self.repair, problem, code, feedback)
        return Request(problem.id, sample_index, 1, messages, prefill=self.repair.prefill)

    def config(self) -> dict[str, Any]:
        return {
            **super().config(),
            "turns": 2,
            "self_repair": {"template": self.repair.file.record(), "from_run": self.from_run},
        }


@register
class LCBSelfRepairDemo(LCBSelfRepair, LCBGenerationDemo):
    name = "lcb-self-repair-demo"
    description = "self-repair on the 10 bundled LiveCodeBench-style problems (lcb-generation-demo's)"
    generation_task = LCBGenerationDemo.name
