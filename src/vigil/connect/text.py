"""Comparing what statements and events are about: content words and partial dates.

Shared by the tracker, the contested claims and the claim groups, so "the
report on Xinjiang" and "its long-awaited Xinjiang report" are the same matter
to all of them, and a month-precision date is never treated as a day.
"""

from __future__ import annotations

import calendar
import re

from spacy.lang.en.stop_words import STOP_WORDS

from vigil.model import SourceRef

WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
# words that say nothing about the matter itself
LIGHT = frozenset(
    [
        "said",
        "says",
        "told",
        "according",
        "call",
        "calls",
        "called",
        "demand",
        "demanded",
        "urged",
        "statement",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "official",
        "officials",
        "government",
        "ministry",
        "foreign",
        "people",
        "year",
        "years",
        "week",
        "month",
        "months",
        "time",
        "day",
        "days",
        "long",
        "new",
        "including",
    ]
)


def words(text: str | None) -> set[str]:
    """Content words, lower-cased, a plural "s" dropped; stop words and light words left out."""
    return set(ordered_words(text))


def ordered_words(text: str | None) -> list[str]:
    return [st for st, _ in stems(text)]


def stems(text: str | None) -> list[tuple[str, str]]:
    """(stem, the word as written) for each content word, in order."""
    out: list[tuple[str, str]] = []
    for raw in WORD.findall(text or ""):
        w = raw.lower()
        w = w.strip("'’-")
        if w.endswith(("'s", "’s")):
            w = w[:-2]
        if len(w) < 3 or w in STOP_WORDS or w in LIGHT:
            continue
        out.append((stem(w), raw.strip("'’-")))
    return out


SUFFIXES = ("ings", "ing", "ies", "ied", "ed", "es", "s")


def stem(w: str) -> str:
    """A crude English stem, enough that "tortured", "torturing" and "torture" meet ("tortur")."""
    for suf in SUFFIXES:
        if len(w) - len(suf) >= 4 and w.endswith(suf) and not w.endswith("ss"):
            w = w[: -len(suf)]
            break
    return w[:-1] if len(w) > 5 and w.endswith("e") else w


def when(date: str | None, source: SourceRef) -> tuple[str | None, str]:
    """When something was said or done, and where that comes from: its own date, else the publication."""
    if date and not date.startswith("--"):
        return date, "statement"
    return source.published, "published"


def not_before(a: str | None, b: str | None) -> bool:
    """Whether date `a` may be on or after `b`, compared at the precision both have."""
    if a is None or b is None:
        return True
    n = min(len(a), len(b))
    return a[:n] >= b[:n]


def end_of(date: str) -> str:
    """The last day a partial date can mean: 2024-06 → 2024-06-30, 2024 → 2024-12-31."""
    if len(date) == 4:
        return f"{date}-12-31"
    if len(date) == 7:
        y, m = int(date[:4]), int(date[5:7])
        return f"{date}-{calendar.monthrange(y, m)[1]:02d}"
    return date


def sort_key(date: str | None) -> str:
    return date or "9999"
