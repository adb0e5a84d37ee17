"""The task and generator registries: discovery, lookup, and the error for unknown names."""

from __future__ import annotations

import pytest

from harness.errors import UserError
from harness.generators import Generator, all_generators, get_generator
from harness.generators.reference import Reference
from harness.generators.samples import Samples
from harness.tasks import Task, all_tasks, get_task
from harness.tasks.mbpp import MBPP, MBPPDemo

REGISTRIES = {
    "task": (all_tasks, get_task, Task, {"mbpp": MBPP, "mbpp-demo": MBPPDemo}),
    "generator": (all_generators, get_generator, Generator, {"reference": Reference, "samples": Samples}),
}


@pytest.mark.parametrize("kind", REGISTRIES)
def test_lists_the_bundled_entries_sorted(kind):
    list_all, _, base, bundled = REGISTRIES[kind]
    entries = list_all()
    assert set(bundled) <= set(entries)
    assert list(entries) == sorted(entries)
    assert all(issubclass(cls, base) and cls.name == name for name, cls in entries.items())


@pytest.mark.parametrize("kind", REGISTRIES)
def test_get_by_name(kind):
    _, get, _, bundled = REGISTRIES[kind]
    for name, cls in bundled.items():
        assert get(name) is cls


@pytest.mark.parametrize("kind", REGISTRIES)
def test_unknown_name_lists_the_available_ones(kind):
    list_all, get, _, _ = REGISTRIES[kind]
    with pytest.raises(UserError, match=f"Unknown {kind} 'nope'") as info:
        get("nope")
    assert f"available {kind}s: " in str(info.value)
    assert all(name in str(info.value) for name in list_all())
