"""Host side of the value channel: decode the sandbox's tagged values and judge tests.

The sandbox never says "pass". It reports the value a probe produced, encoded from
exact builtin types only; here we rebuild it from those types (so no candidate-defined
``__eq__`` can run) and compare it with the expected literal using Python's own
semantics, so ``4 == 4.0`` holds exactly as it does in the original benchmarks.
"""

from __future__ import annotations

import ast
from decimal import Decimal
from fractions import Fraction
from typing import Any

from harness import pyast
from harness.records import ProbeTest, TestResult

_SEQUENCES = {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}


class MalformedValue(ValueError):
    """The sandbox sent something that is not a tagged value."""


def decode(data: Any) -> Any:
    """Rebuild a value from the supervisor's tagged JSON; raises MalformedValue."""
    try:
        return _decode(data)
    except (KeyError, TypeError, ValueError, ZeroDivisionError, RecursionError, ArithmeticError) as exc:
        raise MalformedValue(f"malformed value from the sandbox: {exc}") from None


def _decode(data: Any) -> Any:
    if data is None or isinstance(data, bool):
        return data
    tag, value = data["t"], data["v"]
    if tag == "int":
        return int(_str(value), 16)
    if tag == "float":
        return float(_str(value))
    if tag == "complex":
        real, imag = value
        return complex(float(_str(real)), float(_str(imag)))
    if tag == "str":
        return _str(value)
    if tag in ("bytes", "bytearray"):
        raw = bytes.fromhex(_str(value))
        return raw if tag == "bytes" else bytearray(raw)
    if tag in _SEQUENCES:
        return _SEQUENCES[tag](_decode(x) for x in value)
    if tag == "dict":
        return {_decode(k): _decode(v) for k, v in value}
    if tag == "decimal":
        return Decimal(_str(value))
    if tag == "fraction":
        num, den = value
        return Fraction(int(_str(num), 16), int(_str(den), 16))
    raise ValueError(f"unknown tag {tag!r}")


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def short_repr(value: Any, limit: int = 200) -> str:
    try:
        text = repr(value)
    except (ValueError, RecursionError, MemoryError):  # e.g. an int beyond the str-digits limit
        return f"<{type(value).__name__} too large to show>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def judge(test: ProbeTest, encoded: Any) -> TestResult:
    """Pass or fail one probe test from the value the sandbox reported."""
    try:
        actual = decode(encoded)
    except MalformedValue as exc:
        return TestResult("fail", str(exc))
    try:
        if test.check in ("eq", "ne"):
            expected = ast.literal_eval(pyast.parse(test.expected or "", mode="eval"))
            equal = bool(actual == expected)
            ok = equal if test.check == "eq" else not equal
            detail = "" if ok else f"expected {short_repr(expected)}"
        else:
            ok = bool(actual) if test.check == "truthy" else not actual
            detail = "" if ok else f"value is not {test.check}"
    except Exception as exc:  # the values are the candidate's: any comparison error is its failure
        return TestResult("fail", f"comparison failed: {type(exc).__name__}", short_repr(actual))
    return TestResult("pass" if ok else "fail", detail, short_repr(actual))
