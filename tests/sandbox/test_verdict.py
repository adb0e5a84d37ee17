"""classify() on hand-written supervisor reports (the dict run_job returns)."""

from __future__ import annotations

import pytest

from harness.records import Job, ProbeTest
from harness.sandbox.verdict import classify

TESTS = [
    ProbeTest("assert f(1) == 2", "f(1)", "eq", "2"),
    ProbeTest("assert f(2) == 3", "f(2)", "eq", "3"),
    ProbeTest("assert f(3) == 4", "f(3)", "eq", "4"),
]
JOB = Job("python", code="def f(x):\n    return x + 1\n", tests=TESTS)


def i(number: int) -> dict:
    return {"t": "int", "v": hex(number)}


def report(events, **overrides):
    raw = {
        "events": events,
        "timed_out": False,
        "exit_code": 0,
        "signal": None,
        "oom": False,
        "tampered": False,
        "stdout": {"text": "", "bytes": 0, "truncated": False},
        "stderr": {"text": "", "bytes": 0, "truncated": False},
        "duration_s": 0.1234567891,
        "clean": True,
    }
    return {**raw, **overrides}


LOAD = {"event": "start", "stage": "load"}
DONE = {"event": "done"}


def start(index):
    return {"event": "start", "stage": "test", "index": index}


def value(index, number):
    return {"event": "value", "index": index, "value": i(number)}


def passing_events(count=3):
    events = [LOAD]
    for index in range(count):
        events += [start(index), value(index, index + 2)]
    return events


def statuses(result):
    return [test.status for test in result.tests]


def test_all_tests_pass():
    raw = report([*passing_events(), DONE], stdout={"text": "hi\n", "bytes": 3, "truncated": False})
    result = classify(JOB, raw)
    assert result.status == "pass" and result.passed
    assert result.detail == ""
    assert statuses(result) == ["pass", "pass", "pass"]
    assert [test.actual for test in result.tests] == ["2", "3", "4"]
    assert result.stdout.text == "hi\n" and result.stdout.bytes == 3
    assert result.exit_code == 0
    assert result.seconds == 0.123457


def test_one_test_fails():
    events = [LOAD, start(0), value(0, 2), start(1), value(1, 99), start(2), value(2, 4), DONE]
    result = classify(JOB, report(events))
    assert result.status == "fail" and not result.passed
    assert statuses(result) == ["pass", "fail", "pass"]
    assert result.detail == "expected 3"
    assert result.tests[1].actual == "99"


def test_exception_in_a_test_is_an_error_naming_the_exception():
    error = {"type": "ZeroDivisionError", "message": "division by zero"}
    raised = {"event": "raised", "stage": "test", "index": 0, "error": error}
    events = [LOAD, start(0), raised, start(1), value(1, 3), start(2), value(2, 4), DONE]
    result = classify(JOB, report(events))
    assert result.status == "error"
    assert statuses(result) == ["error", "pass", "pass"]
    assert result.tests[0].detail == "ZeroDivisionError: division by zero"
    assert "ZeroDivisionError" in result.detail


def test_unserializable_value_fails_the_test():
    error = {"type": "Unserializable", "message": "a value of type Foo cannot be compared safely"}
    events = [*passing_events(2), start(2), {"event": "unserializable", "index": 2, "error": error}, DONE]
    result = classify(JOB, report(events))
    assert statuses(result) == ["pass", "pass", "fail"]
    assert result.status == "fail" and "Foo" in result.detail


def test_syntax_error():
    error = {"type": "SyntaxError", "message": "invalid syntax (solution.py, line 1)"}
    result = classify(JOB, report([{"event": "syntax_error", "error": error}]))
    assert result.status == "syntax_error"
    assert result.detail.startswith("SyntaxError: invalid syntax")
    assert statuses(result) == ["not_run"] * 3


def test_exception_during_load_is_an_error_and_no_test_runs():
    error = {"type": "NameError", "message": "name 'g' is not defined"}
    events = [LOAD, {"event": "raised", "stage": "load", "error": error}]
    result = classify(JOB, report(events))
    assert result.status == "error"
    assert result.detail == "NameError: name 'g' is not defined (during load)"
    assert statuses(result) == ["not_run"] * 3


def test_exception_during_setup_names_the_stage():
    error = {"type": "ImportError", "message": "no module"}
    events = [LOAD, {"event": "start", "stage": "setup"}, {"event": "raised", "stage": "setup", "error": error}]
    result = classify(JOB, report(events))
    assert result.status == "error" and result.detail.endswith("(during setup)")


