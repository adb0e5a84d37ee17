"""Task registry: every module in this package that defines a Task registers it."""

from __future__ import annotations

import importlib
import pkgutil

from harness.errors import UserError
from harness.tasks.base import Task, TaskOptions

_REGISTRY: dict[str, type[Task]] = {}


def register(cls: type[Task]) -> type[Task]:
    """Class decorator: make a task available under ``cls.name``."""
    _REGISTRY[cls.name] = cls
    return cls


def _discover() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")


def all_tasks() -> dict[str, type[Task]]:
    _discover()
    return dict(sorted(_REGISTRY.items()))


def get_task(name: str) -> type[Task]:
    tasks = all_tasks()
    if name not in tasks:
        raise UserError(f"Unknown task {name!r}; available tasks: {', '.join(tasks)}.")
    return tasks[name]


__all__ = ["Task", "TaskOptions", "all_tasks", "get_task", "register"]
