"""LiveCodeBench code grading on the host: sandbox jobs for a candidate, and verdicts
under two modes from what the sandbox reports.

- ``upstream``: lcb_runner's verdicts (stdout lines stripped and compared as strings
  or as exactly equal Decimal lists; call results compared with ``==`` after tuple ->
  list; stop at the first failing test; its error codes True/-2/-3/-4), except where
  lcb_runner mislabels: a crash or a hang it cannot interrupt is recorded by it as
  ``[-2]`` with error_code -5; here the true status is kept and a note says so.
- ``strict``: every test run in its own process under a CPU limit; stdout compared
  token by token per line with 1e-6 absolute/relative tolerance on numbers; call
  results compared by type-aware equality with the same tolerance; the program as
  written; the known-broken problems (``ERRATA``) excluded.

Expected outputs never enter the sandbox.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from harness.records import Job, Limits, Status, Step, StepResult, TestResult, Verdict
from harness.sandbox.values import MalformedValue, decode, short_repr

MODES = ("strict", "upstream")
DRIVER = (Path(__file__).parent / "lcb_driver.py").read_text()
TOLERANCE = 1e-6
UPSTREAM_TRUNCATE = 300  # lcb_runner's truncatefn length for feedback fields

# LiveCodeBench's own errata (its ERRATA.md) and the reference notes: problems whose
# tests cannot be graded by comparing against one answer. Strict mode excludes them.
ERRATA = {
    **dict.fromkeys(
        [
            "abc311_c",
            "abc326_d",
            "abc327_b",
            "abc333_e",
            "abc343_e",
            "abc362_c",
            "abc343_a",
            "arc185_c",
            "find-words-containing-character",
            "find-the-peaks",
            "generate-binary-strings-without-adjacent-zeros",
        ],
        "several outputs are correct but the tests accept one",
    ),
    **dict.fromkeys(["abc337_e", "abc355_e"], "interactive problem"),
    **dict.fromkeys(
        ["abc350_c", "apply-operations-to-make-string-empty", "most-frequent-ids", "arc189_a"], "erroneous tests"
    ),
}
CRASH_NOTE = "lcb_runner would record [-2] (error_code -5): its global timeout or a crash loses every result"


@dataclass(frozen=True)
class LCBTest:
    input: str
    output: str


# --------------------------------------------------------------------------- jobs


def output_cap(expected: str) -> int:
    """Room for any plausible right answer; beyond it the output cannot be right."""
    return max(256 * 1024, 4 * len(expected.encode()) + 4096)


def build_job(
    kind: str,
    fn_name: str | None,
    tests: list[LCBTest],
    strict_code: str | None,
    upstream_code: str | None,
    limits: Limits,
) -> Job:
    """One job for every test of one candidate: a step per test in strict mode, one
    step for all tests in upstream mode (lcb_runner runs them in one process)."""
    cpu = limits.test_timeout_s
    steps: list[Step] = []
    if strict_code is not None:
        for i, test in enumerate(tests):
            payload = {"mode": "strict", "kind": kind, "fn_name": fn_name}
            if kind == "call":
                payload["input"] = test.input
            steps.append(
                Step(
                    f"test {i}",
                    payload=payload,
                    stdin=test.input if kind == "stdin" else "",
                    timeout_s=2 * cpu + 2,
                    cpu_s=cpu,
                    output_bytes=output_cap(test.output),
                )
            )
    if upstream_code is not None:
        alarm = max(1, math.ceil(cpu))
        steps.append(
            Step(
                "upstream",
                payload={
                    "mode": "upstream",
                    "kind": kind,
                    "fn_name": fn_name,
                    "inputs": [t.input for t in tests],
                    "timeout": alarm,
                    "code": upstream_code,
                },
                timeout_s=(alarm + 1) * len(tests) + 5,  # lcb_runner's global timeout
                output_bytes=64 * 1024,
            )
        )
    deadline = sum(s.timeout_s for s in steps) + 10
    return Job("steps", code=strict_code or "", driver=DRIVER, steps=steps, timeout_s=deadline)


# --------------------------------------------------------------------------- comparators


def upstream_lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().split("\n")]


def _decimals(line: str) -> list[Decimal] | None:
    try:
        return [Decimal(token) for token in line.split()]
    except (InvalidOperation, ValueError):
        return None


def upstream_stdout_equal(actual: str, expected: str) -> tuple[bool, str]:
    """lcb_runner's stdout rule; returns (equal, its error message)."""
    got, want = upstream_lines(actual), upstream_lines(expected)
    if len(got) != len(want):
        return False, "Wrong answer: mismatched output length"
    for index, (a, b) in enumerate(zip(got, want, strict=True)):
        if a == b:
            continue
        da, db = _decimals(a), _decimals(b)
        if da is None or db is None or da != db:
            return False, f"Wrong answer at output_line_idx={index}: {truncate(a)} != {truncate(b)}"
    return True, ""


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")


