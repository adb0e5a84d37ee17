"""LiveCodeBench's in-sandbox driver: runs one candidate's tests, in two ways.

This file is sent as source with every LiveCodeBench job and runs *inside* the
sandbox, under the supervisor's "steps" protocol: ``prepare(job)`` runs once in the
step host (it compiles, never executes, the candidate), ``run(step, state, emit)``
runs in each step's fresh process. ``encode`` and ``describe`` are lent by the
supervisor. It uses only the standard library of the image's Python and never sees
an expected output: it reports what the program printed or returned, and the host
judges.

Two modes, chosen per step by ``payload["mode"]``:

- ``strict``: one step per test. A stdin program runs as ``__main__`` exactly as
  written, with the test's bytes as its real standard input; a functional problem's
  module is loaded and ``Solution().<fn>(*args)`` (or the module-level function) is
  called, its return value reported through ``encode``.
- ``upstream``: one step for all tests, reproducing lcb_runner's ``run_test``: its
  import prelude, ``if __name__`` unwrapping, the program wrapped into a function,
  its mocked stdin (including the buffer that always returns the first line), a
  StringIO stdout, swallowed ``SystemExit``, whole-second ``signal.alarm`` timeouts,
  one process for every test in order, and its error codes. Each test's outcome is
  reported as an ``upstream`` event; the host compares outputs the way it does.
"""

import ast
import builtins
import json
import signal
import sys
import traceback

# The modules lcb_runner's prelude star-imports (in its order) and then imports by name.
PRELUDE_MODULES = [
    "string",
    "re",
    "datetime",
    "collections",
    "heapq",
    "bisect",
    "copy",
    "math",
    "random",
    "statistics",
    "itertools",
    "functools",
    "operator",
    "io",
    "sys",
    "json",
    "builtins",
    "typing",
]
PRELUDE_NAMED = [m for m in PRELUDE_MODULES if m not in ("builtins", "typing")]
PRELUDE = (
    "".join(f"from {m} import *\n" for m in PRELUDE_MODULES)
    + "".join(f"import {m}\n" for m in PRELUDE_NAMED)
    + "sys.setrecursionlimit(50000)\n"
)
UPSTREAM_INT_DIGITS = 50000  # lcb_runner's parent process sets this before forking


def prepare(job):
    """Import what the tests will import (so each fork starts warm) and compile the
    strict candidate once; a syntax error is reported by every strict step."""
    for name in PRELUDE_MODULES:
        __import__(name)
    if any(step["payload"].get("mode") == "upstream" for step in job["steps"]):
        import unittest.mock  # noqa: F401  (the upstream emulation patches with it)
    try:
        return {"code": compile(job["code"], "solution.py", "exec"), "error": None}
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as exc:
        return {"code": None, "error": describe(exc)}  # noqa: F821  (lent by the supervisor)


def run(step, state, emit):
    payload = step["payload"]
    if payload["mode"] == "upstream":
        return run_upstream(payload, emit)
    if payload["mode"] == "expression":
        return run_expression(payload, emit)
    if state["error"] is not None:
        emit({"event": "syntax_error", "error": state["error"]})
        return 1
    sys.set_int_max_str_digits(0)
    if payload["kind"] == "stdin":
        return run_strict_stdin(state["code"], emit)
    return run_strict_call(state["code"], payload, emit)


# --------------------------------------------------------------------------- strict


def raised(exc, emit, show=True):
    """Report an exception the program raised (and print its traceback, as an interpreter
    would); the step's exit code is 1."""
    if show:
        traceback.print_exc()
    emit({"event": "raised", "error": describe(exc)})  # noqa: F821
    return 1


def run_strict_stdin(code, emit):
    sys.argv = ["solution.py"]
    namespace = {"__name__": "__main__", "__file__": "solution.py", "__builtins__": builtins}
    try:
        exec(code, namespace)
    except SystemExit:
        raise
    except BaseException as exc:
        return raised(exc, emit)
    return 0


# LeetCode runs Python solutions with most of the standard library already imported
# (a starter's `List[int]` needs no import there), so functional problems get the same
# imports as upstream's prelude (builtins star-imported after math, so pow stays the
# builtin) without its recursion limit. Stdin programs get nothing: they run as written.
LEETCODE_IMPORTS = PRELUDE.replace("sys.setrecursionlimit(50000)\n", "")


