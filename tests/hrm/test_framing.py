"""Framing: what is scored, round trips, and inputs that do not fit."""

from __future__ import annotations

import pytest

from harness.hrm.framing import BOS, EOS, IGNORE, MASK, DoesNotFit, Framing

F = Framing(prompt_len=10, answer_len=5)


def test_inputs_and_labels_line_up_on_the_answer_slots():
    inputs, labels = F.inputs("x=1"), F.labels("é")  # two bytes
    assert len(inputs) == len(labels) == F.seq_len == 16
    assert inputs[0] == BOS and inputs[-5:] == [MASK] * 5
    assert labels[:11] == [IGNORE] * 11 and labels[13] == EOS and labels[14:] == [IGNORE, IGNORE]
    assert F.decode(labels[:13] + [EOS, 0, 0]) == ("é", False)


def test_an_answer_without_eos_is_truncated():
    tokens = F.inputs("")[:11] + [ord("a") + 4] * 5
    assert F.decode(tokens) == ("aaaaa", True)


def test_what_does_not_fit_is_refused_not_cut():
    assert F.fits("0123456789", "abcd") and not F.fits("0123456789x") and not F.fits("", "abcde")
    with pytest.raises(DoesNotFit, match="11 bytes"):
        F.inputs("0123456789x")
    with pytest.raises(DoesNotFit, match="holds 4"):
        F.labels("abcde")
