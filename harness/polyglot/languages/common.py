"""What the language recipes share: canary names, merging repeated outcomes, tree-sitter parsing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

import tree_sitter

CANARY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
RANK = {"pass": 0, "skip": 1, "fail": 2, "error": 3}  # the worse outcome wins when a name repeats


def check_canary(canary: str) -> str:
    """The canary name, when it is an identifier (the form every recipe can name a test by)."""
    if not CANARY_NAME.match(canary):
        raise ValueError(f"canary name {canary!r} is not an identifier")
    return canary


def merge(outcomes: dict[str, str], name: str, outcome: str) -> None:
    """Record ``outcome`` for ``name``; of two outcomes for one name the worse stands."""
    previous = outcomes.get(name)
    if previous is None or RANK[outcome] > RANK[previous]:
        outcomes[name] = outcome


@cache
def parser(language: Callable[[], object]) -> tree_sitter.Parser:
    """A tree-sitter parser for a grammar wheel's ``language`` function (one per grammar, reused)."""
    return tree_sitter.Parser(tree_sitter.Language(language()))


def walk(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """``node`` and every node under it, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))
