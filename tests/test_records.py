"""Records that carry behaviour: the full answer of a generation."""

from __future__ import annotations

from harness.records import Generation


def test_an_answer_is_the_prefill_and_the_text_unless_the_text_is_complete_already():
    full = "```python\nreturn 1\n```"
    assert Generation("return 1\n```").answer("```python\n") == full
    assert Generation(full, continues_prefill=False).answer("```python\n") == full
