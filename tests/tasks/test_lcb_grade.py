"""LiveCodeBench comparators, extraction and data decoding on the host (no Docker)."""

from __future__ import annotations

import base64
import json
import os
import pickle
import zlib

import pytest

from harness.errors import UserError
from harness.tasks.lcb import strict_extract, upstream_extract
from harness.tasks.lcb_data import decode_tests, release_files
from harness.tasks.lcb_grade import strict_stdout_equal, strict_value_equal, upstream_stdout_equal


@pytest.mark.parametrize(
    ("actual", "expected", "upstream", "strict"),
    [
        ("0.333333\n", "0.333333333", False, True),  # upstream has no float tolerance
        ("1.0\n", "1", True, True),  # Decimal equality
        ("a b\n", "a  b", False, True),  # upstream is strict on inner whitespace
        ("3\n\n\n", "3", True, True),  # trailing blank lines
        ("50000000000000001\n", "50000000000000000", False, False),  # integers stay exact
        ("1 2\n", "1 2 3", False, False),
        ("Yes\n", "yes", False, False),
        ("nan\n", "nan", True, True),
    ],
)
def test_stdout_comparators(actual, expected, upstream, strict):
    assert upstream_stdout_equal(actual, expected)[0] is upstream
    assert strict_stdout_equal(actual, expected)[0] is strict


def test_upstream_messages_match_lcb_runner():
    assert upstream_stdout_equal("1\n2\n", "1")[1] == "Wrong answer: mismatched output length"
    assert upstream_stdout_equal("5\n", "6")[1] == "Wrong answer at output_line_idx=0: 5 != 6"


@pytest.mark.parametrize(
    ("actual", "expected", "equal"),
    [
        ((1, 2), [1, 2], True),  # a tuple may stand for a list
        (0.33333333333, 1 / 3, True),
        (1, True, False),  # bools are not numbers
        (True, True, True),
        ([1, [2, 3.0000000001]], [1, [2, 3]], True),
        ({"a": 1}, {"a": 1}, True),
        ("1", 1, False),
        (None, None, True),
    ],
)
def test_strict_values(actual, expected, equal):
    assert strict_value_equal(actual, expected) is equal


def test_upstream_extraction_takes_the_last_fence_pair():
    answer = "```python\nx = 1\n```\nthen\n```\nsummary\n```"
    assert upstream_extract(answer) == "summary"
    assert upstream_extract("no fences") == ""


def test_strict_extraction_prefers_the_last_python_block_that_parses_after_reasoning():
    answer = (
        "<think>```python\nbad(\n```</think>\n```python\nprint(1)\n```\n```python\nbroken(\n```\n```text\nsummary\n```"
    )
    code, why = strict_extract(answer)
    assert code == "print(1)\n"
    assert "last python block that parses" in why
    assert strict_extract("print(2)")[0] == "print(2)\n"
    assert strict_extract("Just words, no code.")[0] is None


def test_private_tests_json_and_upstream_encoding():
    tests = [{"input": "1\n", "output": "2\n", "testtype": "stdin"}]
    assert decode_tests(json.dumps(tests), "x") == tests
    encoded = base64.b64encode(zlib.compress(pickle.dumps(json.dumps(tests)))).decode()
    assert decode_tests(encoded, "x") == tests


class _Boom:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_the_unpickler_admits_nothing_but_a_string():
    hostile = base64.b64encode(zlib.compress(pickle.dumps(_Boom()))).decode()
    with pytest.raises(UserError, match="refused to load"):
        decode_tests(hostile, "row 7")
    not_text = base64.b64encode(zlib.compress(pickle.dumps([1, 2]))).decode()
    with pytest.raises(UserError, match="hold a list"):
        decode_tests(not_text, "row 8")


def test_release_tags_resolve_to_files_as_upstream_does():
    assert release_files("release_v1") == ["test.jsonl"]
    assert release_files("release_v3") == ["test.jsonl", "test2.jsonl", "test3.jsonl"]
    assert release_files("release_latest") == release_files("release_v6")
    assert release_files("v2") == ["test2.jsonl"]
    assert release_files("v4_v6") == ["test4.jsonl", "test5.jsonl", "test6.jsonl"]
    for bad in ("release_v9", "v0", "v3_v1", "latest"):
        with pytest.raises(UserError):
            release_files(bad)


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"start_date": "2024/01/01"}, "--start-date must be a date like 2024-01-31"),
        ({"platform": "topcoder"}, "--platform must be one of atcoder, codeforces, leetcode"),
        ({"difficulty": "extreme"}, "--difficulty must be one of easy, medium, hard"),
        ({"start_date": "2030-01-01"}, "No LiveCodeBench problems"),
    ],
)
def test_selection_mistakes_are_one_sentence(options, words):
    from harness.tasks import TaskOptions, get_task

    with pytest.raises(UserError, match=words):
        get_task("lcb-generation-demo")(TaskOptions(**options)).load()


def test_contest_window_platform_and_difficulty_select():
    from harness.tasks import TaskOptions, get_task

    task = get_task("lcb-generation-demo")(TaskOptions(start_date="2023-09-01", end_date="2024-01-31"))
    dates = [p.contest_date[:10] for p in task.load()]
    assert dates and all("2023-09-01" <= d <= "2024-01-31" for d in dates)
    leetcode = get_task("lcb-generation-demo")(TaskOptions(platform="leetcode")).load()
    assert {p.platform for p in leetcode} == {"leetcode"} and all(p.kind == "call" for p in leetcode)
