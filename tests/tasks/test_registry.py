"""The task registry."""

from __future__ import annotations

import pytest

from harness.errors import UserError
from harness.tasks import Task, all_tasks, get_task
from harness.tasks.mbpp import MBPP, MBPPDemo


def test_all_tasks_lists_the_bundled_ones_sorted():
    tasks = all_tasks()
    assert {"mbpp", "mbpp-demo"} <= set(tasks)
    assert list(tasks) == sorted(tasks)
    assert all(issubclass(cls, Task) and cls.name == name for name, cls in tasks.items())


def test_get_task():
    assert get_task("mbpp") is MBPP
    assert get_task("mbpp-demo") is MBPPDemo


def test_unknown_task_lists_the_available_ones():
    with pytest.raises(UserError, match="Unknown task 'nope'") as info:
        get_task("nope")
    assert "available tasks: " in str(info.value)
    for name in all_tasks():
        assert name in str(info.value)
