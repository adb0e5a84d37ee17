"""Turn the supervisor's raw report of a job into typed statuses.

The report lists events the child wrote (start of a stage, a probe's value, an
exception) plus how the process ended, as seen from outside it (deadline passed,
OOM counter moved, killed by a signal, exited). Events are claims made by a process
that ran candidate code, so nothing here trusts them to mean "pass": a test passes
only when the host-side comparison of its value says so.
"""

from __future__ import annotations

import math
from typing import Any

from harness.records import ExecResult, Job, Output, Status, StepResult, TestResult
from harness.sandbox import TREE_ROOT
from harness.sandbox.values import judge

SIGKILL, SIGXCPU = 9, 24  # Linux numbers, as the container's kernel reports them


def _error_text(error: Any) -> str:
    if not isinstance(error, dict):
        return "unknown error"
    message = str(error.get("message", ""))[:300]
    return f"{error.get('type', 'Exception')}: {message}" if message else str(error.get("type"))


def _ending(raw: dict[str, Any], finished: bool) -> tuple[Status | None, str]:
    """How the process ended, if it did not end by finishing its work."""
    if raw["timed_out"]:
        return "timeout", "deadline passed; killed from outside"
    if raw["oom"]:
        return "oom", "killed by the kernel at the memory limit"
    if raw["signal"] is not None:
        return "killed", f"killed by signal {raw['signal']}"
    if not finished:
        return "exited_early", f"process exited with code {raw['exit_code']} before finishing"
    return None, ""


def classify_python(job: Job, raw: dict[str, Any]) -> ExecResult:
    """Statuses for a job of kind "python" (probe tests)."""
    n = len(job.tests)
    results: dict[int, TestResult] = {}
    failure: tuple[Status, str] | None = None  # failure before the tests started
    running: tuple[str, int | None] | None = None
    finished = False
    for event in raw["events"]:
        kind, index = event.get("event"), event.get("index")
        if isinstance(index, int) and not 0 <= index < n:
            continue  # a forged or corrupted event; ignore it
        if kind == "syntax_error":
            failure = ("syntax_error", _error_text(event.get("error")))
        elif kind == "start":
            running = (event.get("stage"), index)
        elif kind == "exited" and index is None:
            failure = ("exited_early", f"SystemExit during {event.get('stage')}")
        elif kind == "raised" and index is None:
            failure = ("error", f"{_error_text(event.get('error'))} (during {event.get('stage')})")
        elif isinstance(index, int) and index not in results:
            if kind == "value":
                results[index] = judge(job.tests[index], event.get("value"))
            elif kind == "raised":
                results[index] = TestResult("error", _error_text(event.get("error")))
            elif kind == "unserializable":
                results[index] = TestResult("fail", _error_text(event.get("error")))
            elif kind == "exited":
                results[index] = TestResult("exited_early", "SystemExit during the test")
            running = None
        elif kind == "done":
            finished = True
    ending, ending_detail = _ending(raw, finished)
    if failure is None and ending is not None and running is not None and running[1] is None:
        failure = (ending, f"{ending_detail} (during {running[0]})")
    tests = []
    for i in range(n):
        if i in results:
            tests.append(results[i])
        elif failure is None and ending is not None and running == ("test", i):
            tests.append(TestResult(ending, ending_detail))
        else:
            tests.append(TestResult("not_run"))
    if failure is not None:
        status, detail = failure
    else:
        bad = next((t for t in tests if t.status != "pass"), None)
        status, detail = ("pass", "") if bad is None else (bad.status, bad.detail)
        if bad is not None and bad.status == "not_run":
            status, detail = ending or "exited_early", ending_detail or "tests did not run"
    if raw.get("tampered"):
        detail = (detail + "; " if detail else "") + "unparseable data on the result channel"
    return _result(raw, status, detail, tests)


def classify_command(raw: dict[str, Any]) -> ExecResult:
    """Statuses for a job of kind "command": exit 0 is pass, anything else is not."""
    ending, detail = _ending(raw, finished=True)
    if ending is None:
        code = raw["exit_code"]
        ending, detail = ("pass", "") if code == 0 else ("fail", f"exit code {code}")
    return _result(raw, ending, detail, [])


def _output(data: Any) -> Output:
    try:
        return Output(text=str(data["text"]), bytes=int(data["bytes"]), truncated=bool(data["truncated"]))
    except (KeyError, TypeError, ValueError):
        return Output()