def test_system_exit_during_load_exits_early():
    result = classify(JOB, report([LOAD, {"event": "exited", "stage": "load"}]))
    assert result.status == "exited_early"
    assert result.detail == "SystemExit during load"
    assert statuses(result) == ["not_run"] * 3


def test_system_exit_in_a_test():
    events = [LOAD, start(0), {"event": "exited", "stage": "test", "index": 0}]
    result = classify(JOB, report(events))
    assert result.status == "exited_early"
    assert statuses(result) == ["exited_early", "not_run", "not_run"]


def test_os_exit_during_a_test_exits_early():
    # The candidate called os._exit(0) inside test 1: no value, no done event.
    events = [LOAD, start(0), value(0, 2), start(1)]
    result = classify(JOB, report(events, exit_code=0))
    assert result.status == "exited_early"
    assert statuses(result) == ["pass", "exited_early", "not_run"]
    assert "code 0" in result.detail


def test_os_exit_during_load_exits_early():
    result = classify(JOB, report([LOAD], exit_code=0))
    assert result.status == "exited_early"
    assert result.detail.endswith("(during load)")
    assert statuses(result) == ["not_run"] * 3


def test_timeout_in_a_test_marks_that_test_and_later_ones_not_run():
    events = [LOAD, start(0), value(0, 2), start(1)]
    result = classify(JOB, report(events, timed_out=True, exit_code=None, signal=9))
    assert result.status == "timeout"
    assert statuses(result) == ["pass", "timeout", "not_run"]
    assert "deadline" in result.detail


def test_timeout_during_load():
    result = classify(JOB, report([LOAD], timed_out=True, exit_code=None, signal=9))
    assert result.status == "timeout"
    assert result.detail.endswith("(during load)")
    assert statuses(result) == ["not_run"] * 3


def test_oom_wins_over_the_kill_signal():
    events = [LOAD, start(0)]
    result = classify(JOB, report(events, oom=True, exit_code=None, signal=9))
    assert result.status == "oom"
    assert statuses(result) == ["oom", "not_run", "not_run"]


def test_killed_by_a_signal():
    events = [LOAD, start(0), value(0, 2), start(1)]
    result = classify(JOB, report(events, exit_code=None, signal=11))
    assert result.status == "killed"
    assert result.detail == "killed by signal 11"
    assert statuses(result) == ["pass", "killed", "not_run"]
    assert result.exit_code is None


@pytest.mark.parametrize("index", [3, -1, 1000])
def test_forged_events_with_out_of_range_index_are_ignored(index):
    forged = {"event": "raised", "stage": "test", "index": index, "error": {"type": "X"}}
    events = [*passing_events(), forged, {"event": "exited", "index": index}, DONE]
    result = classify(JOB, report(events))
    assert result.status == "pass"
    assert len(result.tests) == 3


def test_the_first_report_of_a_test_wins():
    # A later forged value cannot overwrite a failure.
    events = [LOAD, start(0), value(0, 99), value(0, 2), *passing_events()[3:], DONE]
    result = classify(JOB, report(events))
    assert result.tests[0].status == "fail"
    assert result.status == "fail"


def test_a_forged_done_without_values_is_not_a_pass():
    result = classify(JOB, report([LOAD, DONE]))
    assert result.status != "pass"
    assert statuses(result) == ["not_run"] * 3


def test_tampered_channel_is_noted_in_the_detail():
    result = classify(JOB, report([*passing_events(), DONE], tampered=True))
    assert result.status == "pass"
    assert result.detail == "unparseable data on the result channel"


def test_harness_error():
    result = classify(JOB, {"harness_error": "KeyError: 'probes'"})
    assert result.status == "harness_error"
    assert result.detail == "KeyError: 'probes'"
    assert result.tests == []


COMMAND = Job("command", argv=["python", "main.py"])


def test_command_exit_zero_passes():
    result = classify(COMMAND, report([], exit_code=0))
    assert result.status == "pass" and result.tests == []


def test_command_nonzero_exit_fails():
    result = classify(COMMAND, report([], exit_code=3))
    assert result.status == "fail"
    assert result.detail == "exit code 3"
    assert result.exit_code == 3


def test_command_timeout_and_kill():
    assert classify(COMMAND, report([], timed_out=True, exit_code=None, signal=9)).status == "timeout"
    assert classify(COMMAND, report([], exit_code=None, signal=9)).status == "killed"
    assert classify(COMMAND, report([], oom=True, exit_code=None, signal=9)).status == "oom"