def close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(b))


def _tokens_equal(a: str, b: str) -> bool:
    if a == b:
        return True
    if _INTEGER.fullmatch(a) and _INTEGER.fullmatch(b):
        return int(a) == int(b)
    if _NUMBER.fullmatch(a) and _NUMBER.fullmatch(b):
        return close(float(a), float(b))
    return False


def strict_stdout_equal(actual: str, expected: str) -> tuple[bool, str]:
    """Line by line, token by token; numbers within 1e-6 absolute or relative."""
    got = actual.replace("\r\n", "\n").strip().split("\n")
    want = expected.replace("\r\n", "\n").strip().split("\n")
    if len(got) != len(want):
        return False, f"{len(got)} output lines, expected {len(want)}"
    for index, (a, b) in enumerate(zip(got, want, strict=True)):
        ta, tb = a.split(), b.split()
        if len(ta) != len(tb) or not all(map(_tokens_equal, ta, tb)):
            return False, f"line {index + 1}: {truncate(a.strip(), 120)!r} != {truncate(b.strip(), 120)!r}"
    return True, ""


def strict_value_equal(actual: Any, expected: Any) -> bool:
    """JSON-shaped equality: bools are not numbers, a tuple may stand for a list,
    numbers within the tolerance (integers exactly)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is bool and type(expected) is bool and actual == expected
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        if isinstance(expected, int) and isinstance(actual, int):
            return actual == expected
        return close(float(actual), float(expected))
    if isinstance(expected, list):
        return (
            isinstance(actual, list | tuple)
            and len(actual) == len(expected)
            and all(map(strict_value_equal, actual, expected))
        )
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and set(map(str, actual)) == set(expected)
            and all(strict_value_equal(actual[k], expected[str(k)]) for k in actual)
        )
    return type(actual) is type(expected) and actual == expected


def truncate(text: str, length: int = UPSTREAM_TRUNCATE) -> str:
    return text if len(text) <= length else text[: length // 2] + "...(truncated) ..." + text[-length // 2 :]


def _value(event: dict[str, Any]) -> tuple[bool, Any]:
    try:
        return True, decode(event.get("value"))
    except MalformedValue:
        return False, None


# --------------------------------------------------------------------------- verdicts


def strict_verdict(kind: str, tests: list[LCBTest], steps: list[StepResult]) -> Verdict:
    results = []
    for test, step in zip(tests, steps, strict=True):
        if step.status != "pass":
            results.append(TestResult(step.status, step.detail))
            continue
        if kind == "stdin":
            ok, why = strict_stdout_equal(step.stdout.text, test.output)
            results.append(TestResult("pass" if ok else "fail", why, truncate(step.stdout.text, 200)))
            continue
        event = next((e for e in step.events if e.get("event") == "value"), None)
        ok, actual = _value(event) if event else (False, None)
        if not ok:
            results.append(TestResult("fail", "no value reported"))
            continue
        equal = strict_value_equal(actual, json.loads(test.output))
        detail = "" if equal else f"expected {truncate(test.output, 120)}"
        results.append(TestResult("pass" if equal else "fail", detail, short_repr(actual)))
    bad = next((r for r in results if r.status != "pass"), None)
    if bad is None:
        return Verdict("pass", True, "", results)
    return Verdict(bad.status, False, bad.detail, results)


def upstream_verdict(
    kind: str, tests: list[LCBTest], step: StepResult, parses: bool, job_status: Status = "pass"
) -> Verdict:
    """lcb_runner's verdict from the events of the one upstream step."""
    events = [e for e in step.events if e.get("event") == "upstream"]
    finished = any(e.get("event") == "upstream_done" for e in step.events)
    codes: list[Any] = []
    results: list[TestResult] = []
    metadata: dict[str, Any] = {}
    for event in events:
        index, code = event.get("index"), event.get("code")
        if index is None:  # run_test's handler: the candidate did not load
            status: Status = "error" if parses else "syntax_error"
            message = str(event.get("error", ""))
            metadata = {"error_code": -4, "error_message": message}
            return _upstream(status, False, message, [TestResult(status, message)], [-4], metadata)
        if not isinstance(index, int) or not 0 <= index < len(tests) or index != len(codes):
            continue
        test = tests[index]
        if code is True:
            ok, message, shown = _upstream_compare(kind, test, event)
            if ok:
                codes.append(True)
                results.append(TestResult("pass", "", shown))
                continue
            codes.append(-2 if kind == "stdin" else False)  # lcb_runner appends False for a call's WA
            results.append(TestResult("fail", message, shown))
            metadata = {
                "output": shown,
                "inputs": truncate(inputs_repr(kind, test.input)),
                "expected": truncate(expected_repr(kind, test.output)),
                "error_code": -2,
                "error_message": message,
            }
            return _upstream("fail", False, message, results, codes, metadata)
        code = code if code in (-3, -4) else -4
        status = "timeout" if code == -3 else "error"
        message = str(event.get("error", ""))
        codes.append(code)
        results.append(TestResult(status, message))
        metadata = {
            "error": message,
            "error_code": code,
            "error_message": "Time Limit Exceeded" if code == -3 else "Runtime Error",
            "inputs": truncate(inputs_repr(kind, test.input)),
            "expected": truncate(expected_repr(kind, test.output)),
        }
        return _upstream(status, False, message, results, codes, metadata)
    if finished and len(codes) == len(tests):
        return _upstream("pass", True, "", results, codes, {})
    # The process died or hung before lcb_runner could report: it would say [-2] / -5.
    true_status: Status = step.status if step.status not in ("pass", "not_run") else job_status
    if true_status == "pass":
        true_status = "exited_early"
    detail = step.detail or "the upstream run did not finish"
    results.append(TestResult(true_status, detail))
    metadata = {"error": detail, "error_code": -5, "error_message": "TestRunnerError"}
    verdict = _upstream(true_status, False, detail, results, [-2], metadata)
    verdict.notes.append(CRASH_NOTE)
    return verdict


def _upstream(status, passed, detail, tests, codes, metadata) -> Verdict:
    return Verdict(status, passed, detail, tests, notes=[], extras={"lcb_result": codes, "lcb_metadata": metadata})


def _upstream_compare(kind: str, test: LCBTest, event: dict[str, Any]) -> tuple[bool, str, str]:
    if kind == "stdin":
        output = str(event.get("output", ""))
        ok, message = upstream_stdout_equal(output, test.output)
        return ok, message, truncate(output)
    shown = str(event.get("shown", ""))
    ok, actual = _value(event)
    if not ok:
        return False, "Wrong Answer", shown
    try:
        equal = bool(actual == json.loads(test.output))
    except Exception:
        equal = False
    return equal, "" if equal else "Wrong Answer", shown


def inputs_repr(kind: str, text: str) -> str:
    if kind == "stdin":
        return text
    try:
        return str([json.loads(line) for line in text.split("\n")])
    except ValueError:
        return text


def expected_repr(kind: str, text: str) -> str:
    if kind == "stdin":
        return text
    try:
        return str(json.loads(text))
    except ValueError:
        return text


def excluded_verdict(reason: str) -> Verdict:
    return Verdict("excluded", False, reason, notes=[f"excluded from strict grading: {reason}"])
