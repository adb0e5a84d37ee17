"""One test run of a Polyglot exercise: the sandbox job, and the verdict read from its reports.

The job's tree is the pristine exercise with the candidate's solution files in place and the
language recipe's prepared test files (every skipped test unlocked, one canary test that must
fail), all owned by root, so nothing the candidate runs can change them. The verdict trusts no
exit code: every test counted in the pristine test files must be reported passed by the test
framework's own report, the canary must be reported failed, and every tree file must hash as
it was sent.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from harness.polyglot.exercises import Exercise
from harness.polyglot.languages.base import Language
from harness.records import ExecResult, Job, Status, Step, StepResult, TestResult, TreeFile, Verdict
from harness.sandbox import TREE_ROOT

OUTPUT_BYTES = 64 * 1024  # per stream of each step; more is cut (head and tail kept)


@dataclass(frozen=True)
class Timeouts:
    build_s: float | None = None  # None: the recipe's default
    test_s: float | None = None


def canary_name() -> str:
    """A fresh name for the test that must fail: unguessable before the run."""
    return f"harness_canary_{secrets.token_hex(6)}"


def build_job(
    exercise: Exercise, language: Language, files: dict[str, str], canary: str, timeouts: Timeouts = Timeouts()
) -> Job:
    """The sandbox job that builds and tests ``files`` (the candidate's solution files)."""
    tree: dict[str, tuple[bytes, int]] = {
        p: (d, 0o444 | (exercise.modes.get(p, 0) & 0o111)) for p, d in exercise.files.items()
    }
    for path, text in files.items():
        tree[path] = (text.encode(), 0o444)
    for path, data in language.prepare(exercise, canary).items():
        tree[path] = (data, 0o444)
    for path in language.writable:
        tree[path] = (tree.get(path, (b"", 0))[0], 0o666)
    workdir = f"{TREE_ROOT}/{exercise.slug}"
    steps = []
    for command in language.commands(exercise):
        limit = timeouts.build_s if command.name == "build" else timeouts.test_s
        steps.append(
            Step(
                command.name,
                argv=command.argv,
                env=command.env,
                cwd=workdir,
                timeout_s=limit or command.timeout_s,
                output_bytes=OUTPUT_BYTES,
            )
        )
    return Job(
        "steps",
        steps=steps,
        stop_on_failure=True,
        tree=tuple(TreeFile(f"{exercise.slug}/{p}", d, m) for p, (d, m) in sorted(tree.items())),
        collect=language.reports,
        image=language.image,
        timeout_s=sum(s.timeout_s for s in steps) + 30,
    )


def tampered_files(job: Job, result: ExecResult, writable: tuple[str, ...]) -> list[str]:
    """Tree files whose hash after the run differs from what was sent (writable ones aside)."""
    changed = []
    for item in job.tree:
        if item.path.split("/", 1)[1] in writable:
            continue
        if result.tree_hashes.get(item.path) != hashlib.sha256(item.data).hexdigest():
            changed.append(item.path.split("/", 1)[1])
    return changed


def judge(exercise: Exercise, language: Language, job: Job, result: ExecResult, canary: str) -> Verdict:
    """The verdict of one test run, from the framework's own per-test report."""
    if result.status != "pass" and not result.steps:
        return Verdict(result.status, False, result.detail)
    changed = tampered_files(job, result, language.writable)
    if changed:
        return Verdict("tampered", False, f"tree files changed during the run: {', '.join(changed[:5])}")
    steps = dict(zip((s.name for s in job.steps), result.steps, strict=True))
    build = steps.get("build")
    if build is not None and build.status != "pass":
        return _failed_step(build, "build_error", "the build failed")
    test = steps["test"]
    reports = {path: out.text.encode() for path, out in result.collected.items()}
    outcomes = language.parse(reports, [_output(s) for s in result.steps])
    expected = language.expected(exercise)
    tests = [TestResult(_test_status(outcomes.get(name)), name) for name in expected]
    missing = [name for name in expected if name not in outcomes]
    canaries = language.canaries(exercise, canary)
    passed_canaries = [c for c in canaries if outcomes.get(c) == "pass"]
    if passed_canaries:
        detail = f"a canary test, which must fail, passed ({passed_canaries[0]}): the test framework was patched"
        return Verdict("tampered", False, detail, tests)
    if test.status in ("timeout", "oom", "killed", "output_limit"):
        return Verdict(test.status, False, test.detail, tests)
    silent = [c for c in canaries if outcomes.get(c) not in ("fail", "error")]
    if not missing and all(t.status == "pass" for t in tests) and silent:
        detail = f"every test passed but the canary test {silent[0]} (which must fail) is missing from the report"
        return Verdict("tampered", False, detail, tests)
    if missing:
        detail = f"the test run ended before {len(missing)} of {len(expected)} tests reported (first: {missing[0]})"
        return Verdict("exited_early", False, detail, tests)
    failed = [t for t in tests if t.status != "pass"]
    if failed:
        return Verdict("fail", False, f"{len(failed)} of {len(expected)} tests failed", tests)
    return Verdict("pass", True, f"all {len(expected)} tests passed", tests)


def _test_status(outcome: str | None) -> Status:
    return {"pass": "pass", "fail": "fail", "error": "error", "skip": "fail"}.get(outcome or "", "not_run")


def _output(step: StepResult) -> str:
    return step.stdout.text + step.stderr.text


def _failed_step(step: StepResult, status: Status, what: str) -> Verdict:
    if step.status in ("timeout", "oom", "killed", "output_limit"):
        return Verdict(step.status, False, f"{what}: {step.detail}")
    first = _first_error(_output(step))
    return Verdict(status, False, f"{what} (exit code {step.exit_code})" + (f": {first}" if first else ""))


def _first_error(text: str) -> str:
    """The compiler's first error line (``error[E0433]: ...``, ``Foo.java:1: error: ...``), cut short."""
    for line in text.splitlines():
        if ERROR_LINE.search(line):
            return line.strip()[:200]
    return ""


ERROR_LINE = re.compile(r"^error\b|\berror(\[\w+\])?:", re.IGNORECASE)
# "(0.00s)", "(12 ms)", "in 0.12s", "0.005s": timings differ run to run and tell the model nothing
TIMINGS = re.compile(r" ?\(\d+(?:\.\d+)? ?m?s\)| in \d+(?:\.\d+)?s\b|\b\d+\.\d+s\b")


def feedback(exercise: Exercise, job: Job, result: ExecResult, canary: str) -> str:
    """The build and test output the model sees on its next try: merged stdout and stderr of each
    step, with timings and the sandbox's absolute paths removed and every line naming a canary dropped
    (every canary's name starts with ``canary``)."""
    workdir = f"{TREE_ROOT}/{exercise.slug}/"
    parts = []
    for command, step in zip(job.steps, result.steps, strict=False):
        text = _output(step)
        if step.status == "timeout":
            text += f"\n{command.name} timed out!"
        parts.append(text)
    lines = []
    for line in "\n".join(p for p in parts if p.strip()).splitlines():
        if canary in line:
            continue
        line = line.replace(workdir, "").replace(f"{TREE_ROOT}/{exercise.slug}", exercise.slug)
        lines.append(TIMINGS.sub("", line).rstrip())
    return "\n".join(lines).strip() + "\n"
