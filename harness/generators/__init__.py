"""Generator registry: every module in this package that defines a Generator registers it."""

from __future__ import annotations

import importlib
import pkgutil

from harness.errors import UserError
from harness.generators.base import Generator, GeneratorOptions

_REGISTRY: dict[str, type[Generator]] = {}


def register(cls: type[Generator]) -> type[Generator]:
    """Class decorator: make a generator available under ``cls.name``."""
    _REGISTRY[cls.name] = cls
    return cls


def _discover() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")


def all_generators() -> dict[str, type[Generator]]:
    _discover()
    return dict(sorted(_REGISTRY.items()))


def get_generator(name: str) -> type[Generator]:
    generators = all_generators()
    if name not in generators:
        raise UserError(f"Unknown generator {name!r}; available generators: {', '.join(generators)}.")
    return generators[name]


__all__ = ["Generator", "GeneratorOptions", "all_generators", "get_generator", "register"]
