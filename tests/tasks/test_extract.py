"""Pulling the program out of a model's answer."""

from __future__ import annotations

import pytest

from harness.tasks.extract import extract_code


def test_fenced_python():
    answer = "Here you go:\n```python\ndef f(x):\n    return x\n```\nHope it helps."
    assert extract_code(answer) == "def f(x):\n    return x\n"


@pytest.mark.parametrize("tag", ["py", "python3", "Python", "PYTHON"])
def test_python_aliases_and_case(tag):
    assert extract_code(f"```{tag}\nx = 1\n```") == "x = 1\n"


def test_untagged_fence():
    assert extract_code("```\nx = 1\n```") == "x = 1\n"


def test_other_language_first_then_python():
    answer = "Run:\n```bash\npip install x\n```\nThen:\n```python\nimport x\n```"
    assert extract_code(answer) == "import x\n"


def test_first_matching_block_wins():
    answer = "```python\na = 1\n```\n```python\nb = 2\n```"
    assert extract_code(answer) == "a = 1\n"


def test_only_another_language_falls_back_to_the_first_block():
    assert extract_code("```bash\necho hi\n```\n```sql\nselect 1\n```") == "echo hi\n"


def test_other_language_requested():
    answer = "```python\nx = 1\n```\n```rust\nfn main() {}\n```"
    assert extract_code(answer, "rust") == "fn main() {}\n"


def test_unclosed_fence_runs_to_the_end():
    assert extract_code("```python\ndef f():\n    return 1") == "def f():\n    return 1"


def test_indented_fence():
    assert extract_code("  ```python\n  x = 1\n  ```") == "  x = 1\n"


def test_backticks_inside_code_do_not_close_the_block():
    answer = "```python\ns = 'a```b'\n```"
    assert extract_code(answer) == "s = 'a```b'\n"


def test_no_fence_is_the_whole_answer():
    assert extract_code("def f():\n    return 1\n") == "def f():\n    return 1\n"


@pytest.mark.parametrize("answer", ["", "   ", "\n\n\t\n", "```python\n```", "```python\n   \n```"])
def test_nothing_but_whitespace_is_none(answer):
    assert extract_code(answer) is None


def test_crlf_is_normalised():
    answer = "```python\r\ndef f():\r\n    return 1\r\n```\r\n"
    assert extract_code(answer) == "def f():\n    return 1\n"
    assert extract_code("x = 1\r\ny = 2\r\n") == "x = 1\ny = 2\n"
