"""Task registry: every module in this package that defines a Task registers it."""

from harness.registry import Registry
from harness.tasks.base import Task, TaskOptions

_tasks: Registry[Task] = Registry("task", __name__)
register = _tasks.register
all_tasks = _tasks.all
get_task = _tasks.get

__all__ = ["Task", "TaskOptions", "all_tasks", "get_task", "register"]
