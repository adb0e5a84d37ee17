"""Jobs of kind "steps" in the real sandbox: each step a fresh process with real stdin, its own
wall deadline and CPU limit enforced from outside, capped output, typed endings."""

from __future__ import annotations

import os
import textwrap

import pytest

from harness.records import Job, Limits, Step
from harness.sandbox.docker_backend import SandboxPool

pytestmark = pytest.mark.sandbox

LIMITS = Limits(memory_mb=256, pids=64, load_timeout_s=2, test_timeout_s=1, job_timeout_s=30, output_bytes=4096)
RUN_ID = f"pytest-steps-{os.getpid()}"

# A minimal driver: run the job's code as __main__, report an exception's type.
DRIVER = textwrap.dedent(
    """
    def prepare(job):
        return compile(job["code"], "solution.py", "exec")

    def run(step, code, emit):
        try:
            exec(code, {"__name__": "__main__"})
        except SystemExit:
            raise
        except BaseException as exc:
            emit({"event": "raised", "error": describe(exc)})
            return 1
    """
)


@pytest.fixture(scope="module")
def pool(docker_client, sandbox_image):
    with SandboxPool(docker_client, sandbox_image, 1, LIMITS, RUN_ID) as pool:
        yield pool


def steps_job(code: str, *steps: Step, **kw) -> Job:
    return Job("steps", code=textwrap.dedent(code), driver=DRIVER, steps=list(steps), **kw)


def test_real_stdin_in_every_form(pool):
    code = """
    import os, sys
    how = os.environ["HOW"]
    if how == "input":
        got = [input(), input()]
    elif how == "buffer":
        got = [sys.stdin.buffer.readline().decode().strip(), sys.stdin.buffer.readline().decode().strip()]
    elif how == "open0":
        got = open(0).read().split("\\n")[:2]
    else:
        got = sys.stdin.readlines()[:2]
    sys.stdout.buffer.write(("|".join(g.strip() for g in got) + "\\n").encode())
    """
    hows = ["input", "buffer", "open0", "readlines"]
    steps = [Step(how, stdin="a b\nc\nd\n", env={"HOW": how}) for how in hows]
    result = pool.run(steps_job(code, *steps))
    assert result.status == "pass", result.detail
    assert [s.stdout.text for s in result.steps] == ["a b|c\n"] * 4
    assert [s.status for s in result.steps] == ["pass"] * 4


def test_each_step_is_a_fresh_process(pool):
    code = """
    import builtins, os
    print(getattr(builtins, "marker", "fresh"), os.getpid() != 1)
    builtins.marker = "stale"
    """
    result = pool.run(steps_job(code, Step("a"), Step("b"), Step("c")))
    assert [s.stdout.text for s in result.steps] == ["fresh True\n"] * 3


@pytest.mark.parametrize(
    ("code", "step", "status", "words"),
    [
        ("while True: pass", Step("busy", cpu_s=1, timeout_s=10), "timeout", "CPU time limit"),
        ("sum(range(10**11))", Step("c-loop", cpu_s=1, timeout_s=10), "timeout", "CPU time limit"),
        ("import time; time.sleep(30)", Step("sleep", cpu_s=5, timeout_s=1), "timeout", "wall-clock"),
        ("print('x' * 10**6)", Step("flood", output_bytes=1000), "output_limit", "over the cap"),
        ("x = bytearray(1 << 30)", Step("hog"), "oom", "memory"),
        ("import os; os.kill(os.getpid(), 11)", Step("segv"), "killed", "signal 11"),
        ("{}['k']", Step("raise"), "error", "KeyError"),
        ("import sys; sys.exit(3)", Step("exit3"), "exited_early", "exit code 3"),
    ],
    ids=lambda v: v.name if isinstance(v, Step) else None,
)
def test_typed_endings_and_the_next_step_runs(pool, code, step, status, words):
    result = pool.run(steps_job(code + "\nprint('unreached')", step))
    assert result.steps[0].status == status, result.steps[0]
    assert words in result.steps[0].detail
    follow_up = pool.run(steps_job("print(input())", Step("ok", stdin="fine\n")))
    assert follow_up.steps[0].stdout.text == "fine\n"


def test_cpu_time_is_measured_from_outside(pool):
    code = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass"
    step = pool.run(steps_job(code, Step("spin", cpu_s=2))).steps[0]
    assert step.status == "pass"
    assert 0.25 < step.cpu_s < 1.5


def test_a_background_process_does_not_outlive_its_step(pool):
    code = """
    import os, sys, time
    if sys.stdin.read() == "spawn":
        if os.fork() == 0:
            os.setsid()
            time.sleep(60)
            os._exit(0)
    def alive(pid):  # zombies wait for init to reap them: they are not running
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    print(sum(1 for p in os.listdir('/proc') if p.isdigit() and alive(p)))
    """
    result = pool.run(steps_job(code, Step("spawn", stdin="spawn"), Step("count", stdin="")))
    # init, supervisor, step host and this process: the sleeper of step 1 is gone
    assert int(result.steps[1].stdout.text) <= 4


def test_killing_the_step_host_ends_the_job_and_the_pool_recovers(pool):
    code = "import os, signal; os.kill(os.getppid(), signal.SIGKILL)"
    result = pool.run(steps_job(code, Step("a"), Step("b")))
    assert result.status == "killed"
    assert result.steps[1].status == "not_run"
    assert pool.run(steps_job("print(1)", Step("ok"))).steps[0].stdout.text == "1\n"


def test_stop_on_failure_skips_the_rest(pool):
    code = "import sys\nn = int(input())\nsys.exit(0 if n else 1)"
    steps = [Step("a", stdin="1"), Step("b", stdin="0"), Step("c", stdin="1")]
    result = pool.run(steps_job(code, *steps, stop_on_failure=True))
    assert [s.status for s in result.steps] == ["pass", "exited_early", "not_run"]


def test_job_deadline_bounds_all_steps(pool):
    code = "import time; time.sleep(0.8)"
    result = pool.run(steps_job(code, *[Step(f"s{i}", timeout_s=5) for i in range(6)], timeout_s=2))
    assert result.status == "timeout"
    assert result.steps[-1].status == "not_run"


def test_a_command_step_gets_stdin(pool):
    result = pool.run(steps_job("", Step("cmd", argv=["python3", "-c", "print(input()[::-1])"], stdin="abc\n")))
    assert result.steps[0].stdout.text == "cba\n"


def test_command_jobs_run_to_the_job_deadline_not_the_load_deadline(pool):
    # longer than LIMITS.load_timeout_s (2 s), shorter than the job's 30 s
    result = pool.run(Job("command", argv=["sh", "-c", "sleep 3; echo done"]))
    assert result.status == "pass", result.detail
    assert result.stdout.text == "done\n"
