"""A warm sandbox pool shared by the LiveCodeBench task tests (steps jobs size their own limits)."""

from __future__ import annotations

import os

import pytest

from harness.records import Limits
from harness.sandbox.docker_backend import SandboxPool


@pytest.fixture(scope="session")
def pool(docker_client, sandbox_image):
    limits = Limits(memory_mb=512, job_timeout_s=60)
    with SandboxPool(docker_client, sandbox_image, 2, limits, f"pytest-lcb-{os.getpid()}") as pool:
        yield pool
