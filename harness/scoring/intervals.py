"""Confidence intervals and the paired comparison of two runs.

- pass@k: a percentile bootstrap over problems (the problems are the sample that varies between
  benchmarks; samples within a problem are already averaged by the unbiased estimator).
- Plain rates (a count over a total: Polyglot's pass rates, syntax validity): Wilson's score
  interval, which stays inside [0, 1] and behaves at 0 and 1 where the normal one does not.
- Two runs over the same problems: an exact two-sided sign test on the discordant problems (those
  where the runs' per-problem pass fractions differ); with one greedy sample per problem this is
  McNemar's exact test.

Everything here is deterministic: the bootstrap's generator is seeded and the per-problem values
are sorted first, so the order in which samples finished never changes an interval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import comb, sqrt

import numpy as np

from harness.scoring.passk import pass_at_k

LEVEL = 0.95
Z = 1.959963984540054  # the standard normal's 97.5th percentile
RESAMPLES = 2000
SEED = 0
ALPHA = 0.05  # a sampled run regresses when its sign test's p-value is below this and it lost more problems

METHODS = {
    "intervals": f"{LEVEL:.0%} intervals as [low, high]: pass@k by a percentile bootstrap over problems "
    f"({RESAMPLES} resamples, seed {SEED}); plain rates (a count over a total) by Wilson's score interval",
    "paired": "two runs over the same problems: per problem, the fraction of samples passing in each; problems where "
    "they differ are discordant; p is an exact two-sided sign test over the discordant problems (McNemar's exact "
    f"test for one sample per problem); a sampled run regresses when it lost more problems than it won and p < {ALPHA}",
}


def wilson(successes: float, total: int) -> list[float]:
    """Wilson's 95% score interval for ``successes`` out of ``total`` (a fraction of a success allowed)."""
    if total <= 0:
        return [0.0, 1.0]
    p = successes / total
    centre = (p + Z * Z / (2 * total)) / (1 + Z * Z / total)
    half = Z * sqrt(p * (1 - p) / total + Z * Z / (4 * total * total)) / (1 + Z * Z / total)
    return [round(max(0.0, centre - half), 6), round(min(1.0, centre + half), 6)]


def bootstrap_pass_at_k(pairs: list[tuple[int, int]], k: int) -> list[float]:
    """A 95% percentile-bootstrap interval for mean pass@k over problems, from (n, c) per problem."""
    if not pairs:
        return [0.0, 0.0]
    values = np.array(sorted(pass_at_k(n, c, k) for n, c in pairs))
    rng = np.random.default_rng(SEED)
    means = values[rng.integers(0, len(values), size=(RESAMPLES, len(values)))].mean(axis=1)
    low, high = np.quantile(means, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    return [round(float(low), 6), round(float(high), 6)]


def sign_test(wins: int, losses: int) -> float:
    """Exact two-sided p-value of ``wins`` against ``losses`` under a fair coin (1.0 when both are 0)."""
    trials = wins + losses
    if trials == 0:
        return 1.0
    tail = sum(comb(trials, i) for i in range(min(wins, losses) + 1)) / 2**trials
    return min(1.0, 2 * tail)


@dataclass
class Paired:
    """Run B against run A over the problems both have: who passes more of each problem's samples."""

    problems: int
    better: list[str] = field(default_factory=list)  # B passes a larger fraction than A
    worse: list[str] = field(default_factory=list)
    only_a: list[str] = field(default_factory=list)  # problems missing from B
    only_b: list[str] = field(default_factory=list)
    mean_a: float = 0.0
    mean_b: float = 0.0
    p_value: float = 1.0

    @property
    def discordant(self) -> int:
        return len(self.better) + len(self.worse)

    def regressed(self, exact: bool) -> bool:
        """Exact: any problem worse or missing. Sampled: more losses than wins and p < ALPHA."""
        if exact:
            return bool(self.worse or self.only_a)
        return bool(self.only_a) or (len(self.worse) > len(self.better) and self.p_value < ALPHA)

    def to_dict(self) -> dict:
        return {
            "problems": self.problems,
            "pass_fraction_a": self.mean_a,
            "pass_fraction_b": self.mean_b,
            "discordant": self.discordant,
            "better": self.better,
            "worse": self.worse,
            "only_a": self.only_a,
            "only_b": self.only_b,
            "p_value": self.p_value,
        }


def paired(a: dict[str, tuple[int, int]], b: dict[str, tuple[int, int]]) -> Paired:
    """Compare two runs' per-problem (n, c); problem ids keep their order in ``a``."""
    common = [p for p in a if p in b]
    result = Paired(problems=len(common), only_a=[p for p in a if p not in b], only_b=[p for p in b if p not in a])
    for problem in common:
        (na, ca), (nb, cb) = a[problem], b[problem]
        fa, fb = ca / na if na else 0.0, cb / nb if nb else 0.0
        if fb > fa:
            result.better.append(problem)
        elif fb < fa:
            result.worse.append(problem)
        result.mean_a += fa / len(common)
        result.mean_b += fb / len(common)
    result.mean_a, result.mean_b = round(result.mean_a, 6), round(result.mean_b, 6)
    result.p_value = round(sign_test(len(result.better), len(result.worse)), 6)
    return result
