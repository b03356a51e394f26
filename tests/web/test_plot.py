"""The dashboard's plot gathers months into quarters, then years, so a long case stays one readable plot."""

from __future__ import annotations

from vigil.model import KINDS
from vigil.web.routes.monitor import MAX_BARS, binned, plot


def months(first_year: int, count: int) -> list[tuple[str, dict[str, int]]]:
    out = []
    for i in range(count):
        year, month = first_year + i // 12, i % 12 + 1
        out.append((f"{year}-{month:02d}", {k: (i + j) % 3 for j, k in enumerate(KINDS)}))
    return out


def total(rows: list[tuple[str, dict[str, int]]]) -> int:
    return sum(sum(c.values()) for _, c in rows)


def test_a_short_case_keeps_its_months() -> None:
    rows = months(2024, 14)
    assert binned(rows) == rows


def test_a_case_of_years_is_plotted_by_quarter_then_by_year() -> None:
    five = months(2020, 60)
    quarters = binned(five)
    assert [k for k, _ in quarters[:5]] == ["2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4", "2021-Q1"]
    assert len(quarters) == 20 and total(quarters) == total(five)
    twelve = [*months(2010, 144), ("2015", dict.fromkeys(KINDS, 1))]  # a date known only to its year
    years = binned(twelve)
    assert [k for k, _ in years] == [str(y) for y in range(2010, 2022)]
    assert len(years) <= MAX_BARS and total(years) == total(twelve)
    assert years[5][1]["demand"] == sum(c["demand"] for m, c in twelve if m.startswith("2015"))


def test_the_plot_labels_each_period_and_scales_to_the_tallest() -> None:
    drawn = plot(months(2020, 60))
    assert [label for _, label in drawn["months"]][:2] == ["20-Q1", "20-Q2"]
    assert drawn["top"] == max(total([r]) for r in binned(months(2020, 60)))
    assert all(0 < b["h"] <= 110 for b in drawn["bars"])
