"""LiveCodeBench code generation (Jain et al., 2024): stdin programs and LeetCode-style
functional problems from contests dated May 2023 on, graded in the sandbox under two
modes (``harness.tasks.lcb_grade``): ``upstream`` (lcb_runner's verdicts) and
``strict`` (every test, float tolerance, real stdin, errata excluded).

Data: the hub's ``code_generation_lite`` release files, or ``--data PATH`` in the same
format (``lcb-generation-demo`` bundles 10 problems we wrote). ``--start-date``,
``--end-date`` (inclusive, on contest_date), ``--platform`` and ``--difficulty`` select.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.errors import UserError
from harness.records import ExecResult, Limits, Message, Output, Request, StepResult, TurnRecord, Verdict
from harness.tasks import register
from harness.tasks.base import Sandbox, Task
from harness.tasks.datafiles import Row, by_id, fingerprint, read_rows
from harness.tasks.extract import parses
from harness.tasks.lcb_data import GENERATION_HUB, GENERATION_REVISION, decode_tests, hub_generation_rows
from harness.tasks.lcb_driver import PRELUDE_MODULES
from harness.tasks.lcb_grade import (
    ERRATA,
    MODES,
    LCBTest,
    build_job,
    excluded_verdict,
    strict_verdict,
    upstream_verdict,
)
from harness.templates import TemplateFile, fill, read_template

DATA = Path(__file__).parent / "data"
TEMPLATES = Path(__file__).parent / "templates"
PLATFORMS = ("atcoder", "codeforces", "leetcode")
DIFFICULTIES = ("easy", "medium", "hard")


@dataclass(frozen=True)
class LCBProblem:
    id: str
    title: str
    content: str
    platform: str
    contest_id: str
    contest_date: str
    difficulty: str
    starter_code: str
    fn_name: str | None
    public: tuple[LCBTest, ...]
    private: tuple[LCBTest, ...]

    @property
    def kind(self) -> str:
        return "call" if self.fn_name else "stdin"

    @property
    def tests(self) -> list[LCBTest]:
        return [*self.public, *self.private]


def _text(row: dict[str, Any], key: str, origin: str) -> str:
    value = row.get(key)
    if not isinstance(value, str):
        raise UserError(f"{origin}: missing string field {key!r}.")
    return value


def _tests(raw: Any, origin: str, field: str) -> tuple[LCBTest, ...]:
    if raw in (None, ""):
        return ()
    items = decode_tests(raw, f"{origin} ({field})") if isinstance(raw, str) else raw
    if not isinstance(items, list):
        raise UserError(f"{origin}: {field} must be a list of tests.")
    tests = []
    for item in items:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("input"), str)
            or not isinstance(item.get("output"), str)
        ):
            raise UserError(f"{origin}: every test in {field} needs string 'input' and 'output'.")
        tests.append(LCBTest(item["input"], item["output"]))
    return tuple(tests)


def parse_problem(origin: str, row: dict[str, Any]) -> LCBProblem:
    """Validate one code_generation_lite row (every value a string, as on the hub)."""
    metadata = row.get("metadata") or "{}"
    try:
        meta = json.loads(metadata) if isinstance(metadata, str) else dict(metadata)
    except (json.JSONDecodeError, TypeError, ValueError):
        raise UserError(f"{origin}: 'metadata' is not a JSON object.") from None
    platform = _text(row, "platform", origin).lower()
    difficulty = _text(row, "difficulty", origin).lower()
    if platform not in PLATFORMS or difficulty not in DIFFICULTIES:
        raise UserError(f"{origin}: platform must be one of {PLATFORMS} and difficulty one of {DIFFICULTIES}.")
    problem = LCBProblem(
        id=_text(row, "question_id", origin),
        title=str(row.get("question_title", "")),
        content=_text(row, "question_content", origin),
        platform=platform,
        contest_id=str(row.get("contest_id", "")),
        contest_date=str(_text(row, "contest_date", origin))[:19],
        difficulty=difficulty,
        starter_code=str(row.get("starter_code") or ""),
        fn_name=meta.get("func_name") or None,
        public=_tests(row.get("public_test_cases"), origin, "public_test_cases"),
        private=_tests(row.get("private_test_cases"), origin, "private_test_cases"),
    )
    if not problem.public and not problem.private:
        raise UserError(f"{origin}: problem {problem.id} has no tests.")
    return problem


def select(problems: list[Any], options) -> list[Any]:
    """The contest window (inclusive dates), platform and difficulty filters."""
    for flag in ("start_date", "end_date"):
        value = getattr(options, flag)
        if value is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise UserError(f"--{flag.replace('_', '-')} must be a date like 2024-01-31, got {value!r}.")
    for flag, allowed in (("platform", PLATFORMS), ("difficulty", DIFFICULTIES)):
        value = getattr(options, flag)
        if value is not None and value not in allowed:
            raise UserError(f"--{flag} must be one of {', '.join(allowed)}, got {value!r}.")
    out = []
    for p in problems:
        day = (p.contest_date or "")[:10]  # items without a date pass (dated filters refuse such sets)
        if day and (options.start_date and day < options.start_date or options.end_date and day > options.end_date):
            continue
        if options.platform and getattr(p, "platform", options.platform) != options.platform:
            continue
        if options.difficulty and p.difficulty != options.difficulty:
            continue
        out.append(p)
    return out


def grading_modes(grading: str) -> tuple[str, ...]:
    if grading == "both":
        return MODES
    if grading not in MODES:
        raise UserError(f"--grading must be upstream, strict or both, got {grading!r}.")
    return (grading,)


# --------------------------------------------------------------------------- extraction

_THINK = re.compile(r"<think>.*?</think>", re.S)
_FENCE_LINE = re.compile(r"^[ \t]*```")
_BLOCK = re.compile(r"^[ \t]*```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)^[ \t]*```", re.S | re.M)


def upstream_extract(answer: str) -> str:
    """lcb_runner's rule: the lines between the last two lines that contain a fence."""
    lines = answer.split("\n")
    fences = [i for i, line in enumerate(lines) if "```" in line]
    if len(fences) < 2:
        return ""
    return "\n".join(lines[fences[-2] + 1 : fences[-1]])


