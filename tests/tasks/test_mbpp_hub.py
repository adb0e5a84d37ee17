"""Without --data, MBPP comes from the hub at a pinned revision; offline that is one clear error."""

from __future__ import annotations

import os
import subprocess
import sys

from harness.tasks.mbpp import HUB_ID, HUB_REVISION

LOAD = """
from harness.errors import UserError
from harness.tasks import TaskOptions
from harness.tasks.mbpp import MBPP

task = MBPP(TaskOptions())
try:
    task.load()
except UserError as exc:
    print(exc)
else:
    print("loaded")
print(task.source)
"""


def test_offline_hub_load_says_to_pass_data(tmp_path):
    # A fresh process, because datasets and huggingface_hub read these at import; with empty caches the
    # outcome does not depend on whether this machine has the pinned revision cached.
    cache = tmp_path / "hf"
    env = {
        **os.environ,
        "HF_HOME": str(cache),
        "HF_HUB_CACHE": str(cache / "hub"),
        "HF_DATASETS_CACHE": str(cache / "datasets"),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
    }
    done = subprocess.run([sys.executable, "-c", LOAD], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    error, source = done.stdout.splitlines()[-2:]
    assert "pass --data PATH" in error
    assert source == f"hf://{HUB_ID}/full@{HUB_REVISION}"
    assert len(HUB_REVISION) == 40
