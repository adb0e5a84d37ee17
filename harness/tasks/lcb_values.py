"""LiveCodeBench's two scenarios whose answers are values: code execution (what does
``f(...)`` return?) and test output prediction (complete ``assert fn(...) == ??``).

Answers are judged on the host: the answer is parsed with ``ast.literal_eval`` and
compared by type-aware equality; nothing a model wrote is ever evaluated on the host.
Two grading modes, as for code generation:

- ``upstream``: lcb_runner's extraction and metric, quirks included. Code execution
  keeps the text after the first ``==`` (so ``'a==b'`` breaks), drops answers that
  echo the call from the denominator, and compares with ``==``; test output takes the
  right-hand side of the first ``==`` and compares with ``==`` against the JSON
  value. An answer that is an expression, not a literal, is evaluated the way
  upstream does (it ``eval``s), but here inside the sandbox.
- ``strict``: reasoning stripped, the answer parsed as a Python statement (the
  right-hand side of the assertion's ``==`` by the AST), literals only, and compared
  with types respected (a tuple is not a list, ``True`` is not ``1``; floats within
  1e-6), every answer counted.

Data: ``livecodebench/execution-v2`` and ``livecodebench/test_generation`` from the
hub, or ``--data`` in those formats; code execution also reads CRUXEval's format
(``code``, ``input``, ``output``, ``id``), and test output items can be derived from
code-generation problems' functional public tests (as upstream built its set), marked
``derived``.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from harness import pyast
from harness.errors import UserError
from harness.records import Compact, ExecResult, Job, Message, Request, Step, TestResult, TurnRecord, Verdict
from harness.sandbox.values import MalformedValue, decode, short_repr
from harness.tasks import register
from harness.tasks.base import Sandbox, Task
from harness.tasks.datafiles import Row, by_id, fingerprint, read_rows
from harness.tasks.lcb import DIFFICULTIES, grading_modes, parse_problem, select
from harness.tasks.lcb_grade import DRIVER, close
from harness.templates import TemplateFile, fill, read_template

DATA = Path(__file__).parent / "data"
TEMPLATES = Path(__file__).parent / "templates"
EXECUTION_HUB = "livecodebench/execution-v2"
TEST_OUTPUT_HUB = "livecodebench/test_generation"
EXPRESSION_TIMEOUT_S = 3.0  # upstream's code-execution check timer

_THINK = re.compile(r"<think>.*?</think>", re.S)
_SLOT = "\x00answer\x00"  # marks where a short answer goes in the template's answer


# --------------------------------------------------------------------------- comparison


def answer_equal(actual: Any, expected: Any) -> bool:
    """Type-aware equality: bools apart from numbers, lists apart from tuples, sets and
    dicts by type, floats within 1e-6 absolute or relative (an int may match a float)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        if isinstance(expected, int) and isinstance(actual, int):
            return actual == expected
        return close(float(actual), float(expected))
    if type(actual) is not type(expected):
        return False
    if isinstance(expected, list | tuple):
        return len(actual) == len(expected) and all(map(answer_equal, actual, expected))
    if isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(answer_equal(actual[k], expected[k]) for k in expected)
    return actual == expected


def literal(text: str) -> tuple[bool, Any]:
    """(True, value) when ``text`` is a Python literal; never evaluates anything else."""
    try:
        return True, ast.literal_eval(pyast.parse(text.strip(), mode="eval"))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def assertion_rhs(statement: str) -> str | None:
    """The source of the right-hand side of ``assert X == Y`` (by the AST), or None."""
    try:
        tree = pyast.parse(statement.strip())
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assert):
        return None
    test = tree.body[0].test
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return None
    return ast.get_source_segment(statement.strip(), test.comparators[0])


def expression_job(code: str, expression: str) -> Job:
    step = Step(
        "answer",
        payload={"mode": "expression", "code": code, "expression": expression},
        timeout_s=EXPRESSION_TIMEOUT_S + 1,
        cpu_s=EXPRESSION_TIMEOUT_S,
    )
    return Job("steps", driver=DRIVER, steps=[step], timeout_s=EXPRESSION_TIMEOUT_S + 10)


def sandbox_value(sandbox: Sandbox, code: str, expression: str) -> tuple[bool, Any, str]:
    """Evaluate an answer expression in the sandbox: (ok, value, why not)."""
    result = sandbox.run(expression_job(code, expression))
    step = result.steps[0] if result.steps else None
    if step is None or step.status != "pass":
        return False, None, (step.detail if step else result.detail) or "the expression did not evaluate"
    event = next((e for e in step.events if e.get("event") == "value"), None)
    try:
        return True, decode(event.get("value") if event else None), ""
    except MalformedValue as exc:
        return False, None, str(exc)


