"""HRM's generated programs: seeded, split by program text with every template in test, and
their outputs computed in the real sandbox."""

from __future__ import annotations

import os

import pytest

from harness.hrm.programs import FRAMINGS, TEMPLATES, Item, draw, majority_baseline, outputs_in_sandbox, split
from harness.records import Limits


def test_draws_are_seeded():
    assert draw(3, 5) == draw(3, 5) and draw(3, 5) != draw(4, 5)
    assert {i.template for i in draw(0, 1)} == set(TEMPLATES)


def test_the_split_shares_no_program_and_keeps_every_template_in_test():
    train, test = split(draw(0, 200), test_fraction=0.1, seed=0)
    assert not {i.question for i in train} & {i.question for i in test}
    assert {i.template for i in test} == set(TEMPLATES)  # quotas: small templates are not starved
    assert split(draw(0, 200), 0.1, 0) == (train, test)


def test_one_snippet_is_framed_three_ways_each_its_own_question():
    items = draw(5, 3, ("reverse", "add"), FRAMINGS)
    assert [i.framing for i in items[:3]] == list(FRAMINGS) and len(items) == 2 * 3 * 3
    program, execution, test_output = items[:3]
    assert program.question == program.program and "print(" in program.question
    assert execution.question.startswith("def f(s):\n    return s[::-1]\nf(")
    assert execution.program.endswith(")))") and "print(repr(f(" in execution.program
    assert test_output.question.startswith("Return s reversed.\nreverseString(")
    train, test = split(draw(0, 100, framings=FRAMINGS), 0.1, 0)
    assert {(i.template, i.framing) for i in test} == {(t, f) for t in TEMPLATES for f in FRAMINGS}


def test_the_majority_baseline_scores_the_most_common_train_answer():
    train = [Item("add", "a", "1"), Item("add", "b", "1"), Item("len", "c", "2")]
    test = [Item("add", "d", "1"), Item("len", "e", "3")]
    assert majority_baseline(train, test) == {"answer": "1", "accuracy": 0.5, "per_template": {"add": 1.0, "len": 0.0}}


@pytest.mark.sandbox
def test_outputs_are_computed_in_the_sandbox(docker_client, sandbox_image):
    from harness.sandbox.docker_backend import SandboxPool

    programs = [i.program for i in draw(0, 1)] + ["print(1/0)", "import os;print(len(os.listdir('/')) > 0)"]
    with SandboxPool(docker_client, sandbox_image, 1, Limits(), f"pytest-hrm-{os.getpid()}") as pool:
        outputs = outputs_in_sandbox(programs, pool.run)
        framed = draw(0, 1, ("reverse",), FRAMINGS)
        values = outputs_in_sandbox([i.program for i in framed], pool.run)
    word = eval(framed[0].program.split(";")[0].split("=", 1)[1])
    assert values == [word[::-1], repr(word[::-1]), repr(word[::-1])]  # printed, then as values
    assert outputs[0] == eval(programs[0].split(";")[0].split("=", 1)[1])[::-1]  # reverse
    assert outputs[-2] is None and outputs[-1] == "True"
    assert all(isinstance(o, str) and o for o in outputs[:-2])
