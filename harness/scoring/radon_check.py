"""Our Python metrics against radon's: the standard-library sample and the comparison used by
tests/scoring/test_radon_crosscheck.py and benchmarks/static_metrics.py (see the test for the figures)."""

from __future__ import annotations

import ast
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from radon.complexity import cc_visit_ast
from radon.metrics import h_visit_ast
from radon.visitors import Function

from harness import pyast
from harness.scoring.static import StaticMetrics, analyze

MIN_FILES = 60
MAX_BYTES = 200_000
MIN_AGREEMENT = 0.99
MIN_MODULES = 50
MIN_MATCHED_FUNCTIONS = 2000  # 3,804 on 3.11; 2,659 to 3,667 on the 3.10-3.13 samples read by 3.11

# field: (largest relative difference, share of modules that must be within it)
HALSTEAD_TOLERANCE = {
    "total_operators": (0.10, 0.90),
    "total_operands": (0.10, 0.90),
    "distinct_operators": (0.20, 0.90),
    "volume": (0.10, 0.85),
}
VOLUME_MEDIAN = 0.06
VOLUME_WORST = 0.30
DISTINCT_OPERANDS_MEDIAN = 0.35
RADON_HALSTEAD = {  # our field: radon's HalsteadReport field
    "distinct_operators": "h1",
    "distinct_operands": "h2",
    "total_operators": "N1",
    "total_operands": "N2",
    "volume": "volume",
}

Key = tuple[str, int]  # (function name, line of `def`)


@dataclass
class Module:
    name: str
    code: str
    tree: ast.Module
    ours: StaticMetrics = field(init=False)

    def __post_init__(self) -> None:
        self.ours = analyze(self.code, "python")


def stdlib_sample(min_files: int = MIN_FILES, max_bytes: int = MAX_BYTES) -> list[Module]:
    """Every k-th top-level stdlib module by name (at most ``max_bytes``), parsed; see the module docstring."""
    root = Path(sysconfig.get_paths()["stdlib"])
    candidates = sorted((p for p in root.glob("*.py") if p.stat().st_size <= max_bytes), key=lambda p: p.name)
    sample = []
    for path in candidates[:: max(1, len(candidates) // min_files)]:
        try:
            code = path.read_text(encoding="utf-8")
            tree = pyast.parse(code)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        sample.append(Module(path.name, code, tree))
    return sample


def radon_functions(tree: ast.Module) -> dict[Key, int]:
    """radon's cc_visit blocks, flattened: functions, methods, closures and inner classes' methods."""
    found: dict[Key, int] = {}

    def function(block) -> None:
        found[(block.name, block.lineno)] = block.complexity
        for closure in block.closures:
            function(closure)

    def klass(block) -> None:
        for method in block.methods:
            function(method)
        for inner in block.inner_classes:
            klass(inner)

    for block in cc_visit_ast(tree):
        (function if isinstance(block, Function) else klass)(block)
    return found


def our_functions(metrics: StaticMetrics) -> dict[Key, int]:
    return {(f.name, f.start_line): f.complexity for f in metrics.functions}


# --- the explained differences ---------------------------------------------------------------------------


def _definition(tree: ast.Module, key: Key) -> tuple[ast.AST | None, list[ast.AST]]:
    """The def at ``key`` and its ancestors (outermost first)."""
    stack: list[tuple[ast.AST, list[ast.AST]]] = [(tree, [])]
    while stack:
        node, ancestors = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (node.name, node.lineno) == key:
            return node, ancestors
        stack.extend((child, [*ancestors, node]) for child in ast.iter_child_nodes(node))
    return None, []


def _in_class_in_function(case: Difference) -> bool:
    _, ancestors = _definition(case.module.tree, case.key)
    classes = [i for i, a in enumerate(ancestors) if isinstance(a, ast.ClassDef)]
    above = ancestors[: classes[-1]] if classes else []
    return any(isinstance(a, ast.FunctionDef | ast.AsyncFunctionDef) for a in above)


def _except_star_delta(case: Difference) -> bool:
    node, _ = _definition(case.module.tree, case.key)
    if node is None or case.ours is None or case.radon is None:
        return False
    expected, stack = 0, list(ast.iter_child_nodes(node))
    while stack:  # the function's own code: not nested functions or classes
        child = stack.pop()
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        if type(child).__name__ == "TryStar":
            expected += len(child.handlers) + bool(child.orelse)
        stack.extend(ast.iter_child_nodes(child))
    return expected > 0 and case.ours - case.radon == expected


def _tree_sitter_error(case: Difference) -> bool:
    return not case.module.ours.syntax_valid


@dataclass(frozen=True)
class Explanation:
    kinds: frozenset[str]  # "differs", "only ours", "only radon"
    reason: str
    applies: Callable[[Difference], bool]


ALLOWED = [
    Explanation(
        frozenset({"only ours"}),
        "a method of a class defined inside a function: radon drops such classes (and their methods)",
        _in_class_in_function,
    ),
    Explanation(
        frozenset({"differs"}),
        "except* handlers count like except; radon 6 checks for ast.Try only and gives TryStar nothing",
        _except_star_delta,
    ),
    Explanation(
        frozenset({"differs", "only ours", "only radon"}),
        "tree-sitter could not parse the module cleanly (its error recovery differs from CPython's parser)",
        _tree_sitter_error,
    ),
]


@dataclass
class Difference:
    module: Module
    key: Key
    radon: int | None
    ours: int | None

    @property
    def kind(self) -> str:
        return "only ours" if self.radon is None else "only radon" if self.ours is None else "differs"

    def explanation(self) -> Explanation | None:
        return next((e for e in ALLOWED if self.kind in e.kinds and e.applies(self)), None)

    def __str__(self) -> str:
        found = self.explanation()
        return (
            f"{self.module.name}:{self.key[1]} {self.key[0]}: radon {self.radon}, ours {self.ours} ({self.kind}) "
            f"-- {found.reason if found else 'UNEXPLAINED'}"
        )


@dataclass
class Comparison:
    modules: int = 0
    matched: int = 0
    agreeing: int = 0
    differences: list[Difference] = field(default_factory=list)


def compare_complexity(sample: list[Module]) -> Comparison:
    result = Comparison(modules=len(sample))
    for module in sample:
        radon, ours = radon_functions(module.tree), our_functions(module.ours)
        for key in sorted(radon.keys() | ours.keys(), key=lambda k: (k[1], k[0])):
            if key in radon and key in ours:
                result.matched += 1
                result.agreeing += radon[key] == ours[key]
                if radon[key] == ours[key]:
                    continue
            result.differences.append(Difference(module, key, radon.get(key), ours.get(key)))
    return result


def halstead_differences(sample: list[Module]) -> dict[str, list[float]]:
    """Per field, |ours - radon| / radon for each module (0 where both are 0)."""
    out: dict[str, list[float]] = {name: [] for name in RADON_HALSTEAD}
    for module in sample:
        theirs = h_visit_ast(module.tree).total
        for name, radon_name in RADON_HALSTEAD.items():
            a, b = getattr(theirs, radon_name), getattr(module.ours.halstead, name)
            out[name].append(abs(b - a) / a if a else float(b != 0))
    return out


def within(values: list[float], bound: float) -> float:
    return sum(v <= bound for v in values) / len(values)


# --- the cross-check on the stdlib sample ---------------------------------------------------------------
