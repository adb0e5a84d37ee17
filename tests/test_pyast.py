"""harness.pyast: every parse on the host goes through its lock.

CPython 3.11 can corrupt the AST constructor's recursion counter when threads parse at once
(CPython issue 106905; CI hit "SystemError: AST constructor recursion depth mismatch" in the
runner's worker threads). The race is rare and cannot be provoked on demand, so this guards the
fix instead: no host module calls ``ast.parse`` or ``ast.literal_eval`` on source text directly.
Code that runs inside the sandbox (one thread) is exempt."""

from __future__ import annotations

import re
from pathlib import Path

from harness import pyast

PACKAGE = Path(pyast.__file__).parent
IN_SANDBOX = {"sandbox/images", "tasks/lcb_driver.py", "pyast.py"}
DIRECT = re.compile(r"(?<!py)ast\.parse\(|ast\.literal_eval\((?!pyast\.parse|node\))")


def test_host_code_parses_only_through_the_lock():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if any(rel.startswith(skip) for skip in IN_SANDBOX):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if DIRECT.search(line) and not line.lstrip().startswith(("#", '"', "``")):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == []


def test_parse_is_ast_parse():
    assert pyast.parse("[1, 2]", mode="eval").body.elts[1].value == 2
