"""Our static metrics against radon (Python) and lizard (five languages): agreement, corpora, throughput.

    python benchmarks/static_metrics.py

Needs harness, radon and lizard (no pytest). The samples, the comparisons and the Halstead tolerance are
those of the cross-check tests (harness/scoring/radon_check.py: every k-th top-level module of the running
interpreter's stdlib; benchmarks/lizard_check.py: Debian-packaged sources installed by
scripts/corpus.sh). Prints

1. the corpus: modules, lines, functions (ours and radon's);
2. cyclomatic complexity: functions matched by (name, def line), how many agree, the rate, and every
   remaining difference with its explanation;
3. Halstead module totals: per quantity the median relative difference to radon's and the share of
   modules within 10% and 20%, then each documented tolerance and whether it holds;
4. per language, lizard's functions, how many we match, and how many agree on cyclomatic complexity;
5. throughput, median of $HARNESS_BENCH_ROUNDS rounds (default 5) over the whole sample: our
   ``analyze(code, "python")`` (parse, functions, complexity, Halstead, lines) against radon's
   ``cc_visit(code)`` plus ``h_visit(code)`` (each parses the source itself), in files/s and lines/s.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from pathlib import Path

import lizard_check  # beside this script, not in the package: it needs lizard, a dev-only dependency
from radon.complexity import cc_visit
from radon.metrics import h_visit

from harness.scoring import radon_check as check
from harness.scoring.static import analyze

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("HARNESS_BENCH_ROUNDS", "5"))


def timed(work, codes: list[str]) -> float:
    """Median seconds of ``ROUNDS`` runs of ``work`` over all of ``codes``."""
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for code in codes:
            work(code)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    sample = check.stdlib_sample()
    codes = [m.code for m in sample]
    lines = sum(code.count("\n") + (not code.endswith("\n")) for code in codes)
    ours_functions = sum(len(m.ours.functions) for m in sample)
    radon_functions = sum(len(check.radon_functions(m.tree)) for m in sample)
    print(f"Python {platform.python_version()} stdlib sample: {len(sample)} modules, {lines} lines")
    print(f"  functions: {ours_functions} (ours), {radon_functions} (radon)")

    result = check.compare_complexity(sample)
    rate = result.agreeing / result.matched
    print("\nCyclomatic complexity:")
    print(f"  matched {result.matched}, agreeing {result.agreeing}, {rate:.2%}")
    kinds = [d.kind for d in result.differences]
    print(f"  differing {kinds.count('differs')}, only ours {kinds.count('only ours')}, ", end="")
    print(f"only radon {kinds.count('only radon')}")
    for difference in result.differences:
        print("   ", difference)

    differences = check.halstead_differences(sample)
    print("\nHalstead (module totals), |ours - radon| / radon:")
    for name, values in differences.items():
        print(
            f"  {name:18} median {statistics.median(values):6.1%}  within 10% {check.within(values, 0.10):4.0%}"
            f"  within 20% {check.within(values, 0.20):4.0%}  worst {max(values):6.1%}"
        )
    volume, operands = statistics.median(differences["volume"]), statistics.median(differences["distinct_operands"])
    checks = []  # (what, figure, holds)
    for name, (bound, share) in check.HALSTEAD_TOLERANCE.items():
        got = check.within(differences[name], bound)
        checks.append((f"{name} within {bound:.0%} on >= {share:.0%} of modules", got, got >= share))
    worst = max(differences["volume"])
    checks += [
        (f"volume median <= {check.VOLUME_MEDIAN:.0%}", volume, volume <= check.VOLUME_MEDIAN),
        (f"volume worst <= {check.VOLUME_WORST:.0%}", worst, worst <= check.VOLUME_WORST),
        (
            f"distinct operands median <= {check.DISTINCT_OPERANDS_MEDIAN:.0%}",
            operands,
            operands <= check.DISTINCT_OPERANDS_MEDIAN,
        ),
    ]
    print("  tolerance:")
    for what, figure, holds in checks:
        print(f"    {what}: {figure:.1%} {'ok' if holds else 'FAIL'}")

    print("\nCyclomatic complexity against lizard (Debian-packaged sources, scripts/corpus.sh):")
    for language, packages in lizard_check.PACKAGES.items():
        got = lizard_check.compare(language)
        if got is None:
            print(f"  {language:10} corpus missing: install {packages}")
            continue
        print(
            f"  {language:10} {got.files:3} files, {got.lizard_functions:5} lizard functions, {got.matched:5} matched,"
            f" {got.agreeing:5} agree ({got.agreement:.1%})"
        )

    print(f"\nThroughput (median of {ROUNDS} rounds over the sample):")
    for label, work in (
        ("analyze(code, 'python')", lambda code: analyze(code, "python")),
        ("radon cc_visit + h_visit", lambda code: (cc_visit(code), h_visit(code))),
        ("radon cc_visit", cc_visit),
    ):
        seconds = timed(work, codes)
        print(f"  {label:26} {seconds:6.2f} s  {len(codes) / seconds:7.1f} files/s  {lines / seconds:9.0f} lines/s")


if __name__ == "__main__":
    main()
