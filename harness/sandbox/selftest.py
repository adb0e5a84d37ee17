"""``harness sandbox check``: prove the isolation from inside a real container.

Each check is a small program with a known right outcome. Nothing here sends network
traffic: the network check lists the interfaces the container has (only loopback).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from harness.records import ExecResult, Job, Limits, ProbeTest

CHECK_LIMITS = Limits(memory_mb=256, pids=64, load_timeout_s=3, test_timeout_s=1.5, job_timeout_s=15)


def probe(expr: str, expected: str) -> ProbeTest:
    return ProbeTest(f"assert {expr} == {expected}", expr, "eq", expected)


@dataclass(frozen=True)
class Check:
    name: str
    job: Job
    ok: Callable[[ExecResult], bool]
    expect: str  # the right outcome, in words


def _status(*statuses: str) -> Callable[[ExecResult], bool]:
    return lambda r: r.status in statuses


def checks() -> list[Check]:
    inspect = (
        "import os\n"
        "def status(key):\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith(key + ':'):\n"
        "            return line.split()[1]\n"
        "def writable(path):\n"
        "    try:\n"
        "        open(path, 'w').close()\n"
        "        return True\n"
        "    except OSError:\n"
        "        return False\n"
    )
    return [
        Check(
            "correct answer passes",
            Job("python", code="def f(x):\n    return x + 1\n", tests=[probe("f(1)", "2")]),
            _status("pass"),
            "pass",
        ),
        Check(
            "wrong answer fails",
            Job("python", code="def f(x):\n    return x\n", tests=[probe("f(1)", "2")]),
            _status("fail"),
            "fail",
        ),
        Check(
            "only a loopback interface",
            Job("python", code="import os\n", tests=[probe("sorted(os.listdir('/sys/class/net'))", "['lo']")]),
            _status("pass"),
            "pass",
        ),
        Check(
            "runs as a non-root user",
            Job("python", code=inspect, tests=[probe("os.getuid() != 0 and os.getgid() != 0", "True")]),
            _status("pass"),
            "pass",
        ),
        Check(
            "no capabilities, no new privileges",
            Job(
                "python",
                code=inspect,
                tests=[
                    probe(
                        "(status('CapEff'), status('CapPrm'), status('NoNewPrivs'))",
                        "('0000000000000000', '0000000000000000', '1')",
                    )
                ],
            ),
            _status("pass"),
            "pass",
        ),
        Check(
            "root filesystem is read-only",
            Job(
                "python",
                code=inspect,
                tests=[
                    probe(
                        "[writable(p) for p in ('/etc/x', '/usr/x', '/opt/harness/x', '/x')]",
                        "[False, False, False, False]",
                    )
                ],
            ),
            _status("pass"),
            "pass",
        ),
        Check(
            "host environment is not visible",
            Job(
                "python",
                code="import os\n",
                tests=[
                    probe(
                        "sorted(k for k in os.environ if k not in ('PATH', 'HOSTNAME', 'HOME', 'LANG', "
                        "'PYTHONHASHSEED', 'PYTHONDONTWRITEBYTECODE'))",
                        "[]",
                    )
                ],
            ),
            _status("pass"),
            "pass",
        ),
        Check(
            "string hashing is deterministic",
            Job("python", code="", tests=[probe("hash('harness')", str(_hash_seed0()))]),
            _status("pass"),
            "pass",
        ),
        Check(
            "infinite loop is stopped from outside",
            Job("python", code="while True:\n    pass\n", tests=[probe("1", "1")]),
            _status("timeout"),
            "timeout",
        ),
        Check(
            "memory bomb hits the memory limit",
            Job("python", code="x = []\nwhile True:\n    x.append(bytearray(10**7))\n", tests=[probe("1", "1")]),
            _status("oom"),
            "oom",
        ),
        Check(
            "fork bomb is contained",
            Job(
                "python",
                code="import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
                tests=[probe("1", "1")],
            ),
            _status("timeout"),
            "timeout",
        ),
        Check(
            "exit before the tests is not a pass",
            Job("python", code="import sys\nsys.exit(0)\n", tests=[probe("1", "1")]),
            _status("exited_early"),
            "exited_early",
        ),
        Check(
            "always-equal object is not a pass",
            Job(
                "python",
                code="class E:\n    def __eq__(self, other):\n        return True\ndef f():\n    return E()\n",
                tests=[probe("f()", "5")],
            ),
            _status("fail"),
            "fail",
        ),
    ]


def _hash_seed0() -> int:
    """hash('harness') under PYTHONHASHSEED=0, computed in a child interpreter."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", "print(hash('harness'))"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=True,
    )
    return int(out.stdout)


def run_selftest(client, print_line: Callable[[str], None] = print) -> bool:
    """Run every check on a fresh one-container pool; print a line per check; True if all pass."""
    from harness.sandbox.docker_backend import SandboxPool, reap
    from harness.sandbox.image import ensure_image

    image = ensure_image(client, log=print_line)
    run_id = f"selftest-{os.getpid()}"
    all_ok = True
    with SandboxPool(client, image, 1, CHECK_LIMITS, run_id) as pool:
        for check in checks():
            started = time.monotonic()
            result = pool.run(check.job)
            ok = check.ok(result)
            all_ok &= ok
            took = time.monotonic() - started
            print_line(
                f"{'ok  ' if ok else 'FAIL'} {check.name:<42} {result.status:<13} ({took:.2f}s)"
                + ("" if ok else f" expected {check.expect}: {result.detail}")
            )
    leaked = client.api.containers(all=True, filters={"label": f"harness.run={run_id}"})
    if leaked:
        reap(client, run_id=run_id)
    print_line(f"{'ok  ' if not leaked else 'FAIL'} no container left behind")
    return all_ok and not leaked
