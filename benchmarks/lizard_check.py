"""Our cyclomatic complexity against lizard's CCN on Debian-packaged sources: the corpus and the
comparison used by tests/scoring/test_lizard_crosscheck.py and benchmarks/static_metrics.py
(the test's docstring describes the corpus and the matching). It lives here, outside the installed
package, because it imports lizard, a dev-only dependency."""

from __future__ import annotations

import functools
import glob
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import lizard

from harness.scoring.static import analyze

MAX_FILES = 60
MAX_FUNCTIONS = 1500
MIN_MATCHED = 200
MIN_AGREEMENT = 0.95
MIN_MATCHED_SHARE = 0.8  # of lizard's functions: guards the matching itself

LIZARD_FILENAME = {"javascript": "x.js", "java": "x.java", "cpp": "x.cpp", "go": "x.go", "rust": "x.rs"}

JS_FILES = [
    "/usr/share/javascript/chart.js/chart.esm.js",
    "/usr/share/javascript/chart.js/chunks/helpers.segment.js",
    "/usr/share/javascript/jquery/jquery.js",
    "/usr/share/javascript/marked/marked.umd.js",
    "/usr/share/javascript/underscore/underscore.js",
]
JAVA_SRC_ZIP = "/usr/lib/jvm/openjdk-17/lib/src.zip"
CPP_BITS = "/usr/include/c++/12/bits"
GO_ROOTS = ["/usr/share/gocode/src/github.com/BurntSushi/toml", "/usr/share/gocode/src/github.com/google/go-cmp"]
RUST_CRATES = ["either", "itertools", "regex-syntax"]
CARGO_REGISTRY = "/usr/share/cargo/registry"

PACKAGES = {
    "javascript": "libjs-chart.js libjs-jquery libjs-marked libjs-underscore",
    "java": "openjdk-17-source",
    "cpp": "libstdc++-12-dev",
    "go": "golang-github-burntsushi-toml-dev golang-github-google-go-cmp-dev",
    "rust": "librust-either-dev librust-itertools-dev librust-regex-syntax-dev",
}


def _read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8", errors="replace")


def _blank_visibility(code: str) -> str:
    return re.sub(r"_GLIBCXX_VISIBILITY\s*\(\s*default\s*\)", lambda m: " " * len(m.group(0)), code)


def _sources(language: str) -> list[tuple[str, str]] | None:
    """(name, code) of the corpus files in sorted order, or None if its packages are missing."""
    if language == "javascript":
        if not all(os.path.isfile(p) for p in JS_FILES):
            return None
        return [(p, _read(p)) for p in sorted(JS_FILES)]
    if language == "java":
        if not os.path.isfile(JAVA_SRC_ZIP):
            return None
        with zipfile.ZipFile(JAVA_SRC_ZIP) as archive:
            names = sorted(
                n for n in archive.namelist() if re.fullmatch(r"java\.base/java/util/[^/]+\.java", n) is not None
            )
            return [(n, archive.read(n).decode("utf-8", "replace")) for n in names[:MAX_FILES]]
    if language == "cpp":
        paths = sorted(glob.glob(f"{CPP_BITS}/*.tcc") + glob.glob(f"{CPP_BITS}/stl_*.h"))
        return [(p, _blank_visibility(_read(p))) for p in paths[:MAX_FILES]] or None
    if language == "go":
        if not all(os.path.isdir(root) for root in GO_ROOTS):
            return None
        paths = sorted(p for root in GO_ROOTS for p in glob.glob(f"{root}/**/*.go", recursive=True))
        return [(p, _read(p)) for p in paths[:MAX_FILES]]
    if language == "rust":
        roots = [sorted(glob.glob(f"{CARGO_REGISTRY}/{crate}-[0-9]*/src")) for crate in RUST_CRATES]
        if not all(roots):
            return None
        paths = sorted(p for found in roots for p in glob.glob(f"{found[-1]}/**/*.rs", recursive=True))
        return [(p, _read(p)) for p in paths[:MAX_FILES]]
    raise KeyError(language)


def _normal_name(name: str) -> str:
    """The last part of a qualified name, without spaces or template arguments."""
    name = re.sub(r"\s+", "", name)
    if "operator" in name:
        return name[name.index("operator") :]
    parts = re.findall(r"~?[A-Za-z_$][\w$]*", re.sub(r"<[^<>]*>", "", name))
    return parts[-1] if parts else name


@dataclass
class Comparison:
    files: int = 0
    lizard_functions: int = 0
    matched: int = 0
    agreeing: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def agreement(self) -> float:
        return self.agreeing / self.matched if self.matched else 0.0


@functools.cache
def compare(language: str) -> Comparison | None:
    sources = _sources(language)
    if sources is None:
        return None
    result = Comparison()
    for name, code in sources:
        if result.files >= MAX_FILES or result.lizard_functions >= MAX_FUNCTIONS:
            break
        theirs = lizard.analyze_file.analyze_source_code(LIZARD_FILENAME[language], code).function_list
        ours = analyze(code, language).functions
        result.files += 1
        result.lizard_functions += len(theirs)
        for function in theirs:
            candidates = [o for o in ours if o.end_line == function.end_line and o.start_line <= function.start_line]
            named = [o for o in candidates if _normal_name(o.name) == _normal_name(function.name)]
            candidates = named or candidates
            if not candidates:
                continue
            mine = max(candidates, key=lambda o: o.start_line)  # the innermost
            result.matched += 1
            if mine.complexity == function.cyclomatic_complexity:
                result.agreeing += 1
            else:
                result.mismatches.append(
                    f"{name}:{function.start_line} {function.name}: lizard {function.cyclomatic_complexity},"
                    f" ours {mine.complexity}"
                )
    return result