def classify_step(raw: dict[str, Any], cpu_limit: float | None) -> StepResult:
    """How one step's process ended. The exit status, signal, CPU time and OOM counter
    are seen from outside the step; an exception type is the step's own report."""
    events = [e for e in raw.get("events", []) if isinstance(e, dict)]
    stdout, stderr = _output(raw.get("stdout")), _output(raw.get("stderr"))
    cpu, wall = float(raw.get("cpu_s", 0.0)), float(raw.get("wall_s", 0.0))
    sig, code = raw.get("signal"), raw.get("exit_code")
    kinds = {e.get("event"): e for e in events}
    status: Status
    if raw.get("timed_out"):
        status, detail = "timeout", f"wall-clock deadline passed after {wall:.2f} s; killed from outside"
    elif cpu_limit and (sig == SIGXCPU or cpu > cpu_limit or (sig == SIGKILL and cpu >= math.ceil(cpu_limit) - 0.05)):
        status, detail = "timeout", f"CPU time limit ({cpu_limit:g} s) exceeded: {cpu:.2f} s of CPU"
    elif raw.get("oom"):
        status, detail = "oom", "killed by the kernel at the memory limit"
    elif sig is not None:
        status, detail = "killed", f"killed by signal {sig}"
    elif stdout.truncated or stderr.truncated:
        status, detail = "output_limit", f"wrote {stdout.bytes} bytes to stdout, over the cap"
    elif "syntax_error" in kinds:
        status, detail = "syntax_error", _error_text(kinds["syntax_error"].get("error"))
    elif "raised" in kinds:
        status, detail = "error", _error_text(kinds["raised"].get("error"))
    elif "driver_error" in kinds:
        status, detail = "harness_error", "driver failed: " + _error_text(kinds["driver_error"].get("error"))
    elif code != 0:
        status, detail = "exited_early", f"exit code {code}"
    else:
        status, detail = "pass", ""
    return StepResult(status, detail, code, sig, stdout, stderr, events, round(cpu, 4), round(wall, 4))


def classify_steps(job: Job, raw: dict[str, Any]) -> ExecResult:
    """Per-step results of a "steps" job; steps that never ran are ``not_run``. The job's
    status says only whether every step ran; judging the steps is the task's work."""
    reports: dict[int, dict[str, Any]] = {}
    driver_error = None
    for event in raw["events"]:
        index = event.get("index")
        if event.get("event") == "step" and isinstance(index, int) and 0 <= index < len(job.steps):
            if index not in reports and isinstance(event.get("result"), dict):
                reports[index] = event["result"]
        elif event.get("event") == "driver_error":
            driver_error = _error_text(event.get("error"))
    steps = [
        classify_step(reports[i], step.cpu_s) if i in reports else StepResult("not_run")
        for i, step in enumerate(job.steps)
    ]
    finished = any(e.get("event") == "done" for e in raw["events"])
    ending, detail = _ending(raw, finished)
    if driver_error is not None:
        ending, detail = "harness_error", f"the task's driver failed: {driver_error}"
    elif ending is None and job.stop_on_failure and any(s.status == "not_run" for s in steps):
        detail = "stopped after the first step that did not finish cleanly"
    result = _result(raw, ending or "pass", detail, [])
    result.steps = steps
    result.collected, result.tree_hashes = _files(job, raw["events"])
    return result


def _files(job: Job, events: list[dict[str, Any]]) -> tuple[dict[str, Output], dict[str, str]]:
    """The collected reports and the tree's hashes (keyed by tree path) of a steps job's "files" event."""
    report = next((e for e in events if e.get("event") == "files"), {})
    collected = report.get("collected") if isinstance(report.get("collected"), dict) else {}
    hashes = report.get("hashes") if isinstance(report.get("hashes"), dict) else {}
    wanted = set(job.collect)
    found = {path: _output(data) for path, data in collected.items() if path in wanted}
    tree = {f"{TREE_ROOT}/{f.path}": f.path for f in job.tree}
    return found, {tree[path]: str(digest) for path, digest in hashes.items() if path in tree}


def _result(raw: dict[str, Any], status: Status, detail: str, tests: list[TestResult]) -> ExecResult:
    return ExecResult(
        status=status,
        detail=detail,
        tests=tests,
        stdout=Output(**raw["stdout"]),
        stderr=Output(**raw["stderr"]),
        exit_code=raw["exit_code"],
        seconds=round(raw["duration_s"], 6),
    )


def classify(job: Job, raw: dict[str, Any]) -> ExecResult:
    if "harness_error" in raw:
        return ExecResult("harness_error", str(raw["harness_error"])[:500])
    if job.kind == "steps":
        return classify_steps(job, raw)
    return classify_python(job, raw) if job.kind == "python" else classify_command(raw)
