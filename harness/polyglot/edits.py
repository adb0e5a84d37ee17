"""The edit formats of Aider's Polyglot benchmark: SEARCH/REPLACE blocks ("diff") and whole-file
listings ("whole"), parsed from a model's reply and applied to an in-memory ``{path: text}`` map.

The semantics follow polyglot.md section 4 (our own implementation). Where that leaves a choice:

* Format failures (a missing filename, a missing divider or REPLACE marker) void the whole reply:
  nothing from it is applied, as in Aider. Apply failures (no match, bad ``...`` elision, a
  forbidden path) void only their own block; the other blocks still apply, in order.
* A block may only change a path in ``editable``. Naming an existing non-editable file, or creating
  a file outside ``editable``, fails with "forbidden_path". A name that is no file at all with a
  non-empty SEARCH is treated as "no match in the named file", so the other editable files are tried.
* Newlines: a reply's "\\r\\n" is read as "\\n". Matching works on "\\n"-terminated lines. An edited
  file keeps its conventions: one that did not end with a newline still does not, a CRLF file stays
  CRLF. Created files end with a newline.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Reason = Literal["missing_filename", "malformed", "no_match", "unpaired_elision", "ambiguous_elision", "forbidden_path"]
FORMAT_REASONS: frozenset[str] = frozenset({"missing_filename", "malformed"})
SEARCH_REASONS: frozenset[str] = frozenset({"no_match", "unpaired_elision", "ambiguous_elision"})

_HEAD = re.compile(r"<{5,9} SEARCH>?")
_DIVIDER = re.compile(r"={5,9}")
_END = re.compile(r">{5,9} REPLACE")
_FENCE = "```"
_LOOKBACK = 3  # lines above a block's head searched for its filename
_CLOSE_NAME = 0.8  # difflib cutoff for a misspelt filename
_SIMILAR = 0.6  # difflib ratio for a "did you mean" excerpt
_CONTEXT = 5  # lines shown either side of that excerpt

_NAME_RULE = "Put the file's path alone on the line before the opening fence (```)."
_EXACT_RULE = (
    "The SEARCH section must match existing lines exactly, character for character, including all whitespace,"
    " indentation, comments and docstrings."
)
_TITLES: dict[str, str] = {
    "missing_filename": "Missing filename",
    "malformed": "Malformed block",
    "no_match": "SEARCH block did not match",
    "unpaired_elision": "Unpaired `...` lines",
    "ambiguous_elision": "Ambiguous `...` elision",
    "forbidden_path": "File may not be edited",
}


@dataclass(frozen=True)
class EditBlock:
    """One edit: SEARCH text to find in ``path`` and the REPLACE text for it. For the whole format,
    ``search`` is the file's previous text ("" for a new file) and ``replace`` its new text."""

    path: str | None  # the filename as the model wrote it; None when it gave none and no block before did
    search: str
    replace: str


@dataclass(frozen=True)
class EditFailure:
    """Why a block (or, for a malformed reply, the rest of the reply) was not applied."""

    block: EditBlock | None
    reason: Reason
    message: str  # sentences for the reflection sent back to the model


@dataclass(frozen=True)
class EditOutcome:
    """The files after an edit reply: every input file (changed or not) plus created ones."""

    files: dict[str, str]
    applied: list[EditBlock] = field(default_factory=list)
    failures: list[EditFailure] = field(default_factory=list)

    @property
    def malformed(self) -> bool:
        """Whether the reply counts as malformed: any block failed to parse or apply."""
        return bool(self.failures)


