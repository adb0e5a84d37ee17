"""SEARCH/REPLACE and whole-file edits (polyglot.md section 4): parsing, applying, reflection."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from harness.polyglot.edits import (
    EditBlock,
    apply_blocks,
    apply_edit_response,
    parse_blocks,
    parse_whole,
    reflection,
    render_blocks,
    resolve_path,
)

LIB = "src/lib.rs"
TEST = "tests/lib_test.rs"
CODE = "fn one() -> u32 {\n    1\n}\n\nfn two() -> u32 {\n    2\n}\n"
FILES = {LIB: CODE, TEST: "#[test]\nfn t() {}\n"}
EDITABLE = [LIB]


def block(search: str, replace: str, head: str = LIB + "\n```rust") -> str:
    return f"{head}\n<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n```\n"


def apply(text: str, files: dict[str, str] | None = None, editable: list[str] | None = None):
    return apply_edit_response(text, FILES if files is None else files, EDITABLE if editable is None else editable)


# --- filenames -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        "src/lib.rs\n```rust",
        "src/lib.rs:\n```",
        "# src/lib.rs\n```rust",
        "**src/lib.rs**\n```rust",
        "`src/lib.rs`\n```rust",
        "**`src/lib.rs`**:\n```rust",
        "```src/lib.rs",
        "src/lib.rs",
        "  src/lib.rs  \n```rust",
    ],
)
def test_filename_forms(head):
    blocks, failures = parse_blocks(block("    1\n", "    10\n", head), [LIB])
    assert failures == []
    assert resolve_path(blocks[0].path, [LIB]) == LIB


def test_language_fence_is_not_a_filename():
    blocks, failures = parse_blocks(block("a\n", "b\n", "```python"), [LIB])
    assert blocks == []
    assert [f.reason for f in failures] == ["missing_filename"]


def test_fence_tag_with_dot_or_slash_is_a_filename():
    blocks, _ = parse_blocks(block("a\n", "b\n", "```lib.rs"), [LIB])
    assert blocks[0].path == "lib.rs"


def test_lookback_is_three_lines_and_only_across_fences():
    far = "src/lib.rs\n```\n```\n```rust"  # the name is four lines above the head
    assert parse_blocks(block("a\n", "b\n", far), [LIB])[0] == []
    prose = "src/lib.rs\nsome words\n```rust"  # prose stops the look-back before the name
    assert parse_blocks(block("a\n", "b\n", prose), [LIB])[0][0].path == "some words"


def test_exact_name_beats_basename_and_known_beats_unknown():
    blocks, _ = parse_blocks(block("a\n", "b\n", "src/lib.rs\n```lib.rs"), [LIB])
    assert blocks[0].path == "src/lib.rs"
    blocks, _ = parse_blocks(block("a\n", "b\n", "src/lib.rs\n```other.rs"), [LIB])
    assert blocks[0].path == "src/lib.rs"


def test_block_without_name_reuses_previous():
    text = block("    1\n", "    10\n") + "\n" + block("    2\n", "    20\n", head="```rust")
    blocks, failures = parse_blocks(text, [LIB])
    assert failures == []
    assert [b.path for b in blocks] == [LIB, LIB]
    assert apply(text).files[LIB] == CODE.replace("    1\n", "    10\n").replace("    2\n", "    20\n")


def test_adjacent_blocks_reuse_name_not_marker_line():
    one = "<<<<<<< SEARCH\n    1\n=======\n    10\n>>>>>>> REPLACE\n"
    text = f"{LIB}\n{one}{one.replace('1', '2')}"
    assert [b.path for b in parse_blocks(text, [LIB])[0]] == [LIB, LIB]


def test_missing_filename_fails_whole_reply():
    text = block("    1\n", "    10\n", head="```rust") + block("    2\n", "    20\n")
    outcome = apply(text)
    assert [f.reason for f in outcome.failures] == ["missing_filename"]
    assert outcome.failures[0].block == EditBlock(None, "    1\n", "    10\n")
    assert outcome.applied == [] and outcome.files == FILES and outcome.malformed
    assert "none of its changes were applied" in reflection(outcome)


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("src/lib.rs", LIB),
        ("./src/lib.rs", LIB),
        ("lib.rs", LIB),
        ("path/to/lib.rs", LIB),
        ("src/lbi.rs", LIB),
        ("src/new.rs", "src/new.rs"),
        ("notes", "notes"),
    ],
)
def test_resolve_path(name, path):
    assert resolve_path(name, [LIB, TEST]) == path


def test_resolve_path_prefers_the_first_known_with_a_basename():
    assert resolve_path("mod.rs", ["b/mod.rs", "a/mod.rs"]) == "b/mod.rs"


# --- markers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 7, 9])
def test_markers_with_five_to_nine_characters(count):
    text = f"{LIB}\n{'<' * count} SEARCH\n    1\n{'=' * count}\n    10\n{'>' * count} REPLACE\n"
    assert apply(text).files[LIB] == CODE.replace("    1\n", "    10\n")


@pytest.mark.parametrize("count", [4, 10])
def test_markers_outside_five_to_nine_are_text(count):
    text = f"{LIB}\n{'<' * count} SEARCH\n    1\n=======\n    10\n>>>>>>> REPLACE\n"
    assert parse_blocks(text, [LIB]) == ([], [])


def test_head_with_trailing_angle_and_indented_markers():
    text = f"{LIB}\n  <<<<<<< SEARCH>\n    1\n  =======  \n    10\n  >>>>>>> REPLACE\n"
    assert apply(text).files[LIB] == CODE.replace("    1\n", "    10\n")


def test_second_divider_ends_replace():
    text = f"{LIB}\n<<<<<<< SEARCH\n    1\n=======\n    10\n=======\n    99\n>>>>>>> REPLACE\n"
    blocks, failures = parse_blocks(text, [LIB])
    assert failures == [] and blocks == [EditBlock(LIB, "    1\n", "    10\n")]


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        (f"{LIB}\n<<<<<<< SEARCH\n    1\n>>>>>>> REPLACE\n", "======="),
        (f"{LIB}\n<<<<<<< SEARCH\n    1\n=======\n    10\n", ">>>>>>> REPLACE"),
    ],
)
def test_missing_markers_are_malformed_and_apply_nothing(text, missing):
    outcome = apply(block("    2\n", "    20\n") + text)
    assert [f.reason for f in outcome.failures] == ["malformed"]
    assert missing in outcome.failures[0].message and outcome.failures[0].block is None
    assert outcome.files == FILES and outcome.applied == []
    assert "Malformed block" in reflection(outcome)


def test_parse_keeps_blocks_before_a_malformed_one():
    blocks, failures = parse_blocks(block("    2\n", "    20\n") + f"{LIB}\n<<<<<<< SEARCH\nx\n", [LIB])
    assert len(blocks) == 1 and [f.reason for f in failures] == ["malformed"]


def test_reply_without_blocks_is_not_malformed():
    outcome = apply("I would rather explain:\n```rust\nfn one() {}\n```\n")
    assert not outcome.malformed and outcome.files == FILES and outcome.applied == []
    assert reflection(outcome) == ""


def test_crlf_reply():
    text = block("    1\n", "    10\n").replace("\n", "\r\n")
    assert apply(text).files[LIB] == CODE.replace("    1\n", "    10\n")


# --- applying ------------------------------------------------------------------------------------


def test_first_match_only():
    files = {LIB: "x = 1\ny = 2\nx = 1\n"}
    assert apply(block("x = 1\n", "x = 3\n"), files).files[LIB] == "x = 3\ny = 2\nx = 1\n"


def test_match_is_by_whole_lines():
    files = {LIB: "let ab = 1;\nb = 1;\n"}
    assert apply(block("b = 1;\n", "b = 2;\n"), files).files[LIB] == "let ab = 1;\nb = 2;\n"


def test_no_fuzzy_matching():
    outcome = apply(block("fn one() -> u32 {\n    l\n}\n", "fn one() -> u32 {\n    5\n}\n"))
    assert [f.reason for f in outcome.failures] == ["no_match"] and outcome.files == FILES


def test_missing_leading_whitespace_is_tolerated_and_replace_reindented():
    files = {LIB: "mod m {\n    fn f() {\n\n        g();\n    }\n}\n"}
    outcome = apply(block("fn f() {\n\n    g();\n", "fn f() {\n    h();\n"), files)
    assert outcome.failures == []
    assert outcome.files[LIB] == "mod m {\n    fn f() {\n        h();\n    }\n}\n"


def test_uniform_extra_indent_is_added_to_replace():
    files = {LIB: "impl A {\n    fn f() {\n        g();\n    }\n}\n"}
    outcome = apply(block("fn f() {\n    g();\n}\n", "fn f() {\n    h();\n    g();\n}\n"), files)
    assert outcome.files[LIB] == "impl A {\n    fn f() {\n        h();\n        g();\n    }\n}\n"


def test_common_indent_of_search_and_replace_is_removed_first():
    files = {LIB: "fn f() {\n    g();\n}\n"}
    outcome = apply(block("        fn f() {\n            g();\n", "        fn f() {\n            h();\n"), files)
    assert outcome.files[LIB] == "fn f() {\n    h();\n}\n"


def test_inconsistent_extra_indent_does_not_match():
    files = {LIB: "    a\n        b\n"}
    assert [f.reason for f in apply(block("a\nb\n", "c\n"), files).failures] == ["no_match"]


def test_blank_first_search_line_is_retried_without_it():
    outcome = apply(block("\nfn one() -> u32 {\n    1\n", "fn one() -> u32 {\n    11\n"))
    assert outcome.files[LIB] == CODE.replace("    1\n", "    11\n")


def test_blank_first_line_kept_for_two_line_search():
    assert apply(block("\n    2\n", "    22\n")).failures[0].reason == "no_match"


def test_elision_paired():
    search = "fn one() -> u32 {\n...\nfn two() -> u32 {\n"
    replace = "fn uno() -> u32 {\n...\nfn dos() -> u32 {\n"
    outcome = apply(block(search, replace))
    assert outcome.failures == []
    assert outcome.files[LIB] == CODE.replace("one", "uno").replace("two", "dos")


def test_elision_unpaired():
    outcome = apply(block("fn one() -> u32 {\n...\n}\n", "fn uno() -> u32 {\n}\n"))
    assert [f.reason for f in outcome.failures] == ["unpaired_elision"] and outcome.files == FILES
    assert "`...`" in reflection(outcome)


def test_elision_ambiguous_piece():
    outcome = apply(block("fn one() -> u32 {\n...\n}\n", "fn uno() -> u32 {\n...\n};\n"))
    assert [f.reason for f in outcome.failures] == ["ambiguous_elision"] and outcome.files == FILES


def test_elision_missing_piece():
    outcome = apply(block("fn one() -> u32 {\n...\nfn three() {\n", "fn uno() -> u32 {\n...\nfn tres() {\n"))
    assert [f.reason for f in outcome.failures] == ["no_match"] and outcome.files == FILES


def test_elision_empty_search_piece_appends():
    outcome = apply(block("fn one() -> u32 {\n...\n", "fn uno() -> u32 {\n...\nfn three() {}\n"))
    assert outcome.files[LIB] == CODE.replace("one", "uno") + "fn three() {}\n"


def test_literal_dots_match_exactly_before_elision():
    files = {LIB: "a\n...\nb\n"}
    assert apply(block("a\n...\n", "c\n"), files).files[LIB] == "c\nb\n"


def test_empty_search_creates_missing_editable_file():
    outcome = apply(block("", "pub fn util() {}\n", head="src/util.rs\n```rust"), editable=[LIB, "src/util.rs"])
    assert outcome.files["src/util.rs"] == "pub fn util() {}\n" and outcome.files[LIB] == CODE


def test_empty_search_appends_to_existing_file():
    assert apply(block("", "fn three() {}\n")).files[LIB] == CODE + "fn three() {}\n"


def test_append_to_file_without_final_newline_keeps_it_without():
    outcome = apply(block("", "b\n"), {LIB: "a"})
    assert outcome.files[LIB] == "a\nb"


def test_edit_keeps_missing_final_newline():
    assert apply(block("b\n", "c\nd\n"), {LIB: "a\nb"}).files[LIB] == "a\nc\nd"


def test_crlf_file_stays_crlf():
    outcome = apply(block("b\n", "c\nd\n"), {LIB: "a\r\nb\r\n"})
    assert outcome.files[LIB] == "a\r\nc\r\nd\r\n"


def test_search_and_replace_may_repeat_the_filename_and_fence():
    search = f"{LIB}\n```rust\n    1\n```\n"
    replace = "lib.rs\n```rust\n    10\n```\n"
    assert apply(block(search, replace)).files[LIB] == CODE.replace("    1\n", "    10\n")


def test_no_match_in_named_file_tries_other_editable_files():
    files = {**FILES, "src/util.rs": "pub fn u() {}\n"}
    outcome = apply(block("pub fn u() {}\n", "pub fn v() {}\n"), files, [LIB, "src/util.rs"])
    assert outcome.failures == [] and outcome.files["src/util.rs"] == "pub fn v() {}\n"
    assert outcome.files[LIB] == CODE


def test_unknown_name_with_search_falls_back_to_editable_files():
    outcome = apply(block("    1\n", "    10\n", head="Change this:\n```rust"))
    assert outcome.failures == [] and outcome.files[LIB] == CODE.replace("    1\n", "    10\n")


def test_fallback_never_reaches_non_editable_files():
    outcome = apply(block("fn t() {}\n", "fn t() { panic!() }\n"))
    assert [f.reason for f in outcome.failures] == ["no_match"] and outcome.files == FILES


def test_successful_blocks_apply_when_others_fail():
    text = block("    1\n", "    10\n") + block("    3\n", "    30\n") + block("    2\n", "    20\n")
    outcome = apply(text)
    assert outcome.files[LIB] == CODE.replace("    1\n", "    10\n").replace("    2\n", "    20\n")
    assert len(outcome.applied) == 2 and [f.reason for f in outcome.failures] == ["no_match"]
    message = reflection(outcome)
    assert message.startswith("# 1 SEARCH/REPLACE block failed to match!")
    assert "The other 2 blocks applied successfully" in message and "exactly" in message


def test_blocks_apply_in_sequence():
    text = block("    1\n", "    10\n") + block("    10\n", "    100\n")
    assert apply(text).files[LIB] == CODE.replace("    1\n", "    100\n")


@pytest.mark.parametrize("head", [TEST + "\n```rust", "lib_test.rs\n```rust"])
def test_forbidden_path_is_never_applied(head):
    text = block("fn t() {}\n", "fn t() { assert!(true) }\n", head=head) + block("    1\n", "    10\n")
    outcome = apply(text)
    assert [f.reason for f in outcome.failures] == ["forbidden_path"]
    assert outcome.files[TEST] == FILES[TEST] and outcome.files[LIB] == CODE.replace("    1\n", "    10\n")
    assert TEST in outcome.failures[0].message and LIB in outcome.failures[0].message


def test_creating_a_file_outside_editable_is_forbidden():
    outcome = apply(block("", "x\n", head="src/extra.rs\n```rust"))
    assert [f.reason for f in outcome.failures] == ["forbidden_path"] and "src/extra.rs" not in outcome.files


def test_block_without_path_fails_in_apply_blocks():
    outcome = apply_blocks([EditBlock(None, "    1\n", "    10\n")], FILES, EDITABLE)
    assert [f.reason for f in outcome.failures] == ["missing_filename"] and outcome.files == FILES


def test_apply_blocks_does_not_modify_its_input():
    files = dict(FILES)
    apply_blocks([EditBlock(LIB, "    1\n", "    10\n")], files, EDITABLE)
    assert files == FILES


# --- reflection ----------------------------------------------------------------------------------


def test_reflection_did_you_mean():
    outcome = apply(block("fn two() -> u32 {\n    2\n}\nfn x() {}\n", "fn two() -> u32 {\n    3\n}\n"))
    message = reflection(outcome)
    assert "Did you mean" in message and "fn two() -> u32 {\n    2\n}" in message
    assert "<<<<<<< SEARCH\nfn two() -> u32 {\n    2\n}\nfn x() {}\n=======" in message


def test_reflection_without_similar_chunk():
    assert "Did you mean" not in reflection(apply(block("something else\n", "x\n")))


def test_reflection_notes_replace_already_present():
    outcome = apply(block("    7\n", "fn two() -> u32 {\n"))
    assert "already in src/lib.rs" in reflection(outcome)


def test_reflection_counts_blocks():
    outcome = apply(block("    7\n", "x\n") + block("    8\n", "y\n"))
    assert reflection(outcome).startswith("# 2 SEARCH/REPLACE blocks failed to match!")


# --- render --------------------------------------------------------------------------------------


def test_render_parses_back():
    text = render_blocks(LIB, "    1", "    10", fence="````")
    assert text.startswith(f"{LIB}\n````\n<<<<<<< SEARCH\n")
    assert parse_blocks(text, [LIB]) == ([EditBlock(LIB, "    1\n", "    10\n")], [])


# --- the whole format ----------------------------------------------------------------------------


def test_whole_named_file():
    outcome = parse_whole(f"Here it is:\n\n{LIB}\n```rust\nfn one() {{}}\n```\n", FILES, EDITABLE)
    assert outcome.files == {**FILES, LIB: "fn one() {}\n"} and not outcome.malformed
    assert outcome.applied == [EditBlock(LIB, CODE, "fn one() {}\n")]


def test_whole_unnamed_block_is_the_only_editable_file():
    outcome = parse_whole("```rust\nfn one() {}\n```\n", FILES, EDITABLE)
    assert outcome.files[LIB] == "fn one() {}\n"


def test_whole_unnamed_block_with_several_editable_files_applies_nothing():
    files = {**FILES, "src/util.rs": "u\n"}
    text = f"{LIB}\n```rust\nx\n```\n\n```rust\ny\n```\n"
    outcome = parse_whole(text, files, [LIB, "src/util.rs"])
    assert [f.reason for f in outcome.failures] == ["missing_filename"] and outcome.files == files


def test_whole_forbidden_file_fails_others_apply():
    text = f"{TEST}\n```rust\nfn t() {{ }}\n```\n\nlib.rs\n```rust\nfn one() {{}}\n```\n"
    outcome = parse_whole(text, FILES, EDITABLE)
    assert [f.reason for f in outcome.failures] == ["forbidden_path"]
    assert outcome.files[TEST] == FILES[TEST] and outcome.files[LIB] == "fn one() {}\n"
    assert "may not be edited" in reflection(outcome)


def test_whole_first_named_listing_wins_and_unclosed_fence_runs_to_end():
    text = f"```rust\nunnamed\n```\n{LIB}\n```rust\nfirst\n```\n{LIB}\n```rust\nsecond\n"
    assert parse_whole(text, FILES, EDITABLE).files[LIB] == "first\n"
    assert parse_whole(f"{LIB}\n```rust\nopen\n", FILES, EDITABLE).files[LIB] == "open\n"


def test_whole_keeps_missing_final_newline_and_creates_editable_new_file():
    outcome = parse_whole("a.txt\n```\nnew\n```\nb.txt\n```\nmade\n```\n", {"a.txt": "old"}, ["a.txt", "b.txt"])
    assert outcome.files == {"a.txt": "new", "b.txt": "made\n"}


def test_whole_reply_without_fences_edits_nothing():
    outcome = parse_whole("No changes needed.", FILES, EDITABLE)
    assert outcome.files == FILES and not outcome.malformed


# --- properties ----------------------------------------------------------------------------------

# Lines that cannot be mistaken for markers, fences, filenames or `...` elisions.
_line = st.text(alphabet="abcxyz(){}; ", max_size=12).map(lambda text: text + "\n")
_file_lines = st.lists(_line, min_size=1, max_size=12)
# SEARCH lines that occur in no generated file, whatever the whitespace.
_foreign_line = st.text(alphabet="abc ", max_size=6).map(lambda text: text + "Q\n")
_PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])


def _occurrences(lines: list[str], part: list[str]) -> int:
    return sum(lines[i : i + len(part)] == part for i in range(len(lines) - len(part) + 1))


@_PROPS
@given(st.lists(_line, max_size=5), st.lists(_line, max_size=5))
def test_render_then_parse_round_trips(search, replacement):
    text = render_blocks(LIB, "".join(search), "".join(replacement))
    assert parse_blocks(text, [LIB]) == ([EditBlock(LIB, "".join(search), "".join(replacement))], [])


@_PROPS
@given(_file_lines, st.data(), st.lists(_line, max_size=5))
def test_rendered_block_replaces_exactly_its_unique_chunk(lines, data, replacement):
    start = data.draw(st.integers(0, len(lines) - 1))
    end = data.draw(st.integers(start + 1, len(lines)))
    chunk = lines[start:end]
    assume("".join(chunk).strip() and _occurrences(lines, chunk) == 1)
    outcome = apply(render_blocks(LIB, "".join(chunk), "".join(replacement)), {LIB: "".join(lines)})
    assert outcome.failures == []
    assert outcome.files[LIB] == "".join(lines[:start] + replacement + lines[end:])


@_PROPS
@given(_file_lines, st.lists(_line, max_size=6))
def test_search_of_whole_file_gives_replace(lines, replacement):
    whole = "".join(lines)
    assume(whole.strip())
    outcome = apply_blocks([EditBlock(LIB, whole, "".join(replacement))], {LIB: whole}, EDITABLE)
    assert outcome.files[LIB] == "".join(replacement)


@_PROPS
@given(_file_lines, _file_lines, st.lists(_foreign_line, min_size=1, max_size=4), st.lists(_line, max_size=3))
def test_absent_search_changes_nothing(first, second, search, replacement):
    files = {LIB: "".join(first), "src/b.rs": "".join(second), TEST: "".join(second)}
    outcome = apply(render_blocks(LIB, "".join(search), "".join(replacement)), files, [LIB, "src/b.rs"])
    assert outcome.files == files
    assert [f.reason for f in outcome.failures] == ["no_match"]


_target = st.sampled_from([LIB, "lib.rs", TEST, "lib_test.rs"])


@_PROPS
@given(_file_lines, _file_lines, st.data())
def test_files_no_block_resolved_to_are_untouched(lib, other, data):
    files = {LIB: "".join(lib), TEST: "".join(other), "README.md": "".join(other)}
    blocks = []
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(lib) - 1))
        search = data.draw(st.one_of(st.just(lib[start:]), st.lists(_line, max_size=3)))
        replace = data.draw(st.lists(_line, max_size=3))
        blocks.append(render_blocks(data.draw(_target), "".join(search), "".join(replace)))
    outcome = apply("\n".join(blocks), files, EDITABLE)
    assert outcome.files[TEST] == files[TEST] and outcome.files["README.md"] == files["README.md"]
    assert set(outcome.files) == set(files)
