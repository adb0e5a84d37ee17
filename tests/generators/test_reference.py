"""The reference oracle and the generator registry."""

from __future__ import annotations

import pytest

from harness.errors import UserError
from harness.generators import GeneratorOptions
from harness.generators.reference import Reference
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