def strict_extract(answer: str) -> tuple[str | None, str]:
    """Reasoning stripped; the last fenced python block that parses, else the last that
    parses, else the last python block; unfenced text only when it parses. Returns the
    code and a note of what was chosen."""
    text = _THINK.sub("", answer.replace("\r\n", "\n"))
    if "</think>" in text:  # an opening tag the template prefilled, or a lost one
        text = text.rsplit("</think>", 1)[1]
    blocks = [(tag.lower(), body) for tag, body in _BLOCK.findall(text)]
    python = [(i, b) for i, (tag, b) in enumerate(blocks) if tag in ("python", "py", "python3")]
    for label, pool in (
        ("last python block that parses", python),
        ("last block that parses", list(enumerate(b for _, b in blocks))),
    ):
        for i, body in reversed(pool):
            if body.strip() and parses(body):
                return body, f"{label} (block {i + 1} of {len(blocks)})"
    if python:
        return python[-1][1], f"last python block, which does not parse (block {python[-1][0] + 1} of {len(blocks)})"
    if not blocks and text.strip() and parses(text):
        return text.strip() + "\n", "the whole answer (no fences; it parses)"
    return None, "no code block found"


# --------------------------------------------------------------------------- prompts


@dataclass(frozen=True)
class GenerationTemplate:
    file: TemplateFile
    system: str
    user_starter: str
    user_stdin: str
    prefill: str
    extraction: str  # upstream's rule for this style: "fence" (chat) or "whole" (base)


def load_generation_template(name: str) -> GenerationTemplate:
    t = read_template(name, TEMPLATES, ("user_starter", "user_stdin"))
    extraction = str(t.data.get("upstream_extraction", "fence"))
    if extraction not in ("fence", "whole"):
        raise UserError(f"Prompt template {t.path}: upstream_extraction must be 'fence' or 'whole'.")
    return GenerationTemplate(
        t,
        str(t.data.get("system", "")),
        t.data["user_starter"],
        t.data["user_stdin"],
        str(t.data.get("prefill", "")),
        extraction,
    )


def generation_messages(template: GenerationTemplate, problem: LCBProblem) -> list[Message]:
    fields = {"question": problem.content.strip(), "starter_code": problem.starter_code.rstrip()}
    user = template.user_starter if problem.starter_code.strip() else template.user_stdin
    messages = [Message("system", template.system)] if template.system else []
    return [*messages, Message("user", fill(user, fields, template.file.path))]


# --------------------------------------------------------------------------- the task


