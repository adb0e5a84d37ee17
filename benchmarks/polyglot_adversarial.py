"""The outcome table of the Polyglot adversarial suite (tests/polyglot/test_hostile_solutions.py).

Runs every attack of the suite through the task's real path in the language images, then the
reference on the same container, and prints one row per attack: the status it ended with, the
statuses the suite accepts, whether the next job passed, the verdict's detail and the time. Ends
by listing containers left behind (there must be none). The attacks are the suite's own table,
loaded from the test module, so the two never drift apart.

Run from the repository root with a Docker engine running and the images built:

    python benchmarks/polyglot_adversarial.py
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.polyglot.exercises import load_exercises  # noqa: E402
from harness.records import Limits  # noqa: E402
from harness.sandbox.docker_backend import SandboxPools, connect  # noqa: E402
from harness.sandbox.image import image_tag  # noqa: E402
from harness.tasks import TaskOptions, get_task  # noqa: E402
from harness.tasks.polyglot import DEMO  # noqa: E402

RUN_ID = "bench-polyglot-adversarial"


def suite():
    path = ROOT / "tests" / "polyglot" / "test_hostile_solutions.py"
    spec = importlib.util.spec_from_file_location("hostile_suite", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def main() -> int:
    hostile = suite()
    client = connect()
    task = get_task("polyglot-demo")(TaskOptions(tries=1, reflections=0))
    task.limits = Limits()
    demo = {e.id: e for e in load_exercises(DEMO)}
    images = {name: (image_tag(language=name), limits) for name, limits in task.sandboxes().items()}
    pools = SandboxPools(client, images, 1, RUN_ID)
    wrong = 0
    print(f"{'attack':<58} {'status':<13} {'ok':<3} {'next':<5} {'s':>5}  detail")
    try:
        for attack in hostile.ATTACKS:
            exercise = demo[attack.exercise]
            started = time.monotonic()
            _, result = task.evaluate(exercise, hostile.answer_for(exercise, attack.change), pools, [])
            seconds = time.monotonic() - started
            _, after = task.evaluate(exercise, hostile.reference(task, exercise), pools, [])
            ok = result.status in attack.statuses and after.status == "pass"
            wrong += not ok
            print(
                f"{attack.name[:58]:<58} {result.status:<13} {'yes' if ok else 'NO':<3} {after.status:<5} "
                f"{seconds:5.1f}  {result.detail[:90]}"
            )
        for name, exercise_id, path, text in hostile.EDIT_ATTACKS:
            exercise = demo[exercise_id]
            search = exercise.files[path].decode() if path in exercise.files else ""
            answer = hostile.render_blocks(path, search, text) + "\n" + hostile.reference(task, exercise)
            _, result = task.evaluate(exercise, answer, pools, [])
            reasons = result.verdicts["polyglot"].extras["edits"]["reasons"]
            ok = "forbidden_path" in reasons and result.status == "pass"
            wrong += not ok
            print(f"{name[:58]:<58} {'refused':<13} {'yes' if ok else 'NO':<3} {result.status:<5} {'':>5}  {reasons}")
    finally:
        pools.close()
    left = client.api.containers(all=True, filters={"label": f"harness.run={RUN_ID}"})
    total = len(hostile.ATTACKS) + len(hostile.EDIT_ATTACKS)
    print(f"{total - wrong}/{total} attacks ended as the suite requires; containers left behind: {len(left)}")
    return 1 if wrong or left else 0


if __name__ == "__main__":
    sys.exit(main())
