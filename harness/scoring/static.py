"""Static metrics of a program in any of six languages, from its tree-sitter parse.

``analyze(code, language)`` never raises on bad code: a program that does not parse
gets ``syntax_valid=False`` and the count of ERROR/MISSING nodes, and the metrics of
whatever tree-sitter recovered. What counts as a decision, an operator or a comment
is defined per language in ``harness.scoring.languages``.
"""

from __future__ import annotations

import importlib
import math
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from harness.records import SampleRecord
from harness.scoring.languages import LanguageSpec, spec_for

_local = threading.local()  # tree-sitter parsers are not shared between threads


@dataclass(frozen=True)
class FunctionMetrics:
    name: str
    start_line: int  # 1-based
    end_line: int
    complexity: int


@dataclass(frozen=True)
class Halstead:
    distinct_operators: int
    distinct_operands: int
    total_operators: int
    total_operands: int
    vocabulary: int
    length: int
    volume: float
    difficulty: float
    effort: float


@dataclass(frozen=True)
class StaticMetrics:
    language: str
    syntax_valid: bool
    error_nodes: int
    functions: list[FunctionMetrics] = field(default_factory=list)
    complexity_max: int = 0
    complexity_mean: float = 0.0
    complexity_total: int = 0
    halstead: Halstead | None = None
    loc: int = 0  # non-blank lines that are not only comment
    comment_lines: int = 0
    characters: int = 0


def _parser(spec: LanguageSpec):
    parsers = _local.__dict__.setdefault("parsers", {})
    if spec.name not in parsers:
        import tree_sitter

        grammar = importlib.import_module(spec.module)
        parsers[spec.name] = tree_sitter.Parser(tree_sitter.Language(grammar.language()))
    return parsers[spec.name]


def _walk(node) -> Any:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def _decisions(body, spec: LanguageSpec) -> int:
    """Decisions under ``body``, not descending into nested functions."""
    total = 0
    stack = list(body.children)
    while stack:
        node = stack.pop()
        if node.type in spec.functions:
            continue
        if node.type in spec.decisions or not node.is_named and node.type in spec.decision_tokens:
            total += 1
        total += spec.extra(node)
        if not spec.unvisited(node):
            stack.extend(node.children)
    return total


def _function_name(node) -> str:
    name = node.child_by_field_name("name")
    if name is not None:
        return name.text.decode("utf-8", "replace")
    declarator = node.child_by_field_name("declarator")  # C++: int A::f(int x)
    while declarator is not None:
        if declarator.type == "function_declarator":
            inner = declarator.child_by_field_name("declarator")
            return inner.text.decode("utf-8", "replace") if inner is not None else "<anonymous>"
        declarator = declarator.child_by_field_name("declarator")
    parent = node.parent  # const f = () => ...; {f: function () {}}
    if parent is not None:
        for field_name in ("name", "key", "left"):
            target = parent.child_by_field_name(field_name)
            if target is not None and target.id != node.id:
                return target.text.decode("utf-8", "replace")
    return "<anonymous>"


def _halstead(root, spec: LanguageSpec) -> Halstead:
    operators: list[str] = []
    operands: list[str] = []
    for node in _walk(root):
        if node.type not in spec.operator_nodes:
            continue
        tokens = [c.type for c in node.children if not c.is_named and c.type not in ("(", ")", "=", ":=")]
        if not tokens:
            continue  # a plain assignment is not an operation
        operators += tokens
        operands += [c.text.decode("utf-8", "replace") for c in node.named_children if c.type not in spec.comments]
    n1, n2, big_n1, big_n2 = len(set(operators)), len(set(operands)), len(operators), len(operands)
    vocabulary, length = n1 + n2, big_n1 + big_n2
    volume = length * math.log2(vocabulary) if vocabulary > 0 else 0.0
    difficulty = (n1 / 2) * (big_n2 / n2) if n2 > 0 else 0.0
    return Halstead(n1, n2, big_n1, big_n2, vocabulary, length, volume, difficulty, difficulty * volume)


def _lines(code: bytes, root, spec: LanguageSpec) -> tuple[int, int]:
    """(lines of code, comment lines): a line with only comment text is a comment line."""
    in_comment = bytearray(len(code))
    for node in _walk(root):
        if node.type in spec.comments:
            in_comment[node.start_byte : node.end_byte] = b"\1" * (node.end_byte - node.start_byte)
    loc = comments = 0
    offset = 0
    for line in code.split(b"\n"):
        has_code = has_comment = False
        for i, byte in enumerate(line):
            if in_comment[offset + i]:
                has_comment = True
            elif byte not in b" \t\r\f\v":
                has_code = True
        loc += has_code
        comments += has_comment and not has_code
        offset += len(line) + 1
    return loc, comments


def analyze(code: str, language: str) -> StaticMetrics:
    """Syntax, functions, cyclomatic complexity, Halstead and size of ``code``."""
    spec = spec_for(language)
    source = code.encode("utf-8", "surrogatepass")
    root = _parser(spec).parse(source).root_node
    errors = sum(1 for n in _walk(root) if n.type == "ERROR" or n.is_missing)
    functions = [
        FunctionMetrics(_function_name(n), n.start_point[0] + 1, n.end_point[0] + 1, 1 + _decisions(n, spec))
        for n in _walk(root)
        if n.type in spec.functions
    ]
    complexities = [f.complexity for f in functions]
    loc, comment_lines = _lines(source, root, spec)
    return StaticMetrics(
        language=spec.name,
        syntax_valid=not root.has_error,
        error_nodes=errors,
        functions=functions,
        complexity_max=max(complexities, default=0),
        complexity_mean=sum(complexities) / len(complexities) if complexities else 0.0,
        complexity_total=sum(complexities) + _decisions(root, spec),
        halstead=_halstead(root, spec),
        loc=loc,
        comment_lines=comment_lines,
        characters=len(code),
    )


def static_metrics(code: str, language: str) -> dict[str, Any]:
    """``analyze`` as a JSON-ready dict for a sample record; a failure is recorded, never raised."""
    try:
        return asdict(analyze(code, language))
    except Exception as exc:  # metrics must never end a run
        return {"language": language, "error": f"{type(exc).__name__}: {exc}"[:300]}


def final_statics(records: list[SampleRecord]) -> list[dict[str, Any]]:
    """The recorded metrics of each sample's final candidate; samples without a candidate, or whose
    analysis failed (``static_metrics`` recorded an error), are left out."""
    statics = [r.turns[-1].static for r in records if r.turns and r.turns[-1].static]
    return [s for s in statics if "error" not in s]