def run_strict_call(code, payload, emit):
    namespace = {"__name__": "solution", "__file__": "solution.py", "__builtins__": builtins}
    fn_name = payload["fn_name"]
    try:
        exec(LEETCODE_IMPORTS, namespace)
        exec(code, namespace)
        holder = namespace.get("Solution")
        target = holder() if isinstance(holder, type) else None
        method = getattr(target, fn_name, None) if target is not None else namespace.get(fn_name)
        if not callable(method):
            raise AttributeError(f"no function or Solution method named {fn_name!r}")
        args = [json.loads(line) for line in payload["input"].split("\n")]
        value = method(*args)
    except SystemExit:
        raise
    except BaseException as exc:
        return raised(exc, emit)
    try:
        emit({"event": "value", "value": encode(value)})  # noqa: F821
    except Exception as exc:
        emit({"event": "raised", "error": {"type": "Unserializable", "message": str(exc)[:300]}})
        return 1
    return 0


def run_expression(payload, emit):
    """Evaluate a model's answer expression (upstream grading evaluates answers that are
    not literals) after the item's code, with the prelude's imports; report its value."""
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    try:
        exec(LEETCODE_IMPORTS, namespace)
        exec(payload.get("code", ""), namespace)
        value = eval(payload["expression"], namespace)
        emit({"event": "value", "value": encode(value)})  # noqa: F821
    except SystemExit:
        raise
    except BaseException as exc:
        return raised(exc, emit, show=False)
    return 0


# --------------------------------------------------------------------------- upstream


class TimeoutException(Exception):  # the name matters: lcb_runner tests repr(e) for it
    pass


def _on_alarm(signum, frame):
    raise TimeoutException


def clean_if_name(code):
    """lcb_runner's rule: a last top-level ``if __name__ == '__main__':`` is replaced by its body."""
    try:
        tree = ast.parse(code)
        last = tree.body[-1]
        if isinstance(last, ast.If) and ast.unparse(last.test).strip() == "__name__ == '__main__'":
            return ast.unparse(tree.body[:-1]) + "\n" + ast.unparse(last.body)
    except Exception:
        pass
    return code


def make_function(code):
    """lcb_runner's rule: top-level imports stay, every other statement moves into
    ``def wrapped_function():``, after the prelude; unparseable code is left as is."""
    try:
        tree = ast.parse(code)
        imports = [s for s in tree.body if isinstance(s, ast.Import | ast.ImportFrom)]
        rest = [s for s in tree.body if not isinstance(s, ast.Import | ast.ImportFrom)]
        function = ast.FunctionDef(
            name="wrapped_function",
            args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
            body=rest,
            decorator_list=[],
            lineno=-1,
        )
        return PRELUDE + "\n" + ast.unparse(imports) + "\n" + ast.unparse(function)
    except Exception:
        return code


class _FirstLineBuffer:
    """lcb_runner's stdin ``.buffer``: ``read`` gives everything, ``readline`` always the first line."""

    def __init__(self, text):
        self.data = text.encode("utf-8")

    def read(self, *args):
        return self.data

    def readline(self, *args):
        return self.data.split(b"\n")[0] + b"\n"


class _UpstreamStdin:
    """lcb_runner's mocked ``sys.stdin``: whole-text ``read``, ``readlines`` split on
    newlines (no line ends kept), a real ``readline``; other attributes from a StringIO."""

    def __init__(self, text):
        import io

        self.text = text
        self._io = io.StringIO(text)
        self.buffer = _FirstLineBuffer(text)

    def read(self, *args):
        return self.text

    def readline(self, *args):
        return self._io.readline(*args)

    def readlines(self, *args):
        return self.text.split("\n")

    def __getattr__(self, name):
        return getattr(self._io, name)


def _guard():
    """The functions lcb_runner's reliability_guard sets to None, set to None here too,
    because a program that calls one fails there and must fail here."""
    import os
    import shutil
    import subprocess

    builtins.quit = None
    for name in [
        "kill",
        "system",
        "putenv",
        "remove",
        "removedirs",
        "rmdir",
        "fchdir",
        "setuid",
        "fork",
        "forkpty",
        "killpg",
        "rename",
        "renames",
        "truncate",
        "replace",
        "unlink",
        "fchmod",
        "fchown",
        "chmod",
        "chown",
        "chroot",
        "lchflags",
        "lchmod",
        "lchown",
        "getcwd",
        "chdir",
    ]:
        setattr(os, name, None)
    shutil.rmtree = shutil.move = shutil.chown = None
    subprocess.Popen = None
    builtins.help = None
    for name in ("ipdb", "joblib", "resource", "psutil", "tkinter"):
        sys.modules[name] = None


