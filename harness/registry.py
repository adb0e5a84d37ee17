"""A name -> class registry filled by the modules of one package (tasks, generators)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Generic, TypeVar

from harness.errors import UserError

T = TypeVar("T")


class Registry(Generic[T]):
    """Classes register themselves with ``@registry.register``; every module of the
    package is imported on first lookup, so adding one is adding one file."""

    def __init__(self, kind: str, package: str, helpers: frozenset[str] = frozenset()):
        # helpers: modules that register nothing and import heavy libraries (torch), skipped here
        self.kind, self.package, self.helpers = kind, package, helpers | {"base"}
        self.entries: dict[str, type[T]] = {}

    def register(self, cls: type[T]) -> type[T]:
        """Class decorator: make ``cls`` available under ``cls.name``."""
        self.entries[cls.name] = cls  # type: ignore[attr-defined]
        return cls

    def all(self) -> dict[str, type[T]]:
        module = importlib.import_module(self.package)
        for info in pkgutil.iter_modules(module.__path__):
            if info.name not in self.helpers:
                importlib.import_module(f"{self.package}.{info.name}")
        return dict(sorted(self.entries.items()))

    def get(self, name: str) -> type[T]:
        entries = self.all()
        if name not in entries:
            raise UserError(f"Unknown {self.kind} {name!r}; available {self.kind}s: {', '.join(entries)}.")
        return entries[name]
