"""Real runs for the report tests, made once per session by the real CLI (offline: bundled
data, the reference generator, the bundled demo model), and one Chromium for the browser tests.

Session scope rather than module scope: the data tests and the browser tests read the same
runs, and each run costs seconds to a minute of sandbox time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_helpers import HOSTILE, chromium_or_skip

import harness
from harness.cli import main
from harness.report import CHROMIUM_ARGS
from harness.tasks.mbpp import DEMO_DATA


def _eval(out: Path, *argv: str) -> Path:
    assert main(["eval", *argv, "--out", str(out), "--quiet"]) == 0
    (run,) = [p for p in out.iterdir() if p.is_dir()]
    return run


@pytest.fixture(scope="session")
def mbpp_run(tmp_path_factory, docker_client, sandbox_image) -> Path:
    """mbpp-demo replayed by the reference generator: 16 problems, all pass."""
    return _eval(tmp_path_factory.mktemp("mbpp"), "--task", "mbpp-demo", "--generator", "reference")


@pytest.fixture(scope="session")
def hostile_run(tmp_path_factory, docker_client, sandbox_image) -> Path:
    """Two mbpp-demo problems, two samples each, answered with markup meant to break out of the page:
    one sample passes (the markup sits in a comment of a correct answer), the others fail to parse."""
    rows = {str(r["task_id"]): r for r in map(json.loads, DEMO_DATA.read_text().splitlines())}
    out = tmp_path_factory.mktemp("hostile")
    lines = [
        {"task_id": 5, "completion": rows["5"]["code"] + "\n# " + HOSTILE[0] + "\n"},
        {"task_id": 5, "completion": HOSTILE[1] + HOSTILE[0]},
        {"task_id": 6, "completion": HOSTILE[2]},
        {"task_id": 6, "completion": HOSTILE[3] + "print('</script>')"},
    ]
    samples = out / "samples.jsonl"
    samples.write_text("".join(json.dumps(x) + "\n" for x in lines))
    argv = ["--task", "mbpp-demo", "--generator", "samples", "--samples", str(samples), "--ids", "5,6", "-n", "2"]
    return _eval(out / "runs", *argv)


@pytest.fixture(scope="session")
def lcb_run(tmp_path_factory, docker_client, sandbox_image) -> Path:
    """lcb-generation-demo from its bundled solutions: 10 problems, graded strict and upstream."""
    solutions = Path(harness.__file__).parent / "tasks" / "data" / "lcb_generation_demo_solutions.json"
    argv = ["--task", "lcb-generation-demo", "--generator", "samples", "--samples", str(solutions)]
    return _eval(tmp_path_factory.mktemp("lcb"), *argv)


@pytest.fixture(scope="session")
def polyglot_run(tmp_path_factory, docker_client, sandbox_image) -> Path:
    """polyglot-demo by the reference generator: seven exercises in six languages."""
    return _eval(
        tmp_path_factory.mktemp("polyglot"), "--task", "polyglot-demo", "--generator", "reference", "--workers", "2"
    )


@pytest.fixture(scope="session")
def sweep_run(tmp_path_factory, docker_client, sandbox_image) -> Path:
    """A NIR layer sweep with the bundled demo model on CPU: 4 problems x 3 conditions."""
    argv = ["--task", "mbpp-demo", "--generator", "nir", "--layer", "1,23,none", "--limit", "4"]
    return _eval(tmp_path_factory.mktemp("sweep"), *argv, "--max-new-tokens", "32", "--think-tokens", "16")


@pytest.fixture(scope="session")
def browser():
    sync_playwright, executable = chromium_or_skip()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