def _load_module(source, alarm_s):
    import types

    signal.alarm(alarm_s)
    try:
        module = types.ModuleType("tmp_sol", "")
        exec(source, module.__dict__)
        return module.Solution() if "class Solution" in source else module
    finally:
        signal.alarm(0)


def _stdio_once(method, text):
    """One stdin test the way lcb_runner's call_method runs it: returns the captured text."""
    import io
    from unittest import mock

    lines = iter(text.split("\n"))
    stdin = _UpstreamStdin(text)
    captured = io.StringIO()
    captured.close = lambda *a: 1
    saved = sys.stdout
    sys.stdout = captured
    try:
        with (
            mock.patch("sys.stdin.read", lambda *a: text),
            mock.patch("sys.stdin.readlines", lambda *a: text.split("\n")),
            mock.patch("sys.stdin.readline", lambda *a: next(lines)),
            mock.patch("sys.stdin", stdin),
            mock.patch("builtins.open", mock.mock_open(read_data=text)),
        ):
            try:
                method()
            except SystemExit:
                pass
    finally:
        sys.stdout = saved
    return captured.getvalue()


def run_upstream(payload, emit):
    """All tests in this one process, in order, as lcb_runner's run_test does."""
    sys.set_int_max_str_digits(UPSTREAM_INT_DIGITS)
    signal.signal(signal.SIGALRM, _on_alarm)
    _guard()
    alarm_s, inputs, code = int(payload["timeout"]), payload["inputs"], payload["code"]

    def report(index, code_, **extra):
        emit({"event": "upstream", "index": index, "code": code_, **extra})

    signal.alarm(alarm_s)
    try:
        if payload["kind"] == "call":
            _upstream_call(code, payload["fn_name"], inputs, alarm_s, report, emit)
        else:
            _upstream_stdio(code, inputs, alarm_s, report)
    except Exception as exc:  # run_test's own handler: one -4 for the whole candidate
        report(None, -4, error=f"Error during testing: {exc}"[:2000])
    finally:
        signal.alarm(0)
    emit({"event": "upstream_done"})
    # lcb_runner has its results once the last test returns; threads the program left
    # running do not change them, so the process ends here instead of waiting for them.
    import os

    os._exit(0)


def _upstream_stdio(code, inputs, alarm_s, report):
    source = make_function(clean_if_name(code))
    module = _load_module(source, alarm_s)
    method = getattr(module, "wrapped_function", None)
    if method is None:
        raise TypeError("cannot unpack non-iterable NoneType object")  # run_test's fate when it is missing
    for index, text in enumerate(inputs):
        signal.alarm(alarm_s)
        try:
            output = _stdio_once(method, text)
            signal.alarm(0)
        except Exception as exc:
            signal.alarm(0)
            report(index, -3 if "timeoutexception" in repr(exc).lower() else -4, error=repr(exc)[:2000])
            return
        report(index, True, output=output)


def _upstream_call(code, fn_name, inputs, alarm_s, report, emit):
    solution = _load_module(PRELUDE + "\n\n" + code, alarm_s)
    method = getattr(solution, fn_name, None) if hasattr(solution, fn_name) else None
    if method is None:
        raise TypeError("cannot unpack non-iterable NoneType object")
    args_list = [[json.loads(line) for line in text.split("\n")] for text in inputs]
    for index, args in enumerate(args_list):
        signal.alarm(alarm_s)
        try:
            value = method(*args)
            signal.alarm(0)
        except Exception as exc:
            signal.alarm(0)
            report(index, -3 if "timeoutexception" in repr(exc).lower() else -4, error=repr(exc)[:2000])
            return
        if isinstance(value, tuple):
            value = list(value)
        try:
            report(index, True, value=encode(value), shown=_shown(value))  # noqa: F821
        except Exception:
            report(index, True, value=None, shown=_shown(value))


def _shown(value):
    """str(value) as lcb_runner's truncatefn would start from (for feedback)."""
    try:
        text = str(value)
    except Exception:
        return "<unprintable>"
    return text if len(text) <= 300 else text[:150] + "...(truncated) ..." + text[-150:]
