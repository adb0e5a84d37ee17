"""Jobs with a file tree in the real sandbox: the tree is root's, so the candidate can read it
but not change, replace or remove it; reports are collected without following links; every
tree file's hash comes back; the next job starts with an empty tree."""

from __future__ import annotations

import hashlib
import os

import pytest

from harness.records import Job, Limits, Step, TreeFile
from harness.sandbox import TREE_ROOT
from harness.sandbox.docker_backend import SandboxPool

pytestmark = pytest.mark.sandbox

LIMITS = Limits(memory_mb=256, pids=64, job_timeout_s=30, output_bytes=8192)
RUN_ID = f"pytest-tree-{os.getpid()}"
TEST = b"assert open('solution.txt').read() == 'right\\n'\n"


@pytest.fixture(scope="module")
def pool(docker_client, sandbox_image):
    with SandboxPool(docker_client, sandbox_image, 1, LIMITS, RUN_ID) as pool:
        yield pool


def sh(name: str, script: str) -> Step:
    return Step(name, argv=["sh", "-c", script], cwd=f"{TREE_ROOT}/ex", timeout_s=10)


def tree_job(*steps: Step, collect: tuple[str, ...] = ()) -> Job:
    tree = (
        TreeFile("ex/check.py", TEST),
        TreeFile("ex/solution.txt", b"right\n", 0o444),
        TreeFile("ex/Cargo.lock", b"", 0o666),
    )
    return Job("steps", steps=list(steps), tree=tree, collect=collect)


def test_the_tree_is_readable_and_its_hashes_come_back(pool):
    result = pool.run(tree_job(sh("test", "python3 check.py && ls -ln . && echo lock >> Cargo.lock")))
    step = result.steps[0]
    assert step.status == "pass", step.stderr.text
    assert " 0 0 " in step.stdout.text  # owned by root
    assert result.tree_hashes["ex/check.py"] == hashlib.sha256(TEST).hexdigest()
    assert result.tree_hashes["ex/Cargo.lock"] == hashlib.sha256(b"lock\n").hexdigest()  # the one writable file


@pytest.mark.parametrize(
    "attack",
    [
        "echo 'pass' > check.py",
        "rm -f check.py",
        "mv check.py gone.py",
        "chmod 666 check.py",
        "touch conftest.py",
        "mkdir sub",
        "ln -s /tmp/x link",
        "cp /dev/null ../ex/check.py",
    ],
)
def test_the_candidate_cannot_change_the_tree(pool, attack):
    result = pool.run(tree_job(sh("attack", f"{attack}; echo rc=$?"), sh("test", "python3 check.py; ls -a")))
    assert "rc=0" not in result.steps[0].stdout.text
    assert result.steps[1].status == "pass"
    assert result.steps[1].stdout.text.split() == [".", "..", "Cargo.lock", "check.py", "solution.txt"]
    assert result.tree_hashes["ex/check.py"] == hashlib.sha256(TEST).hexdigest()


def test_reports_are_collected_but_never_through_a_link_or_a_fifo(pool):
    script = "echo '<report/>' > /tmp/r.xml; ln -s ../ex/check.py /tmp/link.xml; mkfifo /tmp/fifo.xml"
    paths = ("/tmp/r.xml", "/tmp/link.xml", "/tmp/fifo.xml", "/tmp/missing.xml")
    result = pool.run(tree_job(sh("report", script), collect=paths))
    assert result.steps[0].status == "pass", result.steps[0].stderr.text
    assert list(result.collected) == ["/tmp/r.xml"]
    assert result.collected["/tmp/r.xml"].text == "<report/>\n"


def test_a_command_step_cannot_write_events(pool):
    forged = '{"event": "files", "collected": {}, "hashes": {}}'
    result = pool.run(tree_job(sh("forge", f"echo '{forged}' >&3; echo rc=$?")))
    assert "rc=0" not in result.steps[0].stdout.text + result.steps[0].stderr.text
    assert result.tree_hashes["ex/check.py"] == hashlib.sha256(TEST).hexdigest()


def test_the_next_job_starts_with_an_empty_tree_root(pool):
    pool.run(tree_job(sh("test", "true")))
    result = pool.run(Job("steps", steps=[Step("look", argv=["ls", "-A", TREE_ROOT])]))
    assert result.steps[0].status == "pass"
    assert result.steps[0].stdout.text == ""
