"""Scoring: pass@k now; static metrics join here."""