class _Miss(Exception):
    """A block did not apply to one file."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason: Reason = reason


# --- text helpers --------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """``text`` as "\\n"-terminated lines (a missing final newline supplied); only "\\n" splits."""
    if not text:
        return []
    return [line + "\n" for line in text.removesuffix("\n").split("\n")]


def _terminated(text: str) -> str:
    """``text`` ending with a newline, unless it is empty."""
    return text if not text or text.endswith("\n") else text + "\n"


def _is_fence(line: str) -> bool:
    return line.strip().startswith(_FENCE)


def _fence_for(text: str) -> str:
    """A fence that no line of ``text`` starts with."""
    fence = _FENCE
    while any(line.lstrip().startswith(fence) for line in text.splitlines()):
        fence += "`"
    return fence


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _known(files: dict[str, str], editable: Sequence[str]) -> list[str]:
    """Paths a filename may resolve to: editable ones first, so a shared basename prefers them."""
    return list(dict.fromkeys([*editable, *files]))


def _rewrite(content: str, edit: Callable[[str], str]) -> str:
    """``edit`` applied to ``content`` in "\\n" form, with the content's CRLF and final-newline
    conventions restored on the result."""
    crlf = "\r\n" in content and content.count("\r\n") == content.count("\n")
    text = content.replace("\r\n", "\n") if crlf else content
    edited = edit(text)
    if text and not text.endswith("\n"):
        edited = edited.removesuffix("\n")
    return edited.replace("\n", "\r\n") if crlf else edited


# --- filenames -----------------------------------------------------------------------------------


def _strip_name(line: str) -> str | None:
    """The filename a line above a block may carry: decorations (``#``, backticks, ``*``, a trailing
    ``:``) removed; a fence line names a file only when its tag contains ``.`` or ``/``."""
    text = line.strip()
    if text.startswith(_FENCE):
        tag = text.lstrip("`").strip()
        return tag if "." in tag or "/" in tag else None
    if text == "...":
        return None
    previous = None
    while text != previous:
        previous = text
        text = text.rstrip(":").lstrip("#").strip(" \t`*")
    return text or None


def _normalize(name: str) -> str:
    return posixpath.normpath(name.strip().replace("\\", "/"))


def _exact(name: str, known: Sequence[str]) -> str | None:
    path = _normalize(name)
    return path if path in known else None


def _same_basename(name: str, known: Sequence[str]) -> str | None:
    base = posixpath.basename(_normalize(name))
    return next((path for path in known if posixpath.basename(path) == base), None)


def _close(name: str, known: Sequence[str]) -> str | None:
    matches = difflib.get_close_matches(_normalize(name), list(known), n=1, cutoff=_CLOSE_NAME)
    return matches[0] if matches else None


_MATCHERS = (_exact, _same_basename, _close)


def resolve_path(name: str, known: Sequence[str]) -> str:
    """The known path a written filename means: an exact path, else the first known path with the
    same basename, else a close spelling (difflib, cutoff 0.8), else the name itself (normalized)."""
    for matcher in _MATCHERS:
        path = matcher(name, known)
        if path is not None:
            return path
    return _normalize(name)


def _pick_name(candidates: Sequence[str], known: Sequence[str]) -> str | None:
    """The best of the names found above one block (nearest first): one that resolves exactly, by
    basename or by close spelling (in that order of preference), else the first with a ``.``, else
    the nearest."""
    for matcher in _MATCHERS:
        found = next((name for name in candidates if matcher(name, known) is not None), None)
        if found is not None:
            return found
    return next((name for name in candidates if "." in name), candidates[0] if candidates else None)


def _find_name(above: Sequence[str], known: Sequence[str]) -> str | None:
    """The filename written in the lines above a head: the nearest line, and further lines only
    while the lines passed are fences."""
    candidates = []
    for line in reversed(above):
        name = _strip_name(line)
        if name:
            candidates.append(name)
        if not _is_fence(line):
            break
    return _pick_name(candidates, known)


# --- parsing -------------------------------------------------------------------------------------


def _collect(lines: Sequence[str], start: int, stops: tuple[re.Pattern[str], ...]) -> tuple[str, int]:
    """The text from ``start`` up to the first line matching a stop marker, and that line's index
    (``len(lines)`` when there is none)."""
    end = start
    while end < len(lines) and not any(p.fullmatch(lines[end].strip()) for p in stops):
        end += 1
    return "".join(lines[start:end]), end


def _missing_name(block: EditBlock, what: str = "SEARCH/REPLACE block") -> EditFailure:
    """A block without a filename, named by its first line so the model can find it."""
    first = next((line.strip() for line in (block.search + block.replace).splitlines() if line.strip()), "")
    starting = f" whose first line is `{first}`" if first else ""
    return EditFailure(block, "missing_filename", f"The {what}{starting} has no filename. {_NAME_RULE}")


def _malformed(head: int, expected: str) -> EditFailure:
    message = (
        f"The SEARCH/REPLACE block starting on line {head + 1} of your reply has no `{expected}` line."
        " Every block needs `<<<<<<< SEARCH`, `=======` and `>>>>>>> REPLACE`, each on its own line."
    )
    return EditFailure(None, "malformed", message)


def parse_blocks(text: str, known: Sequence[str]) -> tuple[list[EditBlock], list[EditFailure]]:
    """The SEARCH/REPLACE blocks of a reply, and its format failures: blocks without a filename
    (reported with the block) and a block missing its divider or REPLACE marker (which ends the
    parse, since the rest of the reply then belongs to it). ``known`` picks among several names."""
    lines = _lines(text.replace("\r\n", "\n"))
    blocks: list[EditBlock] = []
    failures: list[EditFailure] = []
    previous: str | None = None
    floor = 0  # the filename look-back never reaches into an earlier block
    i = 0
    while i < len(lines):
        if not _HEAD.fullmatch(lines[i].strip()):
            i += 1
            continue
        head = i
        name = _find_name(lines[max(floor, head - _LOOKBACK) : head], known) or previous
        search, i = _collect(lines, head + 1, (_DIVIDER,))
        if i == len(lines):
            failures.append(_malformed(head, "======="))
            break
        replace, i = _collect(lines, i + 1, (_END, _DIVIDER))
        if i == len(lines):
            failures.append(_malformed(head, ">>>>>>> REPLACE"))
            break
        block = EditBlock(name, search, replace)
        if name is None:
            failures.append(_missing_name(block))
        else:
            blocks.append(block)
        previous = name
        i += 1
        floor = i
    return blocks, failures


# --- matching one SEARCH in one file --------------------------------------------------------------


def _index(whole: list[str], part: list[str]) -> int | None:
    """Where the line sequence ``part`` first occurs in ``whole``."""
    size = len(part)
    return next((i for i in range(len(whole) - size + 1) if whole[i : i + size] == part), None)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _outdent(lines: Sequence[str], width: int) -> list[str]:
    return [line[width:] if line.strip() else line for line in lines]


def _shared_prefix(window: Sequence[str], part: Sequence[str]) -> str | None:
    """The one whitespace prefix that turns every non-blank ``part`` line into its ``window`` line
    (blank lines must face blank lines), or None."""
    prefixes = set()
    for have, want in zip(window, part, strict=True):
        if not want.strip():
            if have.strip():
                return None
            continue
        prefix = have[: len(have) - len(want)]
        if not have.endswith(want) or prefix.strip():
            return None
        prefixes.add(prefix)
    return prefixes.pop() if len(prefixes) == 1 else None


def _replace_indented(whole: list[str], part: list[str], repl: list[str]) -> list[str] | None:
    """Leading-whitespace tolerance: SEARCH and REPLACE lose their common indent, the first window
    equal to SEARCH but for one shared extra prefix is replaced, and REPLACE gets that prefix."""
    width = min((_indent(line) for line in [*part, *repl] if line.strip()), default=0)
    part, repl = _outdent(part, width), _outdent(repl, width)
    for i in range(len(whole) - len(part) + 1):
        prefix = _shared_prefix(whole[i : i + len(part)], part)
        if prefix is not None:
            return [*whole[:i], *(prefix + line if line.strip() else line for line in repl), *whole[i + len(part) :]]
    return None


def _replace_lines(whole: list[str], part: list[str], repl: list[str]) -> list[str] | None:
    """The exact first match, else the whitespace-tolerant one."""
    at = _index(whole, part)
    if at is not None:
        return [*whole[:at], *repl, *whole[at + len(part) :]]
    return _replace_indented(whole, part, repl)


def _split_elided(text: str) -> list[str]:
    """``text`` split at the lines that are only ``...``."""
    pieces: list[list[str]] = [[]]
    for line in _lines(text):
        if line.strip() == "...":
            pieces.append([])
        else:
            pieces[-1].append(line)
    return ["".join(piece) for piece in pieces]


def _replace_elided(whole: str, search: str, replace: str) -> str:
    """SEARCH/REPLACE with ``...`` lines: each SEARCH piece must occur exactly once (as a substring)
    and is replaced by its REPLACE piece, in order; an empty SEARCH piece appends its REPLACE piece."""
    search_pieces, replace_pieces = _split_elided(search), _split_elided(replace)
    if len(search_pieces) == len(replace_pieces) == 1:
        raise _Miss("no_match")
    if len(search_pieces) != len(replace_pieces):
        raise _Miss("unpaired_elision")
    for find, put in zip(search_pieces, replace_pieces, strict=True):
        if not find:
            whole += put
            continue
        count = whole.count(find)
        if count != 1:
            raise _Miss("no_match" if count == 0 else "ambiguous_elision")
        whole = whole.replace(find, put, 1)
    return whole


def _replace(whole: str, search: str, replace: str) -> str:
    """``whole`` with SEARCH replaced by REPLACE: exact or whitespace-tolerant first match, the same
    without a spurious blank first SEARCH line, then ``...`` elision. Raises _Miss."""
    whole_lines, part, repl = _lines(whole), _lines(search), _lines(replace)
    edited = _replace_lines(whole_lines, part, repl)
    if edited is None and len(part) > 2 and not part[0].strip():
        edited = _replace_lines(whole_lines, part[1:], repl)
    if edited is not None:
        return "".join(edited)
    return _replace_elided(_terminated(whole), _terminated(search), _terminated(replace))


def _unwrap(text: str, names: set[str]) -> str:
    """SEARCH or REPLACE text without a filename line or a fence pair wrapped around it."""
    lines = _lines(text)
    if lines and not _is_fence(lines[0]) and _strip_name(lines[0]) in names:
        lines = lines[1:]
    if len(lines) >= 2 and _is_fence(lines[0]) and _is_fence(lines[-1]):
        lines = lines[1:-1]
    return "".join(lines)


def _edit_file(content: str | None, block: EditBlock, path: str) -> str:
    """The new text of ``path`` (``content`` None: it does not exist) after ``block``. Raises _Miss."""
    names = {path, posixpath.basename(path), (block.path or "").strip()}
    search, replace = _unwrap(block.search, names), _unwrap(block.replace, names)
    if content is None:
        if search.strip():
            raise _Miss("no_match")
        return _terminated(replace)
    if not search.strip():
        return _rewrite(content, lambda text: _terminated(text) + _terminated(replace))
    return _rewrite(content, lambda text: _replace(text, search, replace))


# --- applying blocks -----------------------------------------------------------------------------


def _similar_excerpt(search: str, content: str) -> str | None:
    """The lines of ``content`` most like SEARCH (difflib ratio over lines >= 0.6), with context."""
    want, have = search.splitlines(), content.splitlines()
    if not want or not have:
        return None
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(want)
    best, best_at = 0.0, 0
    for at in range(max(1, len(have) - len(want) + 1)):
        matcher.set_seq1(have[at : at + len(want)])
        ratio = matcher.ratio()
        if ratio > best:
            best, best_at = ratio, at
    if best < _SIMILAR:
        return None
    return "\n".join(have[max(0, best_at - _CONTEXT) : best_at + len(want) + _CONTEXT])


def _search_failure(block: EditBlock, path: str, reason: Reason, content: str | None) -> EditFailure:
    """The failure of a block whose SEARCH applied to no file, with hints from the named file."""
    messages = {
        "no_match": f"The SEARCH section does not exactly match any lines in {path}.",
        "unpaired_elision": "SEARCH and REPLACE must contain the same number of `...` lines, which split both into"
        " parts that are replaced in order.",
        "ambiguous_elision": f"A part of the SEARCH section between `...` lines occurs more than once in {path};"
        " every part must occur exactly once.",
    }
    parts = [messages.get(reason, messages["no_match"])]
    if content is None:
        parts.append(f"{path} does not exist.")
    else:
        excerpt = _similar_excerpt(block.search, content)
        if excerpt is not None:
            fence = _fence_for(excerpt)
            hint = f"Did you mean to match some of these actual lines from {path}?"
            parts.append(f"{hint}\n\n{fence}\n{excerpt}\n{fence}")
        if block.replace.strip() and block.replace in content:
            parts.append(f"Are you sure you need this block? The REPLACE lines are already in {path}.")
    return EditFailure(block, reason, "\n\n".join(parts))


def _forbidden(block: EditBlock, path: str, editable: Sequence[str], exists: bool) -> EditFailure:
    allowed = ", ".join(editable) or "(none)"
    what = f"{path} may not be edited" if exists else f"Creating {path} is not allowed"
    return EditFailure(block, "forbidden_path", f"{what}. Only these files may be edited: {allowed}.")


def _apply_one(block: EditBlock, files: dict[str, str], editable: Sequence[str]) -> tuple[str, str] | EditFailure:
    """The path and new text a block gives, or its failure. A SEARCH that does not match the named
    file is tried on every other editable file, in order."""
    if block.path is None:
        return _missing_name(block)
    path = resolve_path(block.path, _known(files, editable))
    blank = not block.search.strip()
    if path not in editable and (path in files or blank):
        return _forbidden(block, path, editable, path in files)
    others = [] if blank else [other for other in editable if other != path and other in files]
    reason: Reason | None = None
    for target in [path, *others]:
        try:
            return target, _edit_file(files.get(target), block, target)
        except _Miss as miss:
            reason = reason or miss.reason
    return _search_failure(block, path, reason or "no_match", files.get(path))


def apply_blocks(blocks: Iterable[EditBlock], files: dict[str, str], editable: Sequence[str]) -> EditOutcome:
    """Apply blocks in order, each to the files as the blocks before it left them. A block that fails
    changes nothing; the others still apply. ``files`` is not modified."""
    current = dict(files)
    applied: list[EditBlock] = []
    failures: list[EditFailure] = []
    for block in blocks:
        result = _apply_one(block, current, editable)
        if isinstance(result, EditFailure):
            failures.append(result)
        else:
            current[result[0]] = result[1]
            applied.append(block)
    return EditOutcome(current, applied, failures)


def apply_edit_response(text: str, files: dict[str, str], editable: Sequence[str]) -> EditOutcome:
    """Parse a diff-format reply and apply its blocks. A reply with a format failure applies nothing;
    a reply with no blocks edits nothing and is not malformed."""
    blocks, failures = parse_blocks(text, _known(files, editable))
    if failures:
        return EditOutcome(dict(files), [], failures)
    return apply_blocks(blocks, files, editable)


# --- the whole format ----------------------------------------------------------------------------


def _listings(lines: Sequence[str]) -> list[tuple[str | None, str]]:
    """Each fenced block of a reply with the filename written for it: the line above the opening fence,
    else a fence tag that looks like a path. An unclosed last fence runs to the end of the reply."""
    found: list[tuple[str | None, str]] = []
    i = 0
    while i < len(lines):
        if not _is_fence(lines[i]):
            i += 1
            continue
        above = _strip_name(lines[i - 1]) if i > 0 and not _is_fence(lines[i - 1]) else None
        end = i + 1
        while end < len(lines) and not _is_fence(lines[end]):
            end += 1
        found.append((above or _strip_name(lines[i]), "".join(lines[i + 1 : end])))
        i = end + 1
    return found


def parse_whole(text: str, files: dict[str, str], editable: Sequence[str]) -> EditOutcome:
    """Apply a whole-format reply: every fenced block, under the filename on the line above it, is
    the complete new text of that file. An unnamed block means the only editable file; when there
    are several, it is a format failure and nothing applies. A path listed twice keeps its first
    named listing. Listings of files outside ``editable`` fail with "forbidden_path"."""
    listings = _listings(_lines(text.replace("\r\n", "\n")))
    unnamed = [body for name, body in listings if name is None]
    if unnamed and len(editable) != 1:
        missing = [_missing_name(EditBlock(None, "", body), "file listing") for body in unnamed]
        return EditOutcome(dict(files), [], missing)
    known = _known(files, editable)
    current = dict(files)
    applied: list[EditBlock] = []
    failures: list[EditFailure] = []
    seen: set[str] = set()
    for name, body in sorted(listings, key=lambda listing: listing[0] is None):
        path = resolve_path(name, known) if name is not None else editable[0]
        if path in seen:
            continue
        seen.add(path)
        block = EditBlock(name or path, files.get(path, ""), body)
        if path not in editable:
            failures.append(_forbidden(block, path, editable, path in files))
            continue
        current[path] = _rewrite(files[path], lambda _, new=body: new) if path in files else _terminated(body)
        applied.append(block)
    return EditOutcome(current, applied, failures)


# --- text for the model --------------------------------------------------------------------------


def render_blocks(path: str, search: str, replace: str, fence: str = _FENCE) -> str:
    """One SEARCH/REPLACE block for ``path`` written the way the prompt asks a model to write it."""
    body = f"<<<<<<< SEARCH\n{_terminated(search)}=======\n{_terminated(replace)}>>>>>>> REPLACE"
    return f"{path}\n{fence}\n{body}\n{fence}\n"


def _echo(block: EditBlock) -> str:
    fence = _fence_for(block.search + block.replace)
    body = f"<<<<<<< SEARCH\n{_terminated(block.search)}=======\n{_terminated(block.replace)}>>>>>>> REPLACE"
    return f"{block.path or ''}\n{fence}\n{body}\n{fence}".lstrip("\n")


def _section(failure: EditFailure) -> str:
    parts = [f"## {_TITLES[failure.reason]}"]
    if failure.block is not None and failure.reason in SEARCH_REASONS:
        parts.append(_echo(failure.block))
    parts.append(failure.message)
    return "\n\n".join(parts)


def _header(outcome: EditOutcome) -> str:
    count = len(outcome.failures)
    if all(failure.reason in SEARCH_REASONS for failure in outcome.failures):
        return f"# {_plural(count, 'SEARCH/REPLACE block')} failed to match!"
    header = f"# {_plural(count, 'edit')} could not be applied."
    if not outcome.applied and any(failure.reason in FORMAT_REASONS for failure in outcome.failures):
        header += "\nYour reply did not follow the edit format, so none of its changes were applied."
    return header


def reflection(outcome: EditOutcome) -> str:
    """The message sent back to the model about its failed edits ("" when none failed): a count,
    each failure with its block and hints, the exact-match rule, and a note not to resend the
    blocks that did apply."""
    if not outcome.failures:
        return ""
    parts = [_header(outcome), *(_section(failure) for failure in outcome.failures)]
    if any(failure.reason in SEARCH_REASONS for failure in outcome.failures):
        parts.append(_EXACT_RULE)
    if outcome.applied:
        them = "it" if len(outcome.applied) == 1 else "them"
        parts.append(
            f"# The other {_plural(len(outcome.applied), 'block')} applied successfully. Do not send {them} again;"
            " reply only with fixed versions of the blocks that failed."
        )
    return "\n\n".join(parts) + "\n"
