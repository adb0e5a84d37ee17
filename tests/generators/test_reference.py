"""The reference oracle and the generator registry."""

from __future__ import annotations

import pytest

from harness.errors import UserError
from harness.generators import Generator, GeneratorOptions, all_generators, get_generator
from harness.generators.reference import Reference
from harness.generators.samples import Samples
from harness.records import Message, Request


def request(problem_id: str, reference: str | None) -> Request:
    return Request(problem_id, 0, 0, [Message("user", "q")], prefill="```python\n", reference=reference)


def test_reference_replays_the_canonical_answer():
    out = Reference(GeneratorOptions()).generate([request("1", "x = 1\n```"), request("2", "y = 2\n```")])
    assert [g.text for g in out] == ["x = 1\n```", "y = 2\n```"]
    assert all(g.continues_prefill for g in out)


def test_reference_without_a_solution_is_an_error():
    with pytest.raises(UserError, match="Problem 7 has no canonical solution"):
        Reference(GeneratorOptions()).generate([request("1", "x"), request("7", None)])


def test_reference_config():
    assert Reference(GeneratorOptions()).config() == {"name": "reference"}


def test_registry_lists_the_bundled_generators_sorted():
    generators = all_generators()
    assert {"reference", "samples"} <= set(generators)
    assert list(generators) == sorted(generators)
    assert all(issubclass(cls, Generator) and cls.name == name for name, cls in generators.items())


def test_get_generator():
    assert get_generator("reference") is Reference
    assert get_generator("samples") is Samples


def test_unknown_generator_lists_the_available_ones():
    with pytest.raises(UserError, match="Unknown generator 'gpt'") as info:
        get_generator("gpt")
    assert "available generators: " in str(info.value)
    for name in all_generators():
        assert name in str(info.value)
