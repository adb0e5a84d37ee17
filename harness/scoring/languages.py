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


def _python_extra(node: Node) -> int:
    # radon: for/while/try count their `else`; try counts each handler (except_clause
    # is in `decisions`); a `case _:` wildcard is not a decision.
    if node.type == "else_clause" and node.parent is not None:
        return 1 if node.parent.type in ("for_statement", "while_statement", "try_statement") else 0
    if node.type == "case_clause":
        pattern = next((c for c in node.named_children if c.type == "case_pattern"), None)
        return 0 if pattern is not None and pattern.text == b"_" else 1
    return 0


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
            functions=frozenset({"method_declaration", "constructor_declaration", "lambda_expression"}),
            decisions=frozenset(
                {
                    "if_statement",
                    "for_statement",
                    "enhanced_for_statement",
                    "while_statement",
                    "do_statement",
                    "switch_label",
                    "catch_clause",
                    "ternary_expression",
                }
            ),
            decision_tokens=frozenset({"&&", "||"}),
            comments=frozenset({"line_comment", "block_comment"}),
            operator_nodes=C_LIKE_OPERATOR_NODES,
        ),
        LanguageSpec(
            name="cpp",
            module="tree_sitter_cpp",
            aliases=("c++",),
            functions=frozenset({"function_definition", "lambda_expression"}),
            decisions=frozenset(
                {
                    "if_statement",
                    "for_statement",
                    "for_range_loop",
                    "while_statement",
                    "do_statement",
                    "case_statement",
                    "catch_clause",
                    "conditional_expression",
                }
            ),
            decision_tokens=frozenset({"&&", "||", "and", "or"}),
            comments=frozenset({"comment"}),
            operator_nodes=C_LIKE_OPERATOR_NODES,
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
            functions=frozenset({"function_item", "closure_expression"}),
            decisions=frozenset(
                {
                    "if_expression",
                    "for_expression",
                    "while_expression",
                    "loop_expression",
                    "match_arm",
                    "try_expression",
                }
            ),
            decision_tokens=frozenset({"&&", "||"}),
            comments=frozenset({"line_comment", "block_comment"}),
            operator_nodes=frozenset({"binary_expression", "unary_expression", "compound_assignment_expr"}),
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
