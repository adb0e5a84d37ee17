"""The pool when the Docker engine goes away: it breaks, every caller (waiting or not) gets PoolBroken
promptly, and a channel the engine dropped is not blamed on the candidate. Real containers run the
jobs; the engine's loss is simulated by pointing the pool at a client whose engine is gone."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from harness.records import Job, Limits
from harness.sandbox.docker_backend import PoolBroken, SandboxPool
from harness.sandbox.selftest import probe

pytestmark = pytest.mark.sandbox

LIMITS = Limits(load_timeout_s=3, test_timeout_s=1, job_timeout_s=10)
RUN_ID = f"pytest-broken-pool-{os.getpid()}"
QUICK = Job("python", code="def f(x):\n    return 2 * x\n", tests=[probe("f(2)", "4")])
HANGS = Job("python", code="def f(x):\n    while True:\n        pass\n", tests=[probe("f(2)", "4")])


def gone_engine():
    """A client of an engine that has gone away: every API call fails to connect."""
    import docker

    return docker.DockerClient(base_url="unix:///nonexistent/docker.sock", version="1.41", timeout=5)


@pytest.fixture
def pool(docker_client, sandbox_image):
    pool = SandboxPool(docker_client, sandbox_image, 1, LIMITS, RUN_ID).start()
    yield pool
    pool.close()
    assert not docker_client.api.containers(all=True, filters={"label": f"harness.run={RUN_ID}"})


def test_a_container_that_cannot_be_replaced_wakes_every_waiter(pool):
    pool.client = gone_engine()  # the running container keeps its channel; replacing it needs the engine
    outcomes: list[object] = []

    def call(job: Job) -> None:
        try:
            outcomes.append(pool.run(job).status)
        except PoolBroken as exc:
            outcomes.append(exc)

    started = time.monotonic()
    first = threading.Thread(target=call, args=(HANGS,))
    first.start()
    time.sleep(0.3)  # the one container is busy: the others wait for it
    waiters = [threading.Thread(target=call, args=(QUICK,)) for _ in range(6)]
    for t in waiters:
        t.start()
    for t in [first, *waiters]:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in [first, *waiters]), "a caller is still waiting for a container"
    assert time.monotonic() - started < 20
    assert "timeout" in outcomes  # the hung job's verdict stands: the candidate did time out
    broken = [o for o in outcomes if isinstance(o, PoolBroken)]
    assert len(broken) == 6 and all("Docker engine stopped answering" in str(b) for b in broken)
    with pytest.raises(PoolBroken):
        pool.run(QUICK)  # later callers do not wait either


def test_a_channel_the_engine_dropped_is_not_the_candidates_verdict(pool):
    assert pool.run(QUICK).status == "pass"
    pool.client = gone_engine()
    (worker,) = pool.all
    worker.sock.shutdown(socket.SHUT_RDWR)  # what the engine's death does to the attach stream
    with pytest.raises(PoolBroken, match="Docker engine stopped answering"):
        pool.run(QUICK)  # not a "killed" sample: nothing is recorded for this job
