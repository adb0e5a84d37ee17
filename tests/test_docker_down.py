"""With no reachable Docker engine, eval fails closed with one sentence (no Docker needed)."""

from __future__ import annotations

import os
import subprocess
import sys


def test_eval_fails_closed_without_docker(tmp_path):
    env = {**os.environ, "DOCKER_HOST": f"unix://{tmp_path}/no-such-docker.sock"}
    cmd = [sys.executable, "-m", "harness", "eval", "--task", "mbpp-demo", "--generator", "reference"]
    done = subprocess.run([*cmd, "--out", str(tmp_path)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Docker engine" in lines[0] and "Traceback" not in done.stderr
    assert not list(tmp_path.glob("*/samples.jsonl"))  # nothing ran unsandboxed
