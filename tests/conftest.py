"""Shared fixtures: the seed article and a helper to extract from a string."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.extract.pipeline import extract_bytes
from vigil.model import Extraction, Statement

DATA = Path(__file__).parent / "data"


def extract_text(text: str, published: str | None = None) -> Extraction:
    return extract_bytes(text.encode("utf-8"), published=published)


def by_sentence(result: Extraction, fragment: str) -> list[Statement]:
    """The statements whose sentence holds `fragment`."""
    return [s for s in result.statements if fragment in s.text]


@pytest.fixture(scope="session")
def seed() -> Extraction:
    return extract_bytes((DATA / "seed_un_xinjiang_visit.txt").read_bytes())
