#!/usr/bin/env python3
"""Verify the LiveCodeBench- and CRUXEval-format demo data sets in ``harness/tasks/data``.

The sets were written by this project (original problems, not upstream items); see
``harness/tasks/data/LCB_DEMO.md``. This script checks, with the standard library only:

* ``lcb_generation_demo.jsonl`` (code generation, ``code_generation_lite`` layout): keys,
  every value a string, dates, platforms, test encodings (plain JSON, or upstream's
  base64(zlib(pickle(json text))) decoded with an unpickler that refuses every global),
  samples quoted in the statement, and that each program of
  ``lcb_generation_demo_solutions.json`` passes every public and private test while each
  program of ``lcb_generation_demo_wrong.json`` fails in the intended way;
* ``lcb_execution_demo.jsonl`` (``execution-v2`` layout) and ``cruxeval_demo.jsonl``:
  ``repr`` of running the code on the input equals the stored output;
* ``lcb_test_output_demo.jsonl`` (``test_generation`` layout): the stored output equals
  what the reference implementation below returns on the stored input.

The demo solutions run directly on this host (stdin programs in a ``python -I``
subprocess, class-based ones in a child interpreter, with timeouts). That is fine
because this project wrote them; do not point this script at untrusted programs.

Usage: python3 scripts/verify_lcb_demo.py   (exit status 1 on any mismatch)
"""

from __future__ import annotations

import ast
import base64
import io
import json
import pickle
import subprocess
import sys
import time
import zlib
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "harness" / "tasks" / "data"

GENERATION_KEYS = {
    "question_title",
    "question_content",
    "platform",
    "question_id",
    "contest_id",
    "contest_date",
    "starter_code",
    "difficulty",
    "public_test_cases",
    "private_test_cases",
    "metadata",
}
EXECUTION_KEYS = {
    "id",
    "question_id",
    "function_name",
    "code",
    "input",
    "output",
    "numsteps",
    "problem_id",
    "contest_id",
    "contest_date",
    "difficulty",
}
TEST_OUTPUT_KEYS = {
    "question_title",
    "question_content",
    "question_id",
    "contest_id",
    "contest_date",
    "difficulty",
    "test",
    "starter_code",
    "function_name",
    "test_id",
}
CRUXEVAL_KEYS = {"code", "input", "output", "id"}
DIFFICULTIES = {"easy", "medium", "hard"}
FIRST_DATE, LAST_DATE = datetime(2023, 5, 1), datetime(2024, 6, 30, 23, 59, 59)

# How each program of lcb_generation_demo_wrong.json is meant to fail.
WRONG_KINDS = {
    "demo_abc001_a": "wrong_answer",
    "demo_cf1001_a": "runtime_error",
    "demo_cf1002_b": "timeout",
    "equal-letters-far-apart": "syntax_error",
}
STDIN_TIMEOUT_S = 2.0
FUNCTIONAL_TIMEOUT_S = 5.0
FLOAT_TOLERANCE = 1e-6

# A correct Average Pace program that prints the unrounded float: it must pass only
# thanks to the tolerance the statement allows.
FLOAT_VARIANT = (
    "import sys\n"
    "data = sys.stdin.read().split()\n"
    "n = int(data[0])\n"
    "d = [int(x) for x in data[1::2][:n]]\n"
    "v = [int(x) for x in data[2::2][:n]]\n"
    "print(sum(d) / sum(a / b for a, b in zip(d, v)))\n"
)

failures: list[str] = []


def check(condition: bool, message: str) -> bool:
    if not condition:
        failures.append(message)
    return condition


# ----------------------------------------------------------------------------- reading


