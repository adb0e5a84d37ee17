"""pass@k with the unbiased estimator of Chen et al. (2021).

For a problem with n samples of which c pass, pass@k = 1 - C(n-c, k) / C(n, k): the
probability that at least one of k samples drawn without replacement passes. It is
computed exactly with integers and only defined for k <= n.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

DEFAULT_KS = (1, 5, 10, 100)


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one problem."""
    if not 0 <= c <= n:
        raise ValueError(f"need 0 <= c <= n, got n={n}, c={c}")
    if not 1 <= k <= n:
        raise ValueError(f"need 1 <= k <= n, got k={k}, n={n}")
    return float(1 - Fraction(comb(n - c, k), comb(n, k)))


def ks_for(n: int, ks: tuple[int, ...] = DEFAULT_KS) -> list[int]:
    """The k values reportable with n samples per problem."""
    return [k for k in ks if k <= n]


def mean_pass_at_k(counts: list[tuple[int, int]], k: int) -> float:
    """pass@k averaged over problems, from (n, c) per problem."""
    if not counts:
        return 0.0
    return sum(pass_at_k(n, c, k) for n, c in counts) / len(counts)
