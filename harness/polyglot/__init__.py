"""Aider's Polyglot benchmark: exercises, edit formats and one test recipe per language."""
