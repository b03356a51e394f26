"""Counts in words: "1 statement", "3 statements", "1 problem found". One rule for CLI and workbench."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
