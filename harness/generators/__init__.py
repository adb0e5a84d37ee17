"""Generator registry: every module in this package that defines a Generator registers it."""

from harness.generators.base import Generator, GeneratorOptions
from harness.registry import Registry

_generators: Registry[Generator] = Registry("generator", __name__, helpers=frozenset({"hf", "inject"}))
register = _generators.register
all_generators = _generators.all
get_generator = _generators.get

__all__ = ["Generator", "GeneratorOptions", "all_generators", "get_generator", "register"]
