"""Extraction stops with one line once its time budget is spent (asserting the error, never a duration)."""

from __future__ import annotations

import pytest

from vigil.errors import InputError
from vigil.extract import nlp as nlp_module
from vigil.extract.budget import DEFAULT_SECONDS, Budget, limit_seconds
from vigil.extract.nlp import parse
from vigil.extract.pipeline import extract_bytes

SENTENCES = [
    "Maria Okafor, a spokeswoman for Amnesty International, said the army had burned homes.",
    "The interior ministry denied that soldiers fired on civilians.",
    "“We demand an independent inquiry,” Ms Okafor told reporters on Monday.",
    "Officials in Freedonia accused the group of spreading propaganda.",
]


def long_article(paragraphs: int = 300) -> bytes:
    """About 40 KB of varied sentences."""
    paras = [
        " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(1 + i % 3)) for i in range(paragraphs)
    ]
    return "\n\n".join(["Army accused of burning villages", *paras]).encode()


def test_a_spent_budget_stops_extraction_with_one_line() -> None:
    with pytest.raises(InputError, match=r"^extraction stopped after 1e-06 s \(VIGIL_EXTRACT_SECONDS\)$"):
        extract_bytes(long_article(), budget=Budget(1e-6))


def test_the_budget_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIL_EXTRACT_SECONDS", "0.000001")
    with pytest.raises(InputError, match="VIGIL_EXTRACT_SECONDS"):
        extract_bytes(long_article())


def test_a_generous_budget_changes_nothing() -> None:
    data = long_article(40)
    assert extract_bytes(data, budget=Budget(3600)).to_dict() == extract_bytes(data).to_dict()


@pytest.mark.parametrize("value", ["", "abc", "-5", "0", "nan", "inf"])
def test_a_limit_that_is_not_a_positive_number_is_ignored(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("VIGIL_EXTRACT_SECONDS", value)
    assert limit_seconds() == DEFAULT_SECONDS


def test_a_limit_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIL_EXTRACT_SECONDS", "7.5")
    assert Budget().seconds == 7.5


def test_a_parse_forecast_past_the_limit_stops_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp_module, "FORECAST_FROM", 10)
    monkeypatch.setattr(nlp_module, "_forecast", lambda doc: 10_000.0)
    with pytest.raises(
        InputError, match=r"parsing [\d,]+ tokens would take about 10000 s, past the 60 s limit"
    ):
        parse(long_article(5).decode(), Budget(60))


class CountingBudget(Budget):
    """A budget that runs out after a number of checks, to show where extraction looks at the clock."""

    def __init__(self, checks: int) -> None:
        super().__init__(3600)
        self.checks = 0
        self.allowed = checks

    def check(self) -> None:
        self.checks += 1
        if self.checks > self.allowed:
            raise InputError("extraction stopped after 0 s (VIGIL_EXTRACT_SECONDS)")


def test_the_clock_is_read_sentence_by_sentence() -> None:
    data = long_article(60)
    full = CountingBudget(10**9)
    result = extract_bytes(data, budget=full)
    assert full.checks > len(result.statements)  # at least once a sentence, besides the stages
    with pytest.raises(InputError):
        extract_bytes(data, budget=CountingBudget(full.checks - 5))  # runs out among the last sentences
