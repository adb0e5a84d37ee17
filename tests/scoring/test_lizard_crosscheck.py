"""Our cyclomatic complexity against lizard's CCN, per language, on code from Debian packages.

The corpus (installed by ``scripts/corpus.sh``, found here by the packages' fixed paths):

- javascript: libjs-chart.js, libjs-jquery, libjs-marked, libjs-underscore (5 files)
- java: openjdk-17-source (``java.base/java/util/*.java`` in its ``src.zip``)
- cpp: libstdc++-12-dev (``bits/*.tcc`` and ``bits/stl_*.h``), with libstdc++'s
  ``_GLIBCXX_VISIBILITY(default)`` blanked out in both tools' input: lizard takes
  ``namespace std _GLIBCXX_VISIBILITY(default) {`` for one function the size of the file
- go: golang-github-burntsushi-toml-dev, golang-github-google-go-cmp-dev
- rust: librust-either-dev, librust-itertools-dev, librust-regex-syntax-dev

Each language's sample is its files in sorted order, up to 60 files or until lizard has
found 1500 functions. A lizard function is matched with ours that ends on the same line
and starts on or before its first line (a C++ template header or return type may sit on
lines before lizard's start), by name where several do. Where lizard loses track of a
function's end (it does in jQuery and in Chart.js's classes), the two do not measure the
same code: such functions are counted as unmatched, not compared.

What disagreement remains is lizard's tokenizing, left unmirrored: a Rust closure with
no parameters (``|| x``) and ``'?'`` counted as ``||`` and ``?``; Java's ``?`` wildcards
in some bodies; C++'s ``T&&`` in a cast; JavaScript's ``.catch(`` method calls and
conditions inside template strings (``${a || b}``), which lizard misses; and code
tree-sitter cannot parse (libstdc++'s ``__try``/``__catch`` and other macros).

Off CI a language whose packages are missing is skipped; on CI, where setup installs
them, that is a failure.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import textwrap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harness.scoring.static import analyze

lizard = pytest.importorskip("lizard")

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
def _compare(language: str) -> Comparison | None:
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


@pytest.mark.parametrize("language", list(PACKAGES))
def test_complexity_agrees_with_lizard_on_real_code(language):
    result = _compare(language)
    if result is None:
        message = f"no {language} corpus: install {PACKAGES[language]} (bash scripts/corpus.sh, as root)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    summary = (
        f"{language}: {result.files} files, {result.lizard_functions} lizard functions, {result.matched} matched,"
        f" {result.agreeing} agree ({result.agreement:.1%})"
    )
    assert result.matched >= MIN_MATCHED, summary
    assert result.matched >= MIN_MATCHED_SHARE * result.lizard_functions, summary
    shown = "\n".join(result.mismatches[:25])
    assert result.agreement >= MIN_AGREEMENT, f"{summary}; disagreements:\n{shown}"


# Small programs, one construct each: our complexity, and lizard's (the same) where lizard is here.
SNIPPETS = [
    (
        "javascript",
        """
        function f(a) {
          if (a > 1) { return 1; } else if (a < 0) { return -1; } else { return 0; }
        }
        """,
        {"f": 3},
    ),
    (
        "javascript",
        """
        function f(a) {
          let s = 0;
          for (let i = 0; i < a; i++) { s += i; }
          for (const k in a) { s += 1; }
          while (s > 9) { s--; }
          do { s++; } while (s < 3);
          return s;
        }
        """,
        {"f": 5},
    ),
    (
        "javascript",
        """
        function f(a) {
          switch (a) {
            case 1: return 'one';
            case 2:
            case 3: return 'few';
            default: return 'many';
          }
        }
        """,
        {"f": 4},
    ),
    ("javascript", "function f(a, b, c) { if (a && b || c) { return 1; } return a ?? b; }", {"f": 5}),
    ("javascript", "function f(a) { return a > 0 ? 1 : a < 0 ? -1 : 0; }", {"f": 3}),
    (  # nested functions, arrow functions too, are functions of their own
        "javascript",
        """
        function f(xs) {
          const g = (x) => x > 0 ? x : 0;
          function h(y) { if (y) { return 1; } return 2; }
          try { return xs.map(g).map(h); } catch (e) { return []; }
        }
        """,
        {"f": 2, "g": 2, "h": 2},
    ),
    (
        "java",
        """
        class A {
          int f(int a) {
            if (a > 1) { return 1; } else if (a < 0) { return -1; } else { return 0; }
          }
        }
        """,
        {"f": 3},
    ),
    (
        "java",
        """
        class A {
          int f(int[] xs) {
            int s = 0;
            for (int i = 0; i < xs.length; i++) { s += i; }
            for (int x : xs) { s += x; }
            while (s > 9) { s--; }
            do { s++; } while (s < 3);
            return s;
          }
        }
        """,
        {"f": 5},
    ),
    (  # `case 2, 3` is one decision, `default` none, in a statement and an expression alike
        "java",
        """
        class A {
          String f(int a) {
            switch (a) {
              case 1: return "one";
              case 2, 3: return "few";
              default: return "many";
            }
          }
          int g(int a) {
            return switch (a) { case 1 -> 10; case 2 -> 20; default -> 0; };
          }
        }
        """,
        {"f": 3, "g": 3},
    ),
    ("java", "class A { boolean f(boolean a, boolean b, boolean c) { return a && b || c; } }", {"f": 3}),
    ("java", "class A { int f(int a) { return a > 0 ? 1 : a < 0 ? -1 : 0; } }", {"f": 3}),
    (  # a lambda is part of its method; an anonymous class's method is a function of its own
        "java",
        """
        class A {
          Runnable f(int a) {
            java.util.function.IntPredicate p = x -> x > 0 && x < 9;
            try { a = a / 0; } catch (ArithmeticException e) { a = 0; }
            return new Runnable() {
              public void run() { if (p.test(1)) { System.out.println(); } }
            };
          }
        }
        """,
        {"f": 3, "run": 2},
    ),
    (
        "cpp",
        """
        int f(int a) {
          if (a > 1) { return 1; } else if (a < 0) { return -1; } else { return 0; }
        }
        """,
        {"f": 3},
    ),
    (
        "cpp",
        """
        int f(const std::vector<int>& xs) {
          int s = 0;
          for (int i = 0; i < 3; i++) { s += i; }
          for (int x : xs) { s += x; }
          while (s > 9) { s--; }
          do { s++; } while (s < 3);
          return s;
        }
        """,
        {"f": 5},
    ),
    (
        "cpp",
        """
        const char* f(int a) {
          switch (a) {
            case 1: return "one";
            case 2:
            case 3: return "few";
            default: return "many";
          }
        }
        """,
        {"f": 4},
    ),
    (  # the && of an rvalue reference is no decision
        "cpp",
        """
        template <typename T>
        bool f(T&& a, bool b, bool c) { return (a && b) || c; }
        """,
        {"f": 3},
    ),
    ("cpp", "int f(int a) { return a > 0 ? 1 : a < 0 ? -1 : 0; }", {"f": 3}),
    (  # a lambda is part of its function
        "cpp",
        """
        int f(std::vector<int>& xs) {
          auto positive = [](int x) { return x > 0 && x < 9; };
          try { return std::count_if(xs.begin(), xs.end(), positive); } catch (...) { return 0; }
        }
        """,
        {"f": 3},
    ),
    (  # #if and #elif in a body are a decision each, whatever their condition
        "cpp",
        """
        int f(int a) {
        #if defined(A) && defined(B)
          a += 1;
        #elif defined(C)
          a += 2;
        #endif
          return a;
        }
        """,
        {"f": 3},
    ),
    (  # go has no ternary
        "go",
        """
        package p

        func f(a int) int {
            if a > 1 {
                return 1
            } else if a < 0 {
                return -1
            }
            return 0
        }
        """,
        {"f": 3},
    ),
    (
        "go",
        """
        package p

        func f(xs []int) int {
            s := 0
            for i := 0; i < 3; i++ {
                s += i
            }
            for _, x := range xs {
                s += x
            }
            for s > 9 {
                s--
            }
            return s
        }
        """,
        {"f": 4},
    ),
    (  # expression, type and select switches: each case is a decision, `default` none
        "go",
        """
        package p

        func f(a int, v interface{}, ch chan int) string {
            switch a {
            case 1:
                return "one"
            case 2, 3:
                return "few"
            default:
            }
            switch v.(type) {
            case int:
                return "int"
            }
            select {
            case <-ch:
                return "ready"
            default:
            }
            return "many"
        }
        """,
        {"f": 5},
    ),
    ("go", "package p\n\nfunc f(a, b, c bool) bool {\n\treturn a && b || c\n}\n", {"f": 3}),
    (  # a function literal is a function of its own
        "go",
        """
        package p

        func f(xs []int) func(int) bool {
            if len(xs) == 0 {
                return nil
            }
            return func(x int) bool {
                if x > 0 && x < 9 {
                    return true
                }
                return false
            }
        }
        """,
        {"f": 2, "<anonymous>": 3},
    ),
    (  # rust has no ternary: `if` is an expression
        "rust",
        """
        fn f(a: i32) -> i32 {
            if a > 1 {
                1
            } else if a < 0 {
                -1
            } else {
                0
            }
        }
        """,
        {"f": 3},
    ),
    (  # `loop` has no condition of its own
        "rust",
        """
        fn f(xs: &[i32]) -> i32 {
            let mut s = 0;
            for x in xs {
                s += x;
            }
            while s > 9 {
                s -= 1;
            }
            loop {
                break;
            }
            s
        }
        """,
        {"f": 3},
    ),
    (  # four arms are three decisions, and the guard one more
        "rust",
        """
        fn f(a: Option<i32>) -> &'static str {
            match a {
                Some(0) => "zero",
                Some(x) if x < 0 => "negative",
                Some(_) => "positive",
                None => "none",
            }
        }
        """,
        {"f": 5},
    ),
    ("rust", "fn f(a: bool, b: bool, c: bool) -> bool {\n    a && b || c\n}\n", {"f": 3}),
    (  # a `where` clause (lizard's rule), a `let ... else` and a `?` are one each
        "rust",
        """
        fn f<T>(s: &str, t: T) -> Result<i32, std::num::ParseIntError>
        where
            T: Clone,
        {
            let Some(first) = s.split(',').next() else {
                return Ok(0);
            };
            let n = first.parse::<i32>()?;
            Ok(n)
        }
        """,
        {"f": 4},
    ),
    (  # a closure is part of its function; a nested fn is a function of its own
        "rust",
        """
        fn f(xs: &[i32]) -> usize {
            fn inner(x: i32) -> bool {
                x > 0
            }
            xs.iter().filter(|x| if **x > 9 { false } else { inner(**x) }).count()
        }
        """,
        {"f": 2, "inner": 1},
    ),
]


def _lizard_name(name: str) -> str:
    last = re.split(r"::|\.", name)[-1]
    return "<anonymous>" if last == "(anonymous)" or last.startswith("anonymous__") else last


@pytest.mark.parametrize(
    "language, code, expected", SNIPPETS, ids=[f"{lang}-{i}" for i, (lang, _, _) in enumerate(SNIPPETS)]
)
def test_snippet_complexity(language, code, expected):
    code = textwrap.dedent(code).lstrip("\n")
    metrics = analyze(code, language)
    assert metrics.syntax_valid
    assert {f.name: f.complexity for f in metrics.functions} == expected
    theirs = lizard.analyze_file.analyze_source_code(LIZARD_FILENAME[language], code).function_list
    assert {_lizard_name(f.name): f.cyclomatic_complexity for f in theirs} == expected
