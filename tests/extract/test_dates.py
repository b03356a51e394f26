import datetime as dt

import pytest

from vigil.extract.dates import find_dateline, parse_published, resolve

PUB = dt.date(2020, 9, 15)  # a Tuesday


@pytest.mark.parametrize(
    ("expr", "tense", "want"),
    [
        ("March 8", "past", "2020-03-08"),
        ("on 8 March", "past", "2020-03-08"),
        ("December", "past", "2019-12"),
        ("in December", "future", "2020-12"),
        ("Monday", "past", "2020-09-14"),
        ("Tuesday", "past", "2020-09-15"),
        ("Friday", "future", "2020-09-18"),
        ("Friday", "past", "2020-09-11"),
        ("late Thursday", "past", "2020-09-10"),
        ("yesterday", "past", "2020-09-14"),
        ("today", "past", "2020-09-15"),
        ("last month", "past", "2020-08"),
        ("next month", "future", "2020-10"),
        ("last year", "past", "2019"),
        ("March 8, 2022", "past", "2022-03-08"),
        ("in 2018", "past", "2018"),
        ("Sept 7", "past", "2020-09-07"),
        ("two days ago", "past", "2020-09-13"),
        ("3 months ago", "past", "2020-06"),
        ("a year ago", "past", "2019"),
    ],
)
def test_resolves_against_publication(expr: str, tense: str, want: str) -> None:
    assert resolve(expr, PUB, tense) == want  # type: ignore[arg-type]


def test_partial_dates_without_publication() -> None:
    assert resolve("on March 8", None) == "--03-08"
    assert resolve("in March", None) == "--03"
    assert resolve("March 2022", None) == "2022-03"


def test_relative_dates_need_a_publication_date() -> None:
    for expr in ("on Thursday", "last week", "next month", "yesterday"):
        assert resolve(expr, None) is None


def test_never_a_guessed_or_impossible_day() -> None:
    assert resolve("February 30", PUB) is None
    assert resolve("2021-02-30", PUB) is None
    assert resolve("several years", PUB) is None
    assert resolve("February 29", None) == "--02-29"


def test_last_week_is_a_month_only_when_the_week_fits_in_one() -> None:
    assert resolve("last week", dt.date(2020, 9, 15)) == "2020-09"
    assert resolve("last week", dt.date(2020, 9, 2)) == "2020-08"
    assert resolve("last week", dt.date(2020, 10, 6)) is None  # 28 September to 4 October


def test_publication_dates_in_many_shapes() -> None:
    assert parse_published("2020-09-15-18-20-28") == PUB
    assert parse_published("2020-09-05 00:00:00") == dt.date(2020, 9, 5)
    assert parse_published("None") is None
    assert parse_published("2020-13-45") is None
    assert find_dateline(["Article", "27 February 2026, 19:06"]) == dt.date(2026, 2, 27)
