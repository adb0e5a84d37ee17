"""What counts, per language: the one place that defines our static metrics.

For each of the six languages, tree-sitter node types (from the official grammar
wheels) say which nodes are functions, which are decisions for cyclomatic
complexity, which are comments, and which expressions carry Halstead operators.

- Cyclomatic complexity of a function = 1 + its decisions, not counting the bodies
  of functions nested in it (they are functions of their own). A decision is a node
  of a ``decisions`` type (+1 each), a token in ``decision_tokens`` (``&&``, ``||``,
  ``and``, ``or``, ``?`` ... +1 each), plus the language's ``extra`` rule.
- Halstead: an operator is the operator token of a node of an ``operator_nodes``
  type (binary, unary, boolean, comparison, augmented/compound assignment, update);
  its operands are that node's named children, by text. This follows radon's
  definition for Python (operators of BinOp/UnaryOp/BoolOp/Compare/AugAssign and
  their operand expressions) and applies it alike to the other five languages.
- Comment lines: lines covered by ``comments`` nodes (Python docstrings are code).

The other five languages follow lizard's CCN, and agree with it on >= 95% of the
functions of Debian-packaged code (tests/scoring/test_lizard_crosscheck.py): each
``case`` counts, ``default`` not; ``&&``/``||`` count in expressions only (not C++'s
``T&&``); lambdas and closures belong to their function in Java, C++ and Rust (as
for lizard) but are functions of their own in JavaScript and Go; a Rust match of n
arms counts n - 1, and ``where``, ``let ... else``, ``?`` and guards one each, ``loop``
none; ``#if``/``#ifdef``/``#ifndef``/``#elif`` in a C++ body count one each.

Python follows radon (``radon.visitors``). Cyclomatic complexity equals radon's
``cc_visit`` on every function both find in a sample of the running interpreter's
stdlib (tests/scoring/test_radon_crosscheck.py: 3,804 of 3,804 in 84 modules of
CPython 3.11), but for one deliberate difference, ``except*`` handlers, which count
like ``except`` here and nothing in radon 6; methods of a class defined inside a
function are functions here, radon drops them. Halstead module totals are held to a
tolerance of radon's: total operators and operands within 10% on >= 90% of the
modules, volume within 10% on >= 85% (median difference 4%). Distinct operands run
~25% below radon's, which keys operands by enclosing function and gives every
compound operand an identity of its own, where we compare operands by text; we also
count ``a and b and c`` as two operators (radon: one) and count operators in
signatures and decorators, which radon never visits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Node = Any  # tree_sitter.Node

C_LIKE_OPERATOR_NODES = frozenset(
    {
        "binary_expression",
        "unary_expression",
        "update_expression",
        "assignment_expression",
        "augmented_assignment_expression",
    }
)


@dataclass(frozen=True)
class LanguageSpec:
    name: str
    module: str  # the grammar wheel's module
    functions: frozenset[str]
    decisions: frozenset[str]
    decision_tokens: frozenset[str]
    comments: frozenset[str]
    operator_nodes: frozenset[str]
    aliases: tuple[str, ...] = ()
    extra: Callable[[Node], int] = field(default=lambda node: 0)
    # Nodes whose descendants are not counted (the node itself still is).
    unvisited: Callable[[Node], bool] = field(default=lambda node: False)


# Rules of the javascript, java, cpp, go and rust entries (lizard's, see the module docstring).


def _short_circuit(node: Node, operators: frozenset[str]) -> int:
    """1 for a binary expression whose operator is one of ``operators``; ``&&`` elsewhere
    (a C++ rvalue reference ``T&&``, a Rust ``&&x`` pattern) is no decision."""
    if node.type != "binary_expression":
        return 0
    operator = node.child_by_field_name("operator")
    return 1 if operator is not None and operator.type in operators else 0


_AND_OR = frozenset({"&&", "||"})
_CPP_AND_OR = frozenset({"&&", "||", "and", "or"})
_CPP_PREPROC_EXPRESSIONS = frozenset(
    {"binary_expression", "unary_expression", "parenthesized_expression", "preproc_defined", "call_expression"}
)


def _cpp_extra(node: Node) -> int:
    # `#if A && B` is one decision (the directive, in `decisions`), as for lizard.
    if not _short_circuit(node, _CPP_AND_OR):
        return 0
    parent = node.parent
    while parent is not None and parent.type in _CPP_PREPROC_EXPRESSIONS:
        parent = parent.parent
    return 0 if parent is not None and parent.type in ("preproc_if", "preproc_elif") else 1


def _java_extra(node: Node) -> int:
    return _short_circuit(node, _AND_OR)


def _rust_extra(node: Node) -> int:
    # A match of n arms is n - 1 decisions (lizard counts each `=>` after the first);
    # an arm's guard (`x if c =>`) and a `let ... else` are one each.
    if node.type == "match_block":
        return max(0, sum(1 for c in node.named_children if c.type == "match_arm") - 1)
    if node.type == "match_pattern":
        return 1 if node.child_by_field_name("condition") is not None else 0
    if node.type == "let_declaration":
        return 1 if node.child_by_field_name("alternative") is not None else 0
    return _short_circuit(node, _AND_OR)


def _python_extra(node: Node) -> int:
    """radon's rules (``radon.visitors.ComplexityVisitor``) that depend on where a node is.

    - the ``else`` of a for/while/try is +1 (not the ``else`` of an if);
    - each ``case`` is +1, except the first irrefutable one (``case _:`` or a bare
      capture ``case x:``, guarded or not); a guard (an ``if_clause`` under a
      ``case_clause``) is no decision of its own;
    - code radon never visits counts nothing (``_python_unvisited``);
    - ``except*`` handlers (and their try's ``else``) count like ``except``: radon
      6 checks for the ``Try`` node only and so gives ``TryStar`` nothing, an
      accident of Python 3.11's new node rather than a rule, so we diverge there.
    """
    kind = node.type
    if kind == "else_clause":
        parent = node.parent
        return 1 if parent is not None and parent.type in ("for_statement", "while_statement", "try_statement") else 0
    if kind == "case_clause":
        if not _python_wildcard(node):
            return 1
        earlier = node.prev_named_sibling
        while earlier is not None:
            if earlier.type == "case_clause" and _python_wildcard(earlier):
                return 1  # radon discounts one wildcard per match
            earlier = earlier.prev_named_sibling
        return 0
    if kind == "if_clause":
        parent = node.parent
        return -1 if parent is not None and parent.type == "case_clause" else 0
    return 0


def _python_unvisited(node: Node) -> bool:
    """Code radon never visits, so nothing below it counts: an assert's condition and
    message (the assert itself is +1), decorators, a function's parameters and return
    annotation, and a class defined inside a function."""
    kind = node.type
    if kind in ("assert_statement", "decorator"):
        return True
    if kind in ("parameters", "type"):
        return node.parent is not None and node.parent.type == "function_definition"
    if kind == "class_definition":
        ancestor = node.parent
        while ancestor is not None and ancestor.type != "function_definition":
            ancestor = ancestor.parent
        return ancestor is not None
    return False


def _python_wildcard(case: Node) -> bool:
    """``case _:`` or ``case name:`` (parenthesised or not): radon's ``MatchAs`` without a sub-pattern."""
    if any(c.type == "," for c in case.children):
        return False
    patterns = [c for c in case.named_children if c.type == "case_pattern"]
    if len(patterns) != 1:
        return False
    pattern = patterns[0]
    while True:  # (p) is p
        inner = pattern.named_children
        if len(inner) != 1 or inner[0].type != "tuple_pattern" or any(c.type == "," for c in inner[0].children):
            break
        nested = inner[0].named_children
        if len(nested) != 1 or nested[0].type != "case_pattern":
            break
        pattern = nested[0]
    if pattern.text == b"_":
        return True
    inner = pattern.named_children
    return len(inner) == 1 and inner[0].type == "dotted_name" and inner[0].named_child_count == 1


LANGUAGES: dict[str, LanguageSpec] = {
    spec.name: spec
    for spec in (
        LanguageSpec(
            name="python",
            module="tree_sitter_python",
            aliases=("py",),
            functions=frozenset({"function_definition"}),
            decisions=frozenset(
                {
                    "if_statement",
                    "elif_clause",
                    "for_statement",
                    "while_statement",
                    "except_clause",
                    "conditional_expression",
                    "for_in_clause",
                    "if_clause",
                    "assert_statement",
                }
            ),
            decision_tokens=frozenset({"and", "or"}),
            comments=frozenset({"comment"}),
            operator_nodes=frozenset(
                {
                    "binary_operator",
                    "unary_operator",
                    "not_operator",
                    "boolean_operator",
                    "comparison_operator",
                    "augmented_assignment",
                }
            ),
            extra=_python_extra,
            unvisited=_python_unvisited,
        ),
        LanguageSpec(
            name="javascript",
            module="tree_sitter_javascript",
            aliases=("js",),
            functions=frozenset(
                {
                    "function_declaration",
                    "function_expression",
                    "arrow_function",
                    "method_definition",
                    "generator_function_declaration",
                    "generator_function",
                }
            ),
            decisions=frozenset(
                {
                    "if_statement",
                    "for_statement",
                    "for_in_statement",
                    "while_statement",
                    "do_statement",
                    "switch_case",
                    "catch_clause",
                    "ternary_expression",
                }
            ),
            decision_tokens=frozenset({"&&", "||", "??"}),
            comments=frozenset({"comment"}),
            operator_nodes=C_LIKE_OPERATOR_NODES,
        ),
        LanguageSpec(
            name="java",
            module="tree_sitter_java",
            functions=frozenset({"method_declaration", "constructor_declaration"}),
            decisions=frozenset(
                {
                    "if_statement",
                    "for_statement",
                    "enhanced_for_statement",
                    "while_statement",
                    "do_statement",
                    "catch_clause",
                    "ternary_expression",
                }
            ),
            decision_tokens=frozenset({"case"}),
            comments=frozenset({"line_comment", "block_comment"}),
            operator_nodes=C_LIKE_OPERATOR_NODES,
            extra=_java_extra,
        ),
        LanguageSpec(
            name="cpp",
            module="tree_sitter_cpp",
            aliases=("c++",),
            functions=frozenset({"function_definition"}),
            decisions=frozenset(
                {
                    "if_statement",
                    "for_statement",
                    "for_range_loop",
                    "while_statement",
                    "do_statement",
                    "catch_clause",
                    "conditional_expression",
                    "preproc_if",
                    "preproc_ifdef",
                    "preproc_elif",
                    "preproc_elifdef",
                }
            ),
            decision_tokens=frozenset({"case"}),
            comments=frozenset({"comment"}),
            operator_nodes=C_LIKE_OPERATOR_NODES,
            extra=_cpp_extra,
        ),
        LanguageSpec(
            name="go",
            module="tree_sitter_go",
            functions=frozenset({"function_declaration", "method_declaration", "func_literal"}),
            decisions=frozenset(
                {"if_statement", "for_statement", "expression_case", "type_case", "communication_case"}
            ),
            decision_tokens=frozenset({"&&", "||"}),
            comments=frozenset({"comment"}),
            operator_nodes=frozenset(
                {"binary_expression", "unary_expression", "assignment_statement", "inc_statement", "dec_statement"}
            ),
        ),
        LanguageSpec(
            name="rust",
            module="tree_sitter_rust",
            aliases=("rs",),
            functions=frozenset({"function_item"}),
            decisions=frozenset(
                {"if_expression", "for_expression", "while_expression", "try_expression", "where_clause"}
            ),
            decision_tokens=frozenset(),
            comments=frozenset({"line_comment", "block_comment"}),
            operator_nodes=frozenset({"binary_expression", "unary_expression", "compound_assignment_expr"}),
            extra=_rust_extra,
        ),
    )
}


def spec_for(language: str) -> LanguageSpec:
    """The spec for a language name or alias (case-insensitive); KeyError if unknown."""
    key = language.lower()
    for spec in LANGUAGES.values():
        if key == spec.name or key in spec.aliases:
            return spec
    raise KeyError(language)
