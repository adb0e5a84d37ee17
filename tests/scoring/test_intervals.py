"""Intervals and the paired comparison: known values, determinism, and the regression rules."""

from __future__ import annotations

import random

import pytest

from harness.scoring.intervals import bootstrap_pass_at_k, paired, sign_test, wilson


@pytest.mark.parametrize(
    ("successes", "total", "expected"),
    [(0, 10, [0.0, 0.277533]), (5, 10, [0.236593, 0.763407]), (10, 10, [0.722467, 1.0]), (0, 0, [0.0, 1.0])],
)
def test_wilson_matches_the_textbook_values(successes, total, expected):
    assert wilson(successes, total) == pytest.approx(expected, abs=1e-5)


def test_the_bootstrap_brackets_the_mean_and_ignores_the_order_samples_finished_in():
    pairs = [(5, c) for c in (0, 1, 2, 3, 4, 5) * 20]
    low, high = bootstrap_pass_at_k(pairs, 1)
    assert low < 0.5 < high and high - low < 0.2
    shuffled = pairs[:]
    random.Random(1).shuffle(shuffled)
    assert bootstrap_pass_at_k(shuffled, 1) == [low, high]
    wide = bootstrap_pass_at_k(pairs[:12], 1)
    assert wide[1] - wide[0] > high - low  # fewer problems, less certainty


def test_a_run_that_passes_everything_has_a_degenerate_interval():
    assert bootstrap_pass_at_k([(1, 1)] * 30, 1) == [1.0, 1.0]


@pytest.mark.parametrize(("wins", "losses", "p"), [(0, 0, 1.0), (0, 5, 0.0625), (0, 6, 0.03125), (3, 3, 1.0)])
def test_sign_test_exact_values(wins, losses, p):
    assert sign_test(wins, losses) == pytest.approx(p)


def test_an_exact_comparison_regresses_on_any_flip_or_missing_problem():
    a = {"p1": (1, 1), "p2": (1, 0), "p3": (1, 1)}
    flipped = paired(a, {"p1": (1, 0), "p2": (1, 1), "p3": (1, 1)})
    assert (flipped.worse, flipped.better, flipped.discordant) == (["p1"], ["p2"], 2)
    assert flipped.regressed(exact=True) and not flipped.regressed(exact=False)
    missing = paired(a, {"p1": (1, 1), "p2": (1, 0)})
    assert missing.only_a == ["p3"] and missing.regressed(exact=True) and missing.regressed(exact=False)
    assert not paired(a, dict(a)).regressed(exact=True)


def test_a_sampled_comparison_needs_a_significant_loss():
    a = {f"p{i}": (10, 6) for i in range(40)}
    noise = dict(a, p0=(10, 5), p1=(10, 7), p2=(10, 5))  # two losses, one win: not significant
    assert not paired(a, noise).regressed(exact=False)
    worse = {p: (10, 4) for p in list(a)[:8]}  # eight losses, no wins: p = 0.0078
    comparison = paired(a, {**a, **worse})
    assert comparison.p_value < 0.01 and comparison.regressed(exact=False)
    assert comparison.mean_b < comparison.mean_a
