"""The CI gate: every bundled demo set, evaluated deterministically, matches its committed board.

A failure lists the problems whose verdicts changed. If the change is intended, update the
boards on purpose with `harness leaderboard demo --update` and commit them."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from harness.gate import DEMO_EVALS, gate
from harness.leaderboard import board_names
from harness.tasks import all_tasks

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]
BOARDS = Path(__file__).resolve().parent.parent / "leaderboards"


@pytest.fixture(autouse=True)
def keep_sigterm():
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)


def test_every_bundled_demo_set_has_a_committed_board():
    demo_tasks = {name for name in all_tasks() if name.endswith("-demo")}
    assert {d.task for d in DEMO_EVALS} == demo_tasks
    assert set(board_names(BOARDS)) >= demo_tasks


def test_the_demo_evaluations_match_the_committed_boards(docker_client, sandbox_image):
    ok, lines = gate(BOARDS, update=False)
    assert ok, "verdicts changed; if intended, run `harness leaderboard demo --update`:\n" + "\n".join(lines)
    assert len([line for line in lines if line.endswith(": ok")]) == sum(1 for _ in DEMO_EVALS)
