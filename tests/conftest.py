"""Shared fixtures: a real Docker sandbox (skipped off CI when no engine runs; an error
on CI, where the setup command starts one) and the real MBPP file from ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MBPP_JSONL = Path(os.environ.get("HARNESS_MBPP_JSONL", REPO.parent / "shared" / "data" / "mbpp" / "mbpp.jsonl"))


@pytest.fixture(scope="session")
def docker_client():
    from harness.errors import UserError
    from harness.sandbox.docker_backend import connect

    try:
        return connect()
    except UserError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs a Docker engine: {exc}")
        pytest.skip(f"no Docker engine: {exc}")


@pytest.fixture(scope="session")
def sandbox_image(docker_client):
    # Tests never build (a build may pull or bootstrap over the network): setup does.
    from harness.sandbox.image import image_exists, image_tag

    if not image_exists(docker_client):
        message = "the sandbox image is not built; run `harness sandbox build` (the README's setup does)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    return image_tag()


@pytest.fixture(scope="session")
def mbpp_jsonl() -> Path:
    if not MBPP_JSONL.is_file():
        pytest.skip(f"real MBPP data not found at {MBPP_JSONL} (set HARNESS_MBPP_JSONL)")
    return MBPP_JSONL
