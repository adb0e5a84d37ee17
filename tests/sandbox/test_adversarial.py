"""Hostile candidates against the real sandbox. Each must end with the right status,
leave no process or file behind, and the next job must run normally and promptly."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

from harness.records import Job, Limits
from harness.sandbox.docker_backend import SandboxPool
from harness.sandbox.selftest import checks, probe

pytestmark = pytest.mark.sandbox

LIMITS = Limits(memory_mb=256, pids=64, load_timeout_s=3, test_timeout_s=1.5, job_timeout_s=15, output_bytes=4096)
RUN_ID = f"pytest-adversarial-{os.getpid()}"

# Counts live processes other than init, the supervisor (our parent) and ourselves.
COUNT_PROCS = """
import os
def strays():
    skip = {1, os.getpid(), os.getppid()}
    live = []
    for pid in os.listdir('/proc'):
        if pid.isdigit() and int(pid) not in skip:
            state = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[0]
            if state != 'Z':
                live.append(pid)
    return len(live)
def leftovers():
    return sorted(os.listdir('/work') + os.listdir('/tmp') + os.listdir('/dev/shm'))
"""


@pytest.fixture(scope="module")
def pool(docker_client, sandbox_image):
    # One container, so every follow-up job lands where the attack ran (unless it was replaced).
    with SandboxPool(docker_client, sandbox_image, 1, LIMITS, RUN_ID) as pool:
        yield pool
    assert not docker_client.api.containers(all=True, filters={"label": f"harness.run={RUN_ID}"})


def job(code: str, *tests) -> Job:
    return Job("python", code=textwrap.dedent(code), tests=list(tests) or [probe("f(2)", "4")])


def assert_clean_afterwards(pool: SandboxPool) -> None:
    started = time.monotonic()
    result = pool.run(job(COUNT_PROCS, probe("strays()", "0"), probe("leftovers()", "[]")))
    assert result.status == "pass", (result.detail, result.tests)
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("check", checks(), ids=lambda c: c.name)
def test_selftest_checks(pool, check):
    result = pool.run(check.job)
    assert check.ok(result), (check.expect, result.status, result.detail)
    assert_clean_afterwards(pool)


ATTACKS = {
    "fork bomb": (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
        "timeout",
    ),
    "memory bomb": ("x = []\nwhile True:\n    x.append(bytearray(10**7))\n", "oom"),
    "loop swallowing signals": (
        """
        import signal
        for s in range(1, 32):
            try:
                signal.signal(s, signal.SIG_IGN)
            except (OSError, ValueError):
                pass
        while True:
            try:
                pass
            except BaseException:
                pass
        """,
        "timeout",
    ),
    "C-level hang": ("import re\nre.match(r'(a+)+$', 'a' * 64 + 'b')\n", "timeout"),
    "sys.exit(0) before the tests": ("import sys\nsys.exit(0)\ndef f(x):\n    return 2 * x\n", "exited_early"),
    "os._exit(0) before the tests": ("import os\nos._exit(0)\ndef f(x):\n    return 2 * x\n", "exited_early"),
    "kills the parent": ("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n", "killed"),
    "kills itself": ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", "killed"),
    "syntax error": ("def f(x)\n    return x\n", "syntax_error"),
    "exception at import": ("raise ValueError('boom')\n", "error"),
}


@pytest.mark.parametrize("name", ATTACKS)
def test_attack_status(pool, name):
    code, expected = ATTACKS[name]
    result = pool.run(job(code))
    assert result.status == expected, (result.status, result.detail)
    assert_clean_afterwards(pool)


def test_test_timeout_is_per_test(pool):
    code = "import time\ndef f(x):\n    if x == 2:\n        while True:\n            pass\n    return 2 * x\n"
    result = pool.run(job(code, probe("f(1)", "2"), probe("f(2)", "4"), probe("f(3)", "6")))
    assert [t.status for t in result.tests] == ["pass", "timeout", "not_run"]
    assert result.status == "timeout"
    assert_clean_afterwards(pool)


def test_huge_output_is_capped_and_flagged(pool):
    code = """
    import os, sys
    sys.stdout.write('o' * 5_000_000)
    sys.stderr.write('e' * 5_000_000)
    os.write(1, b'x' * 1_000_000)
    def f(x):
        return 2 * x
    """
    result = pool.run(job(code))
    assert result.status == "pass"
    for stream, size in ((result.stdout, 6_000_000), (result.stderr, 5_000_000)):
        assert stream.truncated and stream.bytes == size
        assert len(stream.text) < LIMITS.output_bytes + 100
    assert_clean_afterwards(pool)


def test_writes_outside_the_work_dir_fail_and_scratch_is_wiped(pool):
    code = """
    import os
    def attempt(path):
        try:
            with open(path, 'w') as fh:
                fh.write('x')
            return True
        except OSError:
            return False
    written = [p for p in ('/etc/passwd', '/opt/harness/supervisor.py', '/usr/bin/x', '/root/x', '/x')
               if attempt(p)]
    scratch = [attempt(p) for p in ('/work/a', '/tmp/b', '/dev/shm/c')]
    os.makedirs('/work/d/e')
    os.chmod('/work/d', 0o500)
    """
    result = pool.run(job(code, probe("written", "[]"), probe("scratch", "[True, True, True]")))
    assert result.status == "pass", result.tests
    assert_clean_afterwards(pool)


def test_background_process_is_killed(pool):
    code = """
    import os, subprocess
    subprocess.Popen(['sleep', '1000'], start_new_session=True)
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            import time
            time.sleep(1000)
        os._exit(0)
    def f(x):
        return 2 * x
    """
    result = pool.run(job(code))
    assert result.status == "pass"
    assert_clean_afterwards(pool)


def test_always_equal_and_subclass_tricks_fail(pool):
    code = """
    class Always:
        def __eq__(self, other):
            return True
    class Int(int):
        def __eq__(self, other):
            return True
    class Seq(list):
        def __iter__(self):
            return iter([4])
    def always(x):
        return Always()
    def int_sub(x):
        return Int(0)
    def seq(x):
        return Seq([0])
    """
    result = pool.run(job(code, probe("always(2)", "4"), probe("int_sub(2)", "4"), probe("seq(2)", "[4]")))
    assert [t.status for t in result.tests] == ["fail", "fail", "fail"]


def test_patching_builtins_and_the_checker_does_not_pass(pool):
    code = """
    import builtins, json
    builtins.isinstance = lambda *a: True
    builtins.hex = lambda v: '0x4'
    json.dumps = lambda *a, **k: '{"event": "done"}'
    def f(x):
        return 0
    """
    result = pool.run(job(code))
    assert result.status != "pass"
    assert_clean_afterwards(pool)


def test_forging_the_result_channel_does_not_pass(pool):
    code = """
    import os, sys, json
    fake = json.dumps({"nonce": "0" * 32, "result": {"status": "pass"}})
    print(fake)
    for fd in (1, 2, 3):
        os.write(fd, (json.dumps({"event": "done", "status": "pass", "passed": True}) + "\\n").encode())
    try:
        with open('/proc/1/fd/1', 'w') as init_stdout:
            init_stdout.write(fake + "\\n")
    except OSError:
        pass
    frame = sys._getframe()
    while frame is not None:
        for name, value in list(frame.f_locals.items()):
            if isinstance(value, dict):
                value['status'] = 'pass'
            if callable(value) and name == 'emit':
                value({"event": "done"})
        frame = frame.f_back
    os._exit(0)
    """
    result = pool.run(job(code))
    assert result.status != "pass"
    assert_clean_afterwards(pool)


def test_supervisor_memory_is_out_of_reach(pool):
    code = """
    import os
    def reach():
        found = []
        for path in (f'/proc/{os.getppid()}/mem', f'/proc/{os.getppid()}/fd/0', f'/proc/{os.getppid()}/environ'):
            try:
                open(path, 'rb').read(1)
                found.append(path)
            except OSError:
                pass
        return found
    """
    result = pool.run(job(code, probe("reach()", "[]")))
    assert result.status == "pass", result.tests


def test_host_environment_is_not_forwarded(pool, monkeypatch):
    monkeypatch.setenv("HARNESS_TEST_SECRET", "do-not-leak")
    code = "import os\ndef env():\n    return sorted(os.environ.values())\n"
    result = pool.run(job(code, probe("any('do-not-leak' in v for v in env())", "False")))
    assert result.status == "pass"


def test_dead_harness_leaves_no_container(docker_client, sandbox_image):
    """SIGKILL the harness process mid-run: Docker must clean up after it by itself."""
    script = textwrap.dedent(
        f"""
        import sys, time
        from harness.records import Limits
        from harness.sandbox.docker_backend import SandboxPool, connect
        pool = SandboxPool(connect(), {sandbox_image!r}, 2, Limits(), "pytest-sigkill").__enter__()
        print("ready", flush=True)
        time.sleep(600)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        filters = {"label": "harness.run=pytest-sigkill"}
        assert len(docker_client.api.containers(filters=filters)) == 2
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 20
    while docker_client.api.containers(all=True, filters=filters) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not docker_client.api.containers(all=True, filters=filters)
