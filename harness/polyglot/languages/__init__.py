"""One test recipe per Polyglot language (see ``base.Language``), by language name."""

from __future__ import annotations

import functools

from harness.polyglot.languages.base import Command, Language


@functools.cache
def recipes() -> dict[str, Language]:
    """Every language's recipe, by language name."""
    from harness.polyglot.languages.cpp import Cpp
    from harness.polyglot.languages.go import Go
    from harness.polyglot.languages.java import Java
    from harness.polyglot.languages.javascript import JavaScript
    from harness.polyglot.languages.python import Python
    from harness.polyglot.languages.rust import Rust

    return {recipe.name: recipe for recipe in (Cpp(), Go(), Java(), JavaScript(), Python(), Rust())}


__all__ = ["Command", "Language", "recipes"]
