"""``ast.parse`` safe to call from the runner's worker threads.

CPython 3.11's AST constructor keeps a recursion-depth counter that two parses in different
threads can corrupt ("SystemError: AST constructor recursion depth mismatch", seen in CI), so
every parse on the host goes through one lock. Parsing is fast; the lock costs nothing visible.
"""

from __future__ import annotations

import ast
import threading

_LOCK = threading.Lock()


def parse(source: str | bytes, mode: str = "exec") -> ast.AST:
    """``ast.parse(source, mode=mode)``, one parse at a time in this process."""
    with _LOCK:
        return ast.parse(source, mode=mode)
