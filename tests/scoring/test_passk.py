"""pass@k against brute-force combinatorics, and its helpers."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import pytest

from harness.scoring.passk import DEFAULT_KS, ks_for, mean_pass_at_k, pass_at_k


def brute_force(n: int, c: int, k: int) -> float:
    """The share of all k-subsets of n samples (the first c passing) holding a pass."""
    subsets = list(combinations(range(n), k))
    hits = sum(any(i < c for i in subset) for subset in subsets)
    return float(Fraction(hits, len(subsets)))


CASES = [(n, c, k) for n in range(1, 8) for c in range(n + 1) for k in range(1, n + 1)]


@pytest.mark.parametrize("n, c, k", CASES)
def test_pass_at_k_matches_enumeration(n, c, k):
    assert pass_at_k(n, c, k) == pytest.approx(brute_force(n, c, k), abs=1e-12)


def test_pass_at_k_known_values():
    assert pass_at_k(1, 1, 1) == 1.0
    assert pass_at_k(1, 0, 1) == 0.0
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)
    assert pass_at_k(5, 1, 5) == 1.0  # all samples drawn: the pass is among them
    assert pass_at_k(4, 2, 2) == pytest.approx(5 / 6)


def test_pass_at_k_is_exact_for_large_n():
    # The float result comes from exact integer arithmetic: no overflow or cancellation.
    assert pass_at_k(200, 1, 1) == pytest.approx(1 / 200, rel=1e-15)
    assert pass_at_k(1000, 0, 100) == 0.0
    assert pass_at_k(1000, 1000, 100) == 1.0


@pytest.mark.parametrize("n, c, k", [(3, 0, 4), (1, 1, 2), (5, 5, 0), (5, 2, -1)])
def test_k_out_of_range_is_an_error(n, c, k):
    with pytest.raises(ValueError, match="k"):
        pass_at_k(n, c, k)


@pytest.mark.parametrize("n, c", [(3, 4), (0, 1), (3, -1)])
def test_c_out_of_range_is_an_error(n, c):
    with pytest.raises(ValueError, match="c <= n"):
        pass_at_k(n, c, 1)


def test_ks_for():
    assert DEFAULT_KS == (1, 5, 10, 100)
    assert ks_for(1) == [1]
    assert ks_for(4) == [1]
    assert ks_for(5) == [1, 5]
    assert ks_for(99) == [1, 5, 10]
    assert ks_for(100) == [1, 5, 10, 100]
    assert ks_for(3, ks=(1, 2, 3, 4)) == [1, 2, 3]


def test_mean_pass_at_k():
    counts = [(2, 2), (2, 1), (2, 0)]
    assert mean_pass_at_k(counts, 1) == pytest.approx((1.0 + 0.5 + 0.0) / 3)
    assert mean_pass_at_k(counts, 2) == pytest.approx((1.0 + 1.0 + 0.0) / 3)


def test_mean_pass_at_k_of_nothing_is_zero():
    assert mean_pass_at_k([], 1) == 0.0


def test_mean_pass_at_k_rejects_a_problem_with_too_few_samples():
    with pytest.raises(ValueError):
        mean_pass_at_k([(5, 1), (1, 1)], 5)
