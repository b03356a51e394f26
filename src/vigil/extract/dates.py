"""When a statement was made, with exactly the precision the text gives.

A date is a string: `2022-03-08`, `2022-03`, `2022`, `--03-08` (day known,
year not) or `--03` (month known, year not). Relative expressions resolve
against the publication date, tense choosing past or future; without a
publication date they stay unresolved. A day is never guessed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Literal

Tense = Literal["past", "present", "future"]

MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name):
    if _name:
        MONTHS[_name.lower()] = _i
        MONTHS[_name[:3].lower()] = _i
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
MONTH_RX = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
WEEKDAY_RX = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")"
ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
MDY = re.compile(rf"\b{MONTH_RX}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}}))?", re.I)
DMY = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_RX}\b(?:,?\s+(?P<year>\d{{4}}))?", re.I
)
MY = re.compile(rf"\b{MONTH_RX}(?:\s+(?:of\s+)?(?P<year>\d{{4}}))?\b", re.I)
YEAR = re.compile(r"\b(?P<year>(?:19|20)\d{2})\b")
WEEKDAY = re.compile(rf"\b{WEEKDAY_RX}\b", re.I)
RELATIVE = re.compile(
    r"\b(?P<rel>today|tonight|this morning|this afternoon|this evening|yesterday|tomorrow|"
    r"(?:last|next|this|earlier this|later this) (?:week|month|year))\b",
    re.I,
)


NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
AGO = re.compile(
    r"\b(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
    r"(?P<unit>day|week|month|year)s?\s+ago\b",
    re.I,
)


def _named(table: dict[str, int], word: str) -> int | None:
    """A month, weekday or number by name.

    The patterns ignore case the Unicode way, so "ſept" (long s) matches
    "sept" though its lower case is not "sept"; casefold() makes it so.
    """
    return table.get(word.lower(), table.get(word.casefold()))


def _digits(word: str) -> int:
    return int(word) if word.isdecimal() else 0


def _shift(d: dt.date, days: int) -> dt.date | None:
    """d moved by some days, or None past the calendar's ends (year 1, year 9999)."""
    try:
        return d + dt.timedelta(days=days)
    except OverflowError:
        return None


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def parse_published(value: str | None) -> dt.date | None:
    """A publication date from metadata in any of the usual shapes, or None."""
    if not value:
        return None
    m = ISO.search(value)
    if m:
        try:
            return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            return None
    for rx in (MDY, DMY):
        m = rx.search(value)
        if m and m["year"]:
            month = _named(MONTHS, m["month"])
            try:
                return dt.date(int(m["year"]), month, int(m["day"])) if month else None
            except ValueError:
                return None
    return None


def find_dateline(lines: list[str]) -> dt.date | None:
    """A full date printed in a page stamp or dateline ("27 February 2026, 19:06")."""
    for line in lines:
        if len(line) > 160:
            continue
        d = parse_published(line)
        if d is not None:
            return d
    return None


def _shift_months(d: dt.date, months: int) -> tuple[int, int]:
    total = d.year * 12 + (d.month - 1) + months
    return total // 12, total % 12 + 1


def resolve(expr: str, published: dt.date | None, tense: Tense = "past") -> str | None:
    """The date an expression names, as precise as the text and the publication date allow."""
    e = expr.strip()
    m = ISO.search(e)
    if m:
        try:
            return dt.date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
        except ValueError:
            return None
    for rx in (MDY, DMY):
        m = rx.search(e)
        if m and (month := _named(MONTHS, m["month"])):
            return _day(month, int(m["day"]), m["year"], published, tense)
    m = RELATIVE.search(e)
    if m:
        return _relative(m["rel"].lower(), published)
    m = AGO.search(e)
    if m:
        n = _named(NUMBERS, m["n"])
        return _ago(n if n is not None else _digits(m["n"]), m["unit"].lower(), published)
    m = WEEKDAY.search(e)
    if m and (day := _named(WEEKDAYS, m["weekday"])) is not None:
        return _weekday(day, published, tense)
    m = MY.search(e)
    if (
        m
        and (
            m["year"]
            or re.search(rf"\b(?:in|since|by|during|until|of|from|last|next)\s+{MONTH_RX}", e, re.I)
            or e.lower().strip(". ") == m.group(0).lower().strip(". ")
        )
        and (month := _named(MONTHS, m["month"]))
    ):
        return _month(month, m["year"], published, tense)
    m = YEAR.search(e)
    if m:
        return m["year"]
    return None


def _day(month: int, day: int, year: str | None, published: dt.date | None, tense: Tense) -> str | None:
    if year:
        try:
            return dt.date(int(year), month, day).isoformat()
        except ValueError:
            return None
    try:
        dt.date(2000, month, day)  # a leap year, so 29 February is a real day
    except ValueError:
        return None
    if published is None:
        return f"--{month:02d}-{day:02d}"
    candidates = []
    for y in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(dt.date(y, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    if tense == "future":
        after = [c for c in candidates if c >= published]
        return min(after).isoformat() if after else None
    before = [c for c in candidates if c <= published]
    return max(before).isoformat() if before else None


def _month(month: int, year: str | None, published: dt.date | None, tense: Tense) -> str | None:
    if year:
        return f"{int(year):04d}-{month:02d}"
    if published is None:
        return f"--{month:02d}"
    if tense == "future":
        y = published.year if month >= published.month else published.year + 1
    else:
        y = published.year if month <= published.month else published.year - 1
    return f"{y:04d}-{month:02d}"


def _weekday(weekday: int, published: dt.date | None, tense: Tense) -> str | None:
    if published is None:
        return None
    delta = (weekday - published.weekday()) % 7
    if tense == "future":
        return _iso(_shift(published, delta))
    back = (published.weekday() - weekday) % 7
    return _iso(_shift(published, -back))


def _relative(rel: str, published: dt.date | None) -> str | None:
    if published is None:
        return None
    if rel in ("today", "tonight", "this morning", "this afternoon", "this evening"):
        return published.isoformat()
    if rel == "yesterday":
        return _iso(_shift(published, -1))
    if rel == "tomorrow":
        return _iso(_shift(published, 1))
    unit = rel.split()[-1]
    step = -1 if rel.startswith("last") else 1 if rel.startswith("next") else 0
    if unit == "year":
        return str(published.year + step)
    if unit == "month":
        y, m = _shift_months(published, step)
        return f"{y:04d}-{m:02d}"
    start = _shift(published, 7 * step - published.weekday())
    end = _shift(start, 6) if start is not None else None
    if start is None or end is None:
        return None
    if step == 0:
        end = min(end, published) if rel.startswith("earlier") else end
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.year:04d}-{start.month:02d}"
    return None


def _ago(n: int, unit: str, published: dt.date | None) -> str | None:
    """A day for "two days ago"; a month for weeks when the week fits in one; months and years as such."""
    if published is None or n <= 0:
        return None
    if unit == "day":
        return _iso(_shift(published, -n))
    if unit == "week":
        start = _shift(published, -(7 * n + published.weekday()))
        end = _shift(start, 6) if start is not None else None
        if start is None or end is None:
            return None
        return (
            f"{start.year:04d}-{start.month:02d}"
            if (start.year, start.month) == (end.year, end.month)
            else None
        )
    if unit == "month":
        y, mo = _shift_months(published, -n)
        return f"{y:04d}-{mo:02d}"
    return str(published.year - n)
