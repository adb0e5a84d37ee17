"""``harness sandbox check`` for the language images: in each one, prove the lock-down from inside
(only a loopback interface, a non-root user without capabilities, a tree it cannot change) and
run the bundled demo exercise of that language: the reference must pass, the stub must not."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from harness.records import Job, Limits, Step, TreeFile
from harness.sandbox import TREE_ROOT

# One shell line per property; each prints "ok" only when the property holds.
PROBES = {
    "only a loopback interface": '[ "$(ls /sys/class/net)" = lo ] && echo ok',
    "non-root, no capabilities": "[ \"$(id -u)\" != 0 ] && grep -q '^CapEff:\\s*0*$' /proc/self/status && echo ok",
    "the tree cannot be changed": f"! touch {TREE_ROOT}/probe/x 2>/dev/null && ! rm -f {TREE_ROOT}/probe/f 2>/dev/null "
    f"&& [ -f {TREE_ROOT}/probe/f ] && echo ok",
    "root filesystem is read-only": "! touch /usr/x /etc/x /opt/x 2>/dev/null && echo ok",
}


def probe_job(image: str) -> Job:
    steps = [Step(name, argv=["sh", "-c", line], timeout_s=10) for name, line in PROBES.items()]
    return Job("steps", steps=steps, tree=(TreeFile("probe/f", b"x"),), image=image)


def run_language_checks(client, languages: list[str] | None = None, print_line: Callable[[str], None] = print) -> bool:
    """Check every language image (or those named); print a line per check; True if all pass."""
    from harness.sandbox.docker_backend import SandboxPools
    from harness.sandbox.image import ensure_image
    from harness.tasks import TaskOptions, get_task

    task = get_task("polyglot-demo")(TaskOptions(languages=",".join(languages) if languages else None, reflections=0))
    task.limits = Limits()
    exercises = task.load()
    run_id = f"selftest-polyglot-{os.getpid()}"
    images = {
        name: (ensure_image(client, log=print_line, language=name), lim) for name, lim in task.sandboxes().items()
    }
    all_ok = True
    pools = SandboxPools(client, images, 1, run_id)
    try:
        for name in images:
            result = pools.run(probe_job(name))
            for step, title in zip(result.steps, PROBES, strict=True):
                ok = step.stdout.text.strip() == "ok"
                all_ok &= ok
                print_line(f"{'ok  ' if ok else 'FAIL'} {name:<16} {title}")
        for exercise in exercises:
            recipe = task.recipe(exercise)
            for label, answer, want in (
                ("reference passes", task.request(exercise, 0, []).reference, True),
                ("stub fails", "", False),
            ):
                started = time.monotonic()
                _, result = task.evaluate(exercise, answer, pools, [])
                ok = result.passed == want
                all_ok &= ok
                took = time.monotonic() - started
                line = f"{'ok  ' if ok else 'FAIL'} {recipe.image:<16} {exercise.id} {label:<17} {result.status:<12}"
                print_line(f"{line} ({took:.1f}s)" + ("" if ok else f" {result.detail}"))
    finally:
        pools.close()
    leaked = client.api.containers(all=True, filters={"label": f"harness.run={run_id}"})
    print_line(f"{'ok  ' if not leaked else 'FAIL'} no container left behind")
    return all_ok and not leaked
