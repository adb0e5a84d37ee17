"""The host side of the value channel: decoding tagged values and judging probe tests."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest

from harness.records import ProbeTest
from harness.sandbox.values import MalformedValue, decode, judge


def t(tag, value):
    return {"t": tag, "v": value}


def i(number: int) -> dict:
    return t("int", hex(number))


# --------------------------------------------------------------------------- decode


@pytest.mark.parametrize("plain", [None, True, False])
def test_none_and_bools_pass_through(plain):
    assert decode(plain) is plain


@pytest.mark.parametrize("number", [0, 1, 255, -1, -255, 2**64, -(2**64)])
def test_int_is_hex(number):
    value = decode(i(number))
    assert type(value) is int and value == number


def test_int_beyond_the_str_digit_limit():
    huge = 7 * 10**5000 + 3
    assert decode(i(huge)) == huge
    assert decode(i(-huge)) == -huge


def test_int_uses_base_16():
    assert decode(t("int", "10")) == 16
    assert decode(t("int", "-0xff")) == -255


def test_float():
    assert decode(t("float", "2.5")) == 2.5
    assert type(decode(t("float", "1.0"))) is float
    assert decode(t("float", "inf")) == math.inf
    assert decode(t("float", "-inf")) == -math.inf
    assert math.isnan(decode(t("float", "nan")))


def test_negative_zero_keeps_its_sign():
    value = decode(t("float", "-0.0"))
    assert value == 0.0 and math.copysign(1.0, value) == -1.0


def test_complex():
    assert decode(t("complex", ["1.5", "-2.0"])) == complex(1.5, -2.0)
    assert type(decode(t("complex", ["0.0", "0.0"]))) is complex


def test_str_bytes_bytearray():
    assert decode(t("str", "héllo\n")) == "héllo\n"
    assert decode(t("bytes", "00ff41")) == b"\x00\xffA"
    value = decode(t("bytearray", "4142"))
    assert type(value) is bytearray and value == bytearray(b"AB")


def test_sequences_keep_their_types():
    items = [i(1), t("str", "a")]
    assert decode(t("list", items)) == [1, "a"]
    assert decode(t("tuple", items)) == (1, "a")
    assert type(decode(t("tuple", items))) is tuple
    assert decode(t("set", items)) == {1, "a"}
    assert type(decode(t("set", items))) is set
    assert decode(t("frozenset", items)) == frozenset({1, "a"})
    assert type(decode(t("frozenset", items))) is frozenset


def test_nested_and_empty():
    assert decode(t("list", [])) == []
    assert decode(t("list", [t("tuple", [i(1), None]), t("list", [True])])) == [(1, None), [True]]


def test_dict_with_tuple_keys():
    pairs = [[t("tuple", [i(1), i(2)]), t("str", "a")], [t("str", "k"), t("list", [i(3)])]]
    assert decode(t("dict", pairs)) == {(1, 2): "a", "k": [3]}


def test_decimal_and_fraction():
    value = decode(t("decimal", "1.10"))
    assert type(value) is Decimal and str(value) == "1.10"
    assert decode(t("fraction", [hex(-3), hex(4)])) == Fraction(-3, 4)
    assert type(decode(t("fraction", ["0x1", "0x2"]))) is Fraction


@pytest.mark.parametrize(
    "data",
    [
        t("set", ["not-a-tagged-value"]),
        t("wat", "1"),  # unknown tag
        {"t": "int"},  # no value
        {"v": "1"},  # no tag
        t("int", 5),  # not a string
        t("int", "xyz"),  # not hex
        t("float", 1.5),
        t("float", "one"),
        t("str", 3),
        t("bytes", "zz"),
        t("list", 5),
        t("complex", ["1.0"]),
        t("dict", [[t("list", []), i(1)]]),  # an unhashable key
        t("dict", [[i(1)]]),
        t("decimal", "not a number"),
        t("fraction", ["0x1", "0x0"]),
        t("fraction", [1, 2]),
        5,
        "raw string",
        [1, 2],
        1.5,
    ],
)
def test_malformed_values(data):
    with pytest.raises(MalformedValue, match="malformed value from the sandbox"):
        decode(data)


def test_malformed_value_is_a_value_error():
    assert issubclass(MalformedValue, ValueError)


def test_deep_nesting_is_malformed_not_a_crash():
    data = i(1)
    for _ in range(100_000):
        data = t("list", [data])
    with pytest.raises(MalformedValue):
        decode(data)


# --------------------------------------------------------------------------- judge


def eq(expected: str) -> ProbeTest:
    return ProbeTest("assert f() == " + expected, "f()", "eq", expected)


def test_eq_pass_records_the_actual_value():
    result = judge(eq("[1, 2]"), t("list", [i(1), i(2)]))
    assert (result.status, result.detail, result.actual) == ("pass", "", "[1, 2]")


def test_eq_fail_says_what_was_expected():
    result = judge(eq("3"), i(4))
    assert result.status == "fail"
    assert result.detail == "expected 3"
    assert result.actual == "4"


def test_eq_int_and_float_compare_as_in_python():
    assert judge(eq("4"), t("float", "4.0")).status == "pass"
    assert judge(eq("4.0"), i(4)).status == "pass"
    assert judge(eq("True"), i(1)).status == "pass"  # True == 1 in Python
    assert judge(eq("4.5"), i(4)).status == "fail"


def test_eq_tuple_is_not_a_list():
    assert judge(eq("(1, 2)"), t("list", [i(1), i(2)])).status == "fail"
    assert judge(eq("[1, 2]"), t("tuple", [i(1), i(2)])).status == "fail"
    assert judge(eq("(1, 2)"), t("tuple", [i(1), i(2)])).status == "pass"


def test_eq_sets_ignore_order():
    assert judge(eq("{3, 1, 2}"), t("set", [i(1), i(2), i(3)])).status == "pass"
    assert judge(eq("{1, 2}"), t("frozenset", [i(2), i(1)])).status == "pass"
    assert judge(eq("{1, 2}"), t("set", [i(1)])).status == "fail"


def test_eq_str_and_dict():
    assert judge(eq("'AL'"), t("str", "AL")).status == "pass"
    assert judge(eq("{'a': 1}"), t("dict", [[t("str", "a"), i(1)]])).status == "pass"
    assert judge(eq("{'a': 1}"), t("dict", [[t("str", "a"), i(2)]])).status == "fail"


def test_ne():
    ne = ProbeTest("assert f() != 2", "f()", "ne", "2")
    assert judge(ne, i(3)).status == "pass"
    result = judge(ne, i(2))
    assert result.status == "fail" and result.detail == "expected 2"


def test_truthy_and_falsy():
    truthy = ProbeTest("assert f()", "f()", "truthy")
    falsy = ProbeTest("assert not f()", "f()", "falsy")
    assert judge(truthy, True).status == "pass"
    assert judge(truthy, t("list", [i(0)])).status == "pass"
    assert judge(truthy, t("list", [])).status == "fail"
    assert judge(truthy, None).status == "fail"
    assert judge(truthy, i(0)).detail == "value is not truthy"
    assert judge(falsy, False).status == "pass"
    assert judge(falsy, t("str", "")).status == "pass"
    assert judge(falsy, i(0)).status == "pass"
    result = judge(falsy, t("str", "x"))
    assert result.status == "fail" and result.detail == "value is not falsy"


def test_nan_never_equals():
    nan = t("float", "nan")
    assert judge(eq("1.0"), nan).status == "fail"
    assert judge(eq("[1.0]"), t("list", [nan])).status == "fail"
    assert judge(ProbeTest("assert f() != 1.0", "f()", "ne", "1.0"), nan).status == "pass"


def test_malformed_value_fails_the_test():
    result = judge(eq("1"), t("wat", "1"))
    assert result.status == "fail"
    assert "malformed value" in result.detail
    assert result.actual is None


def test_long_actual_is_shortened():
    result = judge(eq("'x'"), t("str", "y" * 1000))
    assert result.status == "fail"
    assert len(result.actual) == 200 and result.actual.endswith("...")


def test_a_huge_wrong_int_fails_without_crashing_the_host():
    result = judge(ProbeTest("", "f()", "eq", "1"), {"t": "int", "v": hex(10**5000)})
    assert result.status == "fail" and "too large" in result.actual


def test_a_signalling_nan_decimal_fails_without_crashing_the_host():
    result = judge(ProbeTest("", "f()", "eq", "1"), {"t": "decimal", "v": "sNaN"})
    assert result.status == "fail" and "comparison failed" in result.detail