@register
class LCBGeneration(Task):
    name = "lcb-generation"
    description = "LiveCodeBench code generation (stdin and functional), graded upstream's way and strictly"
    default_prompt = "lcb-generation-chat"
    default_test_timeout_s = 6.0  # lcb_runner's --timeout
    default_memory_mb = 1024  # AtCoder's limit; lcb_runner sets none
    no_reference = (
        "LiveCodeBench code generation has no canonical solutions to replay; evaluate a model, or programs with "
        "--generator samples --samples FILE."
    )
    sandbox_preload = (*PRELUDE_MODULES, "unittest.mock", "ast", "traceback")

    def __init__(self, options):
        super().__init__(options)
        self.modes = grading_modes(options.grading)
        self.template = load_generation_template(options.prompt or self.default_prompt)
        self.source, self.files, self.public_only = "", [], False
        self.problems: list[LCBProblem] = []

    def _rows(self) -> list[Row]:
        if self.options.data is not None:
            self.source = str(self.options.data)
            return read_rows(self.options.data)
        release = self.options.release or "release_latest"
        revision = self.options.revision or GENERATION_REVISION
        self.source = f"hf://{GENERATION_HUB}/{release}@{revision}"
        rows, self.files = hub_generation_rows(release, revision)
        return rows

    def load(self) -> list[LCBProblem]:
        seen = by_id(((o, parse_problem(o, row)) for o, row in self._rows()), "question_id")
        every = sorted(seen.values(), key=lambda p: p.id)  # upstream's sort key
        self.public_only = not any(p.private for p in every)
        self.problems = select(every, self.options)
        if not self.problems:
            raise UserError(f"No LiveCodeBench problems in {self.source} match the selection.")
        return self.problems

    def request(self, problem: LCBProblem, sample_index: int, turns: list[TurnRecord]) -> Request | None:
        if turns:
            return None
        messages = generation_messages(self.template, problem)
        return Request(problem.id, sample_index, 0, messages, prefill=self.template.prefill)

    def extract(self, problem: LCBProblem, answer: str) -> str | None:
        return strict_extract(answer)[0]

    def job(self, problem: LCBProblem, candidate: str):
        return build_job(problem.kind, problem.fn_name, problem.tests, candidate, None, self._limits())

    def _limits(self) -> Limits:
        return self.limits or Limits(test_timeout_s=self.default_test_timeout_s)

    def evaluate(
        self, problem: LCBProblem, answer: str, sandbox: Sandbox, prior: Sequence[TurnRecord] = ()
    ) -> tuple[str | None, ExecResult]:
        """One sandbox job for every mode's candidate; each mode's verdict from its own steps."""
        strict_code, chosen = strict_extract(answer)
        upstream_code = upstream_extract(answer) if self.template.extraction == "fence" else answer.strip()
        excluded = ERRATA.get(problem.id)
        grade_strict = "strict" in self.modes and strict_code is not None and not excluded
        grade_upstream = "upstream" in self.modes
        result = ExecResult("pass")
        if grade_strict or grade_upstream:
            job = build_job(
                problem.kind,
                problem.fn_name,
                problem.tests,
                strict_code if grade_strict else None,
                upstream_code if grade_upstream else None,
                self._limits(),
            )
            result = sandbox.run(job)
        judged: dict[str, Verdict] = {}
        if "strict" in self.modes:
            if excluded:
                judged["strict"] = excluded_verdict(excluded)
            elif strict_code is None:
                judged["strict"] = Verdict("no_code", False, chosen)
            else:
                judged["strict"] = strict_verdict(problem.kind, problem.tests, result.steps[: len(problem.tests)])
                judged["strict"].notes.append(f"candidate: {chosen}")
        if grade_upstream:
            loads = parses(upstream_code)
            verdict = upstream_verdict(problem.kind, problem.tests, result.steps[-1], loads, result.status)
            if upstream_code != strict_code:
                verdict.candidate = upstream_code
            judged["upstream"] = verdict
        primary = judged[self.modes[0]]
        result.status, result.detail, result.tests = primary.status, primary.detail, primary.tests
        result.verdicts = judged
        result.steps = [_shortened(step) for step in result.steps]
        return strict_code, result

    def groups(self, problem: LCBProblem) -> dict[str, str]:
        return {"difficulty": problem.difficulty, "platform": problem.platform}

    def config(self) -> dict[str, Any]:
        o = self.options
        return {
            "name": self.name,
            "source": self.source,
            "release": o.release if o.data is None else None,
            "files": self.files,
            "public_tests_only": self.public_only,
            "window": {"start_date": o.start_date, "end_date": o.end_date},
            "platform": o.platform,
            "difficulty": o.difficulty,
            "grading": list(self.modes),
            "prompt_template": self.template.file.record(),
            "dataset_sha256": fingerprint([p.__dict__ for p in self.problems]),
            "num_problems": len(self.problems),
            "tests": {p.id: {"public": len(p.public), "private": len(p.private)} for p in self.problems},
            "groups": {p.id: self.groups(p) for p in self.problems},
            "excluded_in_strict": {p.id: ERRATA[p.id] for p in self.problems if p.id in ERRATA},
        }


def _shortened(step: StepResult) -> StepResult:
    """A step as samples.jsonl keeps it: outputs cut to 2,000 characters and the reported
    values dropped, since the verdicts have judged them whole."""

    def cut(output: Output) -> Output:
        if len(output.text) <= 2000:
            return output
        return Output(output.text[:1000] + "\n[...]\n" + output.text[-1000:], output.bytes, True)

    events = [{k: v for k, v in e.items() if k not in ("output", "value")} for e in step.events]
    return replace(step, stdout=cut(step.stdout), stderr=cut(step.stderr), events=events)


@register
class LCBGenerationDemo(LCBGeneration):
    name = "lcb-generation-demo"
    description = "10 LiveCodeBench-style problems written by this project (bundled; stdin and functional)"

    def _rows(self) -> list[Row]:
        path = self.options.data or DATA / "lcb_generation_demo.jsonl"
        self.source = str(path) if self.options.data else "bundled:lcb_generation_demo.jsonl"
        return read_rows(path)