def read_jsonl(name: str) -> list[dict]:
    rows = []
    with open(DATA / name, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                row = json.loads(line)
                check(isinstance(row, dict), f"{name}:{number}: not a JSON object")
                rows.append(row)
    return rows


def check_date(value, where: str) -> None:
    if not check(isinstance(value, str), f"{where}: contest_date is not a string"):
        return
    try:
        parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        failures.append(f"{where}: contest_date {value!r} is not YYYY-MM-DDTHH:MM:SS")
        return
    check(FIRST_DATE <= parsed <= LAST_DATE, f"{where}: contest_date {value} outside 2023-05..2024-06")


class _NoGlobals(pickle.Unpickler):
    """Upstream pickles a plain str; refuse anything that would import a global."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"global {module}.{name} refused")


def decode_tests(raw: str) -> tuple[list, bool]:
    """(tests, pickled): JSON text, or upstream's base64(zlib(pickle(JSON text)))."""
    try:
        return json.loads(raw), False
    except json.JSONDecodeError:
        pass
    obj = _NoGlobals(io.BytesIO(zlib.decompress(base64.b64decode(raw.encode("utf-8"))))).load()
    if not isinstance(obj, str):
        raise ValueError(f"pickled payload is {type(obj).__name__}, not str")
    return json.loads(obj), True


# ----------------------------------------------------------------------------- comparing


def strict_equal(a, b) -> bool:
    """==, but True != 1 and 1 != 1.0, recursively (JSON values only)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(strict_equal(a[k], b[k]) for k in a)
    return a == b


def output_lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().split("\n")]


def same_stdout(got: str, want: str, tolerance: bool) -> bool:
    g, w = output_lines(got), output_lines(want)
    if g == w:
        return True
    if not tolerance or len(g) != len(w):
        return False
    for line_g, line_w in zip(g, w, strict=True):
        tokens_g, tokens_w = line_g.split(), line_w.split()
        if len(tokens_g) != len(tokens_w):
            return False
        for x, y in zip(tokens_g, tokens_w, strict=True):
            if x == y:
                continue
            try:
                fx, fy = float(x), float(y)
            except ValueError:
                return False
            if not (abs(fx - fy) <= FLOAT_TOLERANCE or abs(fx - fy) <= FLOAT_TOLERANCE * abs(fy)):
                return False
    return True


# ----------------------------------------------------------------------------- running programs


def run_stdin(code: str, tests: list[dict], tolerance: bool, stop_at_first: bool) -> list[str]:
    """One verdict per test (pass / wrong_answer / runtime_error / syntax_error / timeout)."""
    verdicts = []
    for test in tests:
        try:
            proc = subprocess.run(
                [sys.executable, "-I", "-c", code],
                input=test["input"],
                capture_output=True,
                text=True,
                timeout=STDIN_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            verdict = "timeout"
        else:
            if proc.returncode != 0:
                verdict = "syntax_error" if "SyntaxError" in proc.stderr else "runtime_error"
            elif same_stdout(proc.stdout, test["output"], tolerance):
                verdict = "pass"
            else:
                verdict = "wrong_answer"
        verdicts.append(verdict)
        if stop_at_first and verdict != "pass":
            break
    return verdicts


_FUNCTIONAL_CHILD = r"""
import json, sys
payload = json.loads(sys.stdin.read())
namespace = {"__name__": "__solution__"}
try:
    exec(compile(payload["code"], "<solution>", "exec"), namespace)
except SyntaxError as exc:
    print(json.dumps({"syntax_error": str(exc)}))
    sys.exit(0)
method = getattr(namespace["Solution"](), payload["func_name"])
results = []
for args in payload["args"]:
    try:
        results.append({"value": json.loads(json.dumps(method(*args)))})
    except Exception as exc:
        results.append({"error": type(exc).__name__ + ": " + str(exc)})
print(json.dumps(results))
"""


def run_functional(code: str, func_name: str, tests: list[dict]) -> list[str]:
    args = [[json.loads(line) for line in t["input"].split("\n")] for t in tests]
    payload = json.dumps({"code": code, "func_name": func_name, "args": args})
    try:
        proc = subprocess.run(
            [sys.executable, "-I", "-c", _FUNCTIONAL_CHILD],
            input=payload,
            capture_output=True,
            text=True,
            timeout=FUNCTIONAL_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return ["timeout"] * len(tests)
    if proc.returncode != 0:
        return ["runtime_error"] * len(tests)
    result = json.loads(proc.stdout)
    if isinstance(result, dict):
        return ["syntax_error"] * len(tests)
    verdicts = []
    for test, got in zip(tests, result, strict=True):
        if "error" in got:
            verdicts.append("runtime_error")
        else:
            # tuples come back as lists through JSON, as LiveCodeBench's grader allows
            verdicts.append("pass" if strict_equal(got["value"], json.loads(test["output"])) else "wrong_answer")
    return verdicts


def first_failure(verdicts: list[str]) -> str | None:
    return next((v for v in verdicts if v != "pass"), None)


# ----------------------------------------------------------------------------- code generation


def verify_generation() -> str:
    rows = read_jsonl("lcb_generation_demo.jsonl")
    check(len(rows) == 10, f"generation: {len(rows)} problems, expected 10")
    problems = {}
    pickled_count = 0
    kinds = {"stdin": 0, "functional": 0}
    n_tests = 0
    for row in rows:
        qid = row.get("question_id")
        where = f"generation {qid}"
        check(set(row) == GENERATION_KEYS, f"{where}: keys {sorted(set(row) ^ GENERATION_KEYS)} differ")
        check(all(isinstance(v, str) for v in row.values()), f"{where}: a value is not a string")
        check(qid not in problems, f"{where}: duplicate question_id")
        check(row["platform"] in {"atcoder", "codeforces", "leetcode"}, f"{where}: platform {row['platform']}")
        check(row["difficulty"] in DIFFICULTIES, f"{where}: difficulty {row['difficulty']}")
        check_date(row["contest_date"], where)
        public, public_pickled = decode_tests(row["public_test_cases"])
        private, private_pickled = decode_tests(row["private_test_cases"])
        check(not public_pickled, f"{where}: public tests should be plain JSON")
        pickled_count += private_pickled
        check(len(public) >= 1, f"{where}: no public test")
        check(3 <= len(private) <= 6, f"{where}: {len(private)} private tests, expected 3..6")
        tests = public + private
        n_tests += len(tests)
        for t in tests:
            check(isinstance(t, dict) and set(t) == {"input", "output", "testtype"}, f"{where}: bad test {t!r:.80}")
            check(all(isinstance(t[k], str) for k in t), f"{where}: a test field is not a string")
        types = {t["testtype"] for t in tests}
        check(len(types) == 1 and types <= {"stdin", "functional"}, f"{where}: test types {types}")
        kind = types.pop() if len(types) == 1 else "?"
        kinds[kind] = kinds.get(kind, 0) + 1
        metadata = json.loads(row["metadata"])
        content = row["question_content"]
        if kind == "stdin":
            check(row["starter_code"] == "", f"{where}: stdin problem with starter code")
            check(metadata == {}, f"{where}: stdin problem with metadata {metadata}")
            check(row["platform"] in {"atcoder", "codeforces"}, f"{where}: stdin problem on {row['platform']}")
            for t in public:  # samples are quoted in the statement
                check(
                    t["input"].strip() in content and t["output"].strip() in content,
                    f"{where}: public test not quoted in the statement",
                )
        else:
            func = metadata.get("func_name")
            check(row["platform"] == "leetcode", f"{where}: functional problem on {row['platform']}")
            check(set(metadata) == {"func_name"}, f"{where}: metadata {metadata}")
            stub = row["starter_code"]
            check(
                stub.startswith("class Solution:\n    def ")
                and f"def {func}(self" in stub
                and stub.endswith(":\n        ")
                and "import" not in stub,
                f"{where}: starter code {stub!r}",
            )
            squeezed = content.replace(" ", "")
            for t in public:
                values = [json.loads(line) for line in t["input"].split("\n")] + [json.loads(t["output"])]
                check(
                    all(json.dumps(v, separators=(",", ":")) in squeezed for v in values),
                    f"{where}: public test {t['input']!r} not quoted in the statement",
                )
        problems[qid] = dict(
            row=row,
            kind=kind,
            tests=tests,
            func=metadata.get("func_name"),
            tolerance="absolute or relative error" in content,
        )
    check(kinds.get("stdin") == 6 and kinds.get("functional") == 4, f"generation: test kinds {kinds}")
    check(pickled_count == 2, f"generation: {pickled_count} pickled private sets, expected 2")
    check(sum(p["tolerance"] for p in problems.values()) == 1, "generation: expected one float-tolerance problem")
    check(
        any(len(output_lines(t["output"])) > 1 for p in problems.values() if p["kind"] == "stdin" for t in p["tests"]),
        "generation: no multi-line stdout",
    )
    outputs = [json.loads(t["output"]) for p in problems.values() if p["kind"] == "functional" for t in p["tests"]]
    check(
        any(isinstance(o, list) for o in outputs) and any(isinstance(o, bool) for o in outputs),
        "generation: functional outputs need a list and a bool",
    )
    check(len({row["contest_date"][:7] for row in rows}) >= 8, "generation: dates not spread over months")

    def run(code: str, problem: dict, stop_at_first: bool) -> list[str]:
        if problem["kind"] == "stdin":
            return run_stdin(code, problem["tests"], problem["tolerance"], stop_at_first)
        return run_functional(code, problem["func"], problem["tests"])

    solutions = json.loads((DATA / "lcb_generation_demo_solutions.json").read_text(encoding="utf-8"))
    check(sorted(s["question_id"] for s in solutions) == sorted(problems), "solutions: question_ids differ")
    passed = 0
    for entry in solutions:
        problem = problems.get(entry["question_id"])
        check(
            set(entry) == {"question_id", "code_list"} and len(entry["code_list"]) == 1,
            f"solutions {entry['question_id']}: expected one program in code_list",
        )
        if problem is None:
            continue
        verdicts = run(entry["code_list"][0], problem, stop_at_first=False)
        passed += verdicts.count("pass")
        check(first_failure(verdicts) is None, f"solutions {entry['question_id']}: verdicts {verdicts}")

    wrong = json.loads((DATA / "lcb_generation_demo_wrong.json").read_text(encoding="utf-8"))
    check(sorted(w["question_id"] for w in wrong) == sorted(WRONG_KINDS), "wrong: question_ids differ")
    wrong_report = []
    for entry in wrong:
        problem = problems.get(entry["question_id"])
        if problem is None:
            continue
        failure = first_failure(run(entry["code_list"][0], problem, stop_at_first=True))
        wrong_report.append(f"{entry['question_id']}={failure}")
        check(
            failure == WRONG_KINDS.get(entry["question_id"]),
            f"wrong {entry['question_id']}: failed as {failure}, expected {WRONG_KINDS.get(entry['question_id'])}",
        )

    pace = next(p for p in problems.values() if p["tolerance"])
    with_tol = run_stdin(FLOAT_VARIANT, pace["tests"], tolerance=True, stop_at_first=False)
    exact = run_stdin(FLOAT_VARIANT, pace["tests"], tolerance=False, stop_at_first=False)
    check(first_failure(with_tol) is None, f"float variant rejected under tolerance: {with_tol}")
    check("wrong_answer" in exact, "float variant passes exact comparison too; tolerance untested")

    return (
        f"generation: {len(rows)} problems ({kinds.get('stdin')} stdin, {kinds.get('functional')} functional, "
        f"{pickled_count} with pickled private tests), {n_tests} tests; solutions pass {passed}/{n_tests}; "
        f"wrong programs fail as {', '.join(wrong_report)}; "
        f"float variant: with tolerance {with_tol.count('pass')}/{len(with_tol)}, "
        f"exact {exact.count('pass')}/{len(exact)}"
    )


# ----------------------------------------------------------------------------- execution / CRUXEval


def run_f(code: str, call: str):
    namespace: dict = {}
    exec(compile(code, "<demo>", "exec"), namespace)
    return eval(call, namespace)


def verify_execution() -> str:
    rows = read_jsonl("lcb_execution_demo.jsonl")
    check(len(rows) == 12, f"execution: {len(rows)} items, expected 12")
    kinds = set()
    for k, row in enumerate(rows):
        where = f"execution {row.get('id')}"
        check(set(row) == EXECUTION_KEYS, f"{where}: keys {sorted(set(row) ^ EXECUTION_KEYS)} differ")
        check(row["id"] == f"sample_{k}", f"{where}: id should be sample_{k}")
        check(type(row["question_id"]) is int and type(row["numsteps"]) is int, f"{where}: question_id/numsteps type")
        check(
            isinstance(row["problem_id"], list) and all(type(x) is int for x in row["problem_id"]),
            f"{where}: problem_id is not a list of int",
        )
        check(isinstance(row["contest_id"], str) and row["difficulty"] in DIFFICULTIES, f"{where}: contest/difficulty")
        check_date(row["contest_date"], where)
        check(row["function_name"] == "f", f"{where}: function_name")
        code = row["code"]
        check(code.startswith("def f(") and 3 <= len(code.split("\n")) <= 12, f"{where}: code shape")
        check(row["input"].startswith("f(") and row["input"].endswith(")"), f"{where}: input is not a call of f")
        try:
            result = run_f(code, row["input"])
        except Exception as exc:
            failures.append(f"{where}: running raised {exc!r}")
            continue
        check(repr(result) == row["output"], f"{where}: repr {result!r} != stored {row['output']}")
        check(ast.literal_eval(row["output"]) == result, f"{where}: output is not the literal of the result")
        kinds.add(type(result).__name__)
        if isinstance(result, str) and "==" in result:
            kinds.add("str==")
    check({"tuple", "bool", "str=="} <= kinds, f"execution: result kinds {sorted(kinds)}")
    return f"execution: {len(rows)} items run, result types {sorted(kinds - {'str=='})}"


def verify_cruxeval() -> str:
    rows = read_jsonl("cruxeval_demo.jsonl")
    check(len(rows) == 6, f"cruxeval: {len(rows)} items, expected 6")
    for k, row in enumerate(rows):
        where = f"cruxeval {row.get('id')}"
        check(set(row) == CRUXEVAL_KEYS, f"{where}: keys {sorted(set(row) ^ CRUXEVAL_KEYS)} differ")
        check(all(isinstance(v, str) for v in row.values()), f"{where}: a value is not a string")
        check(row["id"] == f"sample_{k}", f"{where}: id should be sample_{k}")
        try:
            result = run_f(row["code"], f"f({row['input']})")
        except Exception as exc:
            failures.append(f"{where}: running raised {exc!r}")
            continue
        check(repr(result) == row["output"], f"{where}: repr {result!r} != stored {row['output']}")
    return f"cruxeval: {len(rows)} items run"


# ----------------------------------------------------------------------------- test output prediction

# Reference implementations of the test-output-prediction problems (by function_name).


def countPairs(nums, k):
    n = len(nums)
    return sum(1 for i in range(n) for j in range(i + 1, n) if (nums[i] + nums[j]) % k == 0 and (i + j) % 2 == 0)


def longestVowelRun(s):
    best = run = 0
    for ch in s:
        run = run + 1 if ch in "aeiou" else 0
        best = max(best, run)
    return best


def rotateWords(sentence, k):
    words = []
    for word in sentence.split(" "):
        r = k % len(word)
        words.append(word[-r:] + word[:-r] if r else word)
    return " ".join(words)


def splitByThreshold(nums, t):
    groups, current, total = [], [], 0
    for x in nums:
        if current and total + x > t:
            groups.append(current)
            current, total = [], 0
        current.append(x)
        total += x
    if current:
        groups.append(current)
    return groups


def isMountainWord(s):
    n, p = len(s), 0
    while p + 1 < n and s[p] < s[p + 1]:
        p += 1
    if p == 0 or p == n - 1:
        return False
    while p + 1 < n and s[p] > s[p + 1]:
        p += 1
    return p == n - 1


def minimumTokens(amount, tokens):
    inf = float("inf")
    best = [0] + [inf] * amount
    for value in tokens:
        for _ in range(2):  # two 0/1 passes: each value at most twice
            for a in range(amount, value - 1, -1):
                best[a] = min(best[a], best[a - value] + 1)
    return -1 if best[amount] == inf else best[amount]


def sumOfBorderCells(grid):
    m, n = len(grid), len(grid[0])
    return sum(grid[i][j] for i in range(m) for j in range(n) if i in (0, m - 1) or j in (0, n - 1))


def dominantLetter(s):
    count, last = {}, {}
    for i, ch in enumerate(s):
        count[ch] = count.get(ch, 0) + 1
        last[ch] = i
    return min(count, key=lambda ch: (-count[ch], last[ch]))


REFERENCES = {
    f.__name__: f
    for f in (
        countPairs,
        longestVowelRun,
        rotateWords,
        splitByThreshold,
        isMountainWord,
        minimumTokens,
        sumOfBorderCells,
        dominantLetter,
    )
}


def verify_test_output() -> str:
    rows = read_jsonl("lcb_test_output_demo.jsonl")
    check(len(rows) == 8, f"test output: {len(rows)} items, expected 8")
    for row in rows:
        where = f"test output {row.get('question_id')}"
        check(set(row) == TEST_OUTPUT_KEYS, f"{where}: keys {sorted(set(row) ^ TEST_OUTPUT_KEYS)} differ")
        check(type(row["test_id"]) is int, f"{where}: test_id is not an int")
        check(all(isinstance(row[k], str) for k in TEST_OUTPUT_KEYS - {"test_id"}), f"{where}: a field is not a str")
        check(row["difficulty"] in DIFFICULTIES, f"{where}: difficulty")
        check_date(row["contest_date"], where)
        check("Example 1:" in row["question_content"], f"{where}: statement has no example")
        tree = ast.parse(row["starter_code"])
        defs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        check(
            len(tree.body) == 1 and len(defs) == 1 and defs[0].name == row["function_name"],
            f"{where}: starter code should be one def {row['function_name']}",
        )
        tests = json.loads(row["test"])
        check(
            len(tests) == 1
            and set(tests[0]) == {"input", "output", "testtype"}
            and tests[0]["testtype"] == "functional",
            f"{where}: test should be one functional test",
        )
        args = [json.loads(line) for line in tests[0]["input"].split("\n")]
        check(defs and len(defs[0].args.args) == len(args), f"{where}: {len(args)} inputs for the signature")
        reference = REFERENCES.get(row["function_name"])
        if check(reference is not None, f"{where}: no reference implementation"):
            got = json.loads(json.dumps(reference(*args)))
            check(
                strict_equal(got, json.loads(tests[0]["output"])),
                f"{where}: reference gives {got!r}, stored {tests[0]['output']}",
            )
    return f"test output: {len(rows)} items checked against the reference implementations"


def main() -> int:
    start = time.monotonic()
    for step in (verify_generation, verify_execution, verify_test_output, verify_cruxeval):
        before = len(failures)
        try:
            summary = step()
        except Exception as exc:  # a malformed file: report it, keep checking the others
            failures.append(f"{type(exc).__name__}: {exc}")
            summary = step.__name__.removeprefix("verify_").replace("_", " ") + ": stopped"
        print(("ok   " if len(failures) == before else "FAIL ") + summary)
        for message in failures[before:]:
            print("     - " + message)
    print(f"{'FAILED' if failures else 'OK'}: {len(failures)} mismatch(es), {time.monotonic() - start:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