def _verdict(ok: bool, detail: str, shown: str | None = None, **extras) -> Verdict:
    status = "pass" if ok else "fail"
    return Verdict(status, ok, detail, [TestResult(status, detail, shown)], extras=extras)


# --------------------------------------------------------------------------- templates


@dataclass(frozen=True)
class AnswerTemplate:
    file: TemplateFile
    system: str
    user: str
    prefill: str
    answer: str  # the reference answer, after the prefill
    cot: bool


def load_answer_template(name: str) -> AnswerTemplate:
    t = read_template(name, TEMPLATES, ("user", "answer"))
    return AnswerTemplate(
        t,
        str(t.data.get("system", "")),
        t.data["user"],
        str(t.data.get("prefill", "")),
        t.data["answer"],
        bool(t.data.get("cot", False)),
    )


# --------------------------------------------------------------------------- shared task shape


class ValueTask(Task):
    """A single-turn task whose answer is a value judged on the host."""

    candidate_kind = "answer"
    compact_framing: ClassVar[str]  # the HRM framing of its items (harness.hrm.programs.FRAMINGS)
    default_prompt: ClassVar[str]
    demo_file: ClassVar[str | None] = None
    hub_id: ClassVar[str]

    def __init__(self, options):
        super().__init__(options)
        self.modes = grading_modes(options.grading)
        self.template = load_answer_template(options.prompt or self.default_prompt)
        self.source = ""
        self.items: list[Any] = []

    def _rows(self) -> list[Row]:
        if self.demo_file is not None and self.options.data is None:
            self.source = f"bundled:{self.demo_file}"
            return read_rows(DATA / self.demo_file)
        if self.options.data is not None:
            self.source = str(self.options.data)
            return read_rows(self.options.data)
        return self._hub_rows()

    def _hub_rows(self) -> list[Row]:
        revision = self.options.revision or "main"
        self.source = f"hf://{self.hub_id}@{revision}"
        try:
            import datasets

            loaded = datasets.load_dataset(self.hub_id, split="test", revision=revision)
        except Exception as exc:
            raise UserError(
                f"Could not load {self.hub_id} from the Hugging Face hub ({type(exc).__name__}); offline, pass "
                f"--data PATH to a local copy (jsonl, json, parquet or a directory)."
            ) from None
        return [(f"{self.hub_id}#{i}", dict(row)) for i, row in enumerate(loaded)]

    def load(self) -> list[Any]:
        items = by_id(((o, item) for o, row in self._rows() for item in self.parse(o, row)), "item id")
        every = sorted(items.values(), key=self.sort_key)
        if (self.options.start_date or self.options.end_date) and any(i.contest_date is None for i in every):
            raise UserError(f"{self.source} has items without contest dates; drop --start-date/--end-date.")
        if self.options.platform not in (None, "leetcode"):
            raise UserError(
                f"{self.name} items all come from LeetCode; --platform {self.options.platform} selects none."
            )
        self.items = select(every, self.options)  # items carry no platform: the filter passes them
        if not self.items:
            raise UserError(f"No {self.name} items in {self.source} match the selection.")
        return self.items

    def request(self, item: Any, sample_index: int, turns: list[TurnRecord]) -> Request | None:
        if turns:
            return None
        fields = self.fields(item)
        messages = [Message("system", self.template.system)] if self.template.system else []
        messages.append(Message("user", fill(self.template.user, fields, self.template.file.path)))
        reference = fill(self.template.answer, fields, self.template.file.path)
        prefill = fill(self.template.prefill, fields, self.template.file.path)
        return Request(
            item.id, sample_index, 0, messages, prefill=prefill, reference=reference, compact=self.compact(item, fields)
        )

    def compact(self, item: Any, fields: dict[str, str]) -> Compact | None:
        """The item as a short question (see ``compact_question``), its answer placed where the
        template's answer puts ``{output}``; None for a template without ``{output}``."""
        marked = fill(self.template.answer, {**fields, "output": _SLOT}, self.template.file.path)
        if marked.count(_SLOT) != 1:
            return None
        prefix, suffix = marked.split(_SLOT)
        return Compact(self.compact_framing, self.compact_question(item), prefix, suffix)

    def extract(self, item: Any, answer: str) -> str | None:
        return self.strict_answer(item, answer)[0]

    def job(self, item: Any, candidate: str) -> Job:
        raise NotImplementedError("value tasks judge on the host (see evaluate)")

    def evaluate(
        self, item: Any, answer: str, sandbox: Sandbox, prior: Sequence[TurnRecord] = ()
    ) -> tuple[str | None, ExecResult]:
        judged: dict[str, Verdict] = {}
        strict_text, why = self.strict_answer(item, answer)
        if "strict" in self.modes:
            judged["strict"] = self.strict_verdict(item, strict_text, why)
        if "upstream" in self.modes:
            judged["upstream"] = self.upstream_verdict(item, answer, sandbox)
        primary = judged[self.modes[0]]
        return strict_text, ExecResult(primary.status, primary.detail, list(primary.tests), verdicts=judged)

    def strict_verdict(self, item: Any, text: str | None, why: str) -> Verdict:
        if text is None:
            return Verdict("no_code", False, why)
        ok, value = literal(text)
        if not ok:
            return _verdict(False, f"not a Python literal: {text[:80]!r}", chosen=why)
        expected = self.expected(item)
        equal = answer_equal(value, expected)
        return _verdict(equal, "" if equal else f"expected {short_repr(expected)}", short_repr(value), chosen=why)

    def upstream_value(self, item: Any, text: str, sandbox: Sandbox, code: str = "") -> tuple[bool, Any, str]:
        """Upstream evaluates the answer text: literals here on the host, anything else in the sandbox."""
        ok, value = literal(text)
        if ok:
            return True, value, ""
        try:
            pyast.parse(text.strip(), mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            return False, None, f"{type(exc).__name__}: {exc}"  # eval would raise the same; no need to run it
        return sandbox_value(sandbox, code, text)

    def groups(self, item: Any) -> dict[str, str]:
        return {"difficulty": item.difficulty} if item.difficulty else {}

    def config(self) -> dict[str, Any]:
        o = self.options
        return {
            "name": self.name,
            "source": self.source,
            "window": {"start_date": o.start_date, "end_date": o.end_date},
            "difficulty": o.difficulty,
            "grading": list(self.modes),
            "prompt_template": self.template.file.record(),
            "dataset_sha256": fingerprint([i.__dict__ for i in self.items]),
            "num_problems": len(self.items),
            "groups": {i.id: self.groups(i) for i in self.items},
            **self.extra_config(),
        }

    def extra_config(self) -> dict[str, Any]:
        return {}


def _date(value: Any) -> str | None:
    return None if value in (None, "") else str(value).replace(" ", "T")[:19]


def _difficulty(value: Any, origin: str) -> str | None:
    if value in (None, ""):
        return None
    if str(value).lower() not in DIFFICULTIES:
        raise UserError(f"{origin}: difficulty must be one of {', '.join(DIFFICULTIES)}.")
    return str(value).lower()


# --------------------------------------------------------------------------- code execution


@dataclass(frozen=True)
class ExecutionItem:
    id: str
    code: str
    call: str  # the full call expression, e.g. f(x = 1)
    output: str  # a Python literal
    contest_date: str | None
    difficulty: str | None
    source: str  # execution-v2 or cruxeval


def parse_execution(origin: str, row: dict[str, Any]) -> list[ExecutionItem]:
    for key in ("id", "code", "input", "output"):
        if not isinstance(row.get(key), str):
            raise UserError(f"{origin}: missing string field {key!r}.")
    cruxeval = "function_name" not in row
    call = f"f({row['input']})" if cruxeval else row["input"]
    if not literal(row["output"])[0]:
        raise UserError(f"{origin}: 'output' is not a Python literal.")
    return [
        ExecutionItem(
            row["id"],
            row["code"],
            call,
            row["output"],
            _date(row.get("contest_date")),
            _difficulty(row.get("difficulty"), origin),
            "cruxeval" if cruxeval else "execution-v2",
        )
    ]


def _sample_number(item_id: str) -> tuple[int, str]:
    tail = item_id.rsplit("_", 1)[-1]
    return (int(tail), item_id) if tail.isdigit() else (1 << 30, item_id)


def upstream_execution_extract(answer: str, cot: bool) -> str:
    """lcb_runner's rule: after the first [ANSWER] (CoT), then between the first and
    second ``==``, cut at [/ANSWER] or else at the first line break."""
    text = answer
    if cot and "[ANSWER]" in text:
        text = text.split("[ANSWER]")[1].strip()
    if "==" in text:
        text = text.split("==")[1].strip()
    text = text.split("[/ANSWER]")[0] if "[/ANSWER]" in text else text.split("\n")[0]
    return text.strip()


@register
class LCBExecution(ValueTask):
    name = "lcb-execution"
    compact_framing = "execution"
    description = "LiveCodeBench code execution: predict what a function returns (execution-v2 or CRUXEval format)"
    default_prompt = "lcb-execution-direct"
    hub_id = EXECUTION_HUB
    sort_key = staticmethod(lambda item: _sample_number(item.id))

    def parse(self, origin: str, row: dict[str, Any]) -> list[ExecutionItem]:
        return parse_execution(origin, row)

    def fields(self, item: ExecutionItem) -> dict[str, str]:
        return {"code": item.code.rstrip(), "call": item.call, "output": item.output}

    def compact_question(self, item: ExecutionItem) -> str:
        """The function, then the call on its own line."""
        return f"{item.code.rstrip()}\n{item.call}"

    def expected(self, item: ExecutionItem) -> Any:
        return literal(item.output)[1]

    def strict_answer(self, item: ExecutionItem, answer: str) -> tuple[str | None, str]:
        text = _THINK.sub("", answer)
        if "</think>" in text:
            text = text.rsplit("</think>", 1)[1]
        blocks = re.findall(r"\[ANSWER\](.*?)(?:\[/ANSWER\]|\Z)", text, re.S)
        body = blocks[-1].strip() if blocks else text.strip()
        if not body:
            return None, "empty answer"
        rhs = assertion_rhs(body)
        if rhs is not None:
            return rhs, "right-hand side of the answer's assertion"
        first = body.split("\n")[0].strip()
        rhs = assertion_rhs(first)
        if rhs is not None:
            return rhs, "right-hand side of the answer's first-line assertion"
        return body, "the answer text as a value"

    def upstream_verdict(self, item: ExecutionItem, answer: str, sandbox: Sandbox) -> Verdict:
        text = upstream_execution_extract(answer, self.template.cot)
        if item.call in text:  # upstream drops such answers from the denominator
            verdict = Verdict("fail", False, "the answer repeats the call; lcb_runner drops it from the denominator")
            verdict.extras = {"dropped": True, "prediction": text}
            return verdict
        ok, value, why = self.upstream_value(item, text, sandbox, item.code)
        if not ok:
            return _verdict(False, f"the answer does not evaluate: {why}"[:200], prediction=text)
        try:
            equal = bool(self.expected(item) == value)
        except Exception:
            equal = False
        return _verdict(equal, "" if equal else f"expected {item.output[:120]}", short_repr(value), prediction=text)

    def extra_config(self) -> dict[str, Any]:
        return {"formats": sorted({i.source for i in self.items}), "cot": self.template.cot}


@register
class LCBExecutionDemo(LCBExecution):
    name = "lcb-execution-demo"
    description = "12 code-execution items written by this project in execution-v2's format (bundled)"
    demo_file = "lcb_execution_demo.jsonl"


# --------------------------------------------------------------------------- test output prediction


@dataclass(frozen=True)
class TestOutputItem:
    __test__ = False
    id: str
    question_id: str
    test_id: int
    content: str
    starter_code: str  # a plain function stub
    fn_name: str
    input: str  # one JSON value per line
    output: str  # a JSON value
    contest_date: str | None
    difficulty: str | None
    derived: bool  # built here from a code-generation problem's public test


def function_stub(starter_code: str, fn_name: str) -> str:
    """A LeetCode method stub as a plain function stub (``self`` dropped, body ``pass``)."""
    lines = starter_code.split("\n")
    for i, line in enumerate(lines):
        if re.match(rf"\s*def\s+{re.escape(fn_name)}\s*\(", line):
            signature = line.strip()
            signature = re.sub(r"\(\s*self\s*,?\s*", "(", signature, count=1)
            return f"{signature}\n    pass" if signature.endswith(":") else "\n".join(lines[i:])
    return f"def {fn_name}(*args):\n    pass"


def parse_test_output(origin: str, row: dict[str, Any]) -> list[TestOutputItem]:
    if "public_test_cases" in row:  # a code-generation problem: derive one item per functional public test
        problem = parse_problem(origin, row)
        if problem.fn_name is None:
            return []
        stub = function_stub(problem.starter_code, problem.fn_name)
        return [
            TestOutputItem(
                f"{problem.id}_{i}",
                problem.id,
                i,
                problem.content,
                stub,
                problem.fn_name,
                t.input,
                t.output,
                problem.contest_date,
                problem.difficulty,
                True,
            )
            for i, t in enumerate(problem.public)
        ]
    for key in ("question_id", "question_content", "starter_code", "function_name", "test"):
        if not isinstance(row.get(key), str):
            raise UserError(f"{origin}: missing string field {key!r}.")
    try:
        test = json.loads(row["test"])[0]
        inputs, output = str(test["input"]), str(test["output"])
        json.loads(output)
    except (ValueError, KeyError, IndexError, TypeError):
        raise UserError(f"{origin}: 'test' must be a JSON list holding one {{input, output}} test.") from None
    test_id = int(row.get("test_id", 0))
    return [
        TestOutputItem(
            f"{row['question_id']}_{test_id}",
            row["question_id"],
            test_id,
            row["question_content"],
            row["starter_code"],
            row["function_name"],
            inputs,
            output,
            _date(row.get("contest_date")),
            _difficulty(row.get("difficulty"), origin),
            False,
        )
    ]


def upstream_test_output_extract(answer: str) -> str:
    """lcb_runner's rule: the last line starting with ``assert``; else the first python block."""
    lines = answer.split("\n")
    asserts = [line for line in lines if line.startswith("assert")]
    if asserts:
        return asserts[-1]
    fences = [i for i, line in enumerate(lines) if "```" in line]
    start = next((i for i, line in enumerate(lines) if "```python" in line or "```Python" in line), None)
    if start is not None:
        end = next((i for i in fences if i > start), None)
        return "\n".join(lines[start + 1 : end]) if end is not None else ""
    return "\n".join(lines[fences[0] + 1 : fences[1]]) if len(fences) >= 2 else ""


@register
class LCBTestOutput(ValueTask):
    name = "lcb-test-output"
    compact_framing = "test-output"
    description = "LiveCodeBench test output prediction: complete assert fn(input) == ?? (LeetCode problems)"
    default_prompt = "lcb-test-output-chat"
    hub_id = TEST_OUTPUT_HUB
    sort_key = staticmethod(lambda item: (item.question_id, item.test_id))

    def parse(self, origin: str, row: dict[str, Any]) -> list[TestOutputItem]:
        return parse_test_output(origin, row)

    def fields(self, item: TestOutputItem) -> dict[str, str]:
        args = ", ".join(item.input.split("\n"))
        truth = repr(json.loads(item.output))
        return {
            "question": item.content.strip(),
            "starter_code": item.starter_code,
            "call": f"{item.fn_name}({args})",
            "output": truth,
        }

    def expected(self, item: TestOutputItem) -> Any:
        return json.loads(item.output)

    def compact_question(self, item: TestOutputItem) -> str:
        """The problem statement, then the call on its own line."""
        return f"{item.content.strip()}\n{self.fields(item)['call']}"

    def strict_answer(self, item: TestOutputItem, answer: str) -> tuple[str | None, str]:
        text = _THINK.sub("", answer)
        if "</think>" in text:
            text = text.rsplit("</think>", 1)[1]
        candidates = [line.strip() for line in text.split("\n") if line.strip().startswith("assert")]
        for line in reversed(candidates):
            rhs = assertion_rhs(line)
            if rhs is not None:
                return rhs, "right-hand side of the last assertion that parses"
        return None, "no assertion with == found"

    def upstream_verdict(self, item: TestOutputItem, answer: str, sandbox: Sandbox) -> Verdict:
        pred = upstream_test_output_extract(answer)
        lines = pred.split("\n")
        if len(lines) > 1:
            pred = next((line for line in lines if not line.startswith("#") and "assert" in line), pred)
        pred = pred.strip()
        text = pred
        if "assert" in pred:
            text = assertion_rhs_first(pred)
        ok, value, why = self.upstream_value(item, text, sandbox)
        if not ok:
            return _verdict(False, f"the answer does not evaluate: {why}"[:200], prediction=text)
        try:
            equal = bool(value == self.expected(item))
        except Exception:
            equal = False
        return _verdict(equal, "" if equal else f"expected {item.output[:120]}", short_repr(value), prediction=text)

    def extra_config(self) -> dict[str, Any]:
        return {"derived_from_code_generation": any(i.derived for i in self.items)}


def assertion_rhs_first(statement: str) -> str:
    """lcb_runner's parse: the right-hand side of the first ``==`` of an assert, or its error text."""
    try:
        tree = pyast.parse(statement)
    except SyntaxError:
        return "Invalid syntax"
    if not tree.body:
        return "Empty statement"
    if not isinstance(tree.body[0], ast.Assert):
        return "Not an assert statement"
    test = tree.body[0].test
    if not isinstance(test, ast.Compare) or not isinstance(test.ops[0], ast.Eq):
        return "Not an equality assertion"
    return ast.get_source_segment(statement, test.comparators[0]) or ""


@register
class LCBTestOutputDemo(LCBTestOutput):
    name = "lcb-test-output-demo"
    description = "8 test-output items written by this project in test_generation's format (bundled)"
    demo_file = "lcb_test_output_demo.jsonl"
