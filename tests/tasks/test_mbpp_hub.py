"""Without --data, MBPP comes from the hub at a pinned revision; offline that is one clear error."""

from __future__ import annotations

import pytest

from harness.errors import UserError
from harness.tasks import TaskOptions
from harness.tasks.mbpp import HUB_ID, HUB_REVISION, MBPP


def test_offline_hub_load_says_to_pass_data(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    task = MBPP(TaskOptions())
    with pytest.raises(UserError, match="pass --data PATH"):
        task.load()
    assert task.source == f"hf://{HUB_ID}/full@{HUB_REVISION}"
    assert len(HUB_REVISION) == 40
