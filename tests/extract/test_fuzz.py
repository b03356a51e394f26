"""Whatever bytes or text arrive, the readers, the date resolver and the pipeline answer or refuse in one line.

Property-based: hypothesis makes the inputs (random and binary bytes,
broken UTF-8, HTML and PDF cut short, deep nesting, any string and any
date). The only acceptable failure is the project's own VigilError.
Bounded by max_examples so that `make test` stays quick.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.extract.test_pdf import make_pdf
from vigil.errors import VigilError
from vigil.extract.dates import find_dateline, parse_published, resolve
from vigil.extract.pipeline import extract_bytes
from vigil.extract.reader import read
from vigil.extract.text import Article

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PAGE = (
    b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Court jails activists</title>"
    b"<meta property='article:published_time' content='2021-06-04'></head><body><article>"
    b"<h1>Court jails activists</h1><p>A court jailed three activists on Thursday, their lawyer said.</p>"
    b"<p>\xe2\x80\x9cThis verdict is an attack on protest,\xe2\x80\x9d said Lena Park, who said they would appeal.</p>"
    b"</article></body></html>"
)
PDF = make_pdf(["Court jails activists", "A court jailed three activists, their lawyer said."])


def read_or_refuse(data: bytes) -> Article | None:
    """The Article, or None when the reader refused with a VigilError; any other exception fails the test."""
    try:
        art = read(data)
    except VigilError as exc:
        assert str(exc) and "\n" not in str(exc)
        return None
    assert isinstance(art.text, str)
    return art


@QUICK
@given(st.binary(max_size=4000))
def test_random_bytes(data: bytes) -> None:
    read_or_refuse(data)


@QUICK
@given(st.text(max_size=300), st.binary(min_size=1, max_size=20), st.integers(0, 300))
def test_invalid_utf8(text: str, junk: bytes, at: int) -> None:
    raw = text.encode()
    read_or_refuse(raw[:at] + b"\xff\xfe" + junk + raw[at:])


@SLOW
@given(st.integers(0, len(PAGE)), st.binary(max_size=200))
def test_html_cut_short(at: int, tail: bytes) -> None:
    read_or_refuse(PAGE[:at] + tail)


@SLOW
@given(st.integers(0, len(PDF)), st.binary(max_size=200))
def test_pdf_cut_short(at: int, tail: bytes) -> None:
    read_or_refuse(PDF[:at] + tail)


@QUICK
@given(
    st.sampled_from([b"%PDF-", b"%PDF-1.7\n", b"<html>", b"<!doctype html>", b"<p>", b"\xef\xbb\xbf"]),
    st.binary(),
)
def test_headers_then_junk(head: bytes, junk: bytes) -> None:
    read_or_refuse(head + junk)


@SLOW
@given(st.integers(1, 20_000), st.sampled_from(["div", "p", "span", "b", "table"]), st.booleans())
def test_deeply_nested_html(depth: int, tag: str, closed: bool) -> None:
    body = (
        f"<{tag}>" * depth
        + "A court jailed three activists, their lawyer said."
        + (f"</{tag}>" * depth if closed else "")
    )
    read_or_refuse(f"<html><body>{body}</body></html>".encode())


@QUICK
@given(
    st.integers(1, 50_000),
    st.sampled_from(["(", ")", "[", "]", "{", "![", "](", "“", "'", "#", "|", " ", "\t"]),
)
def test_deeply_nested_text(depth: int, mark: str) -> None:
    read_or_refuse((mark * depth + "x" + mark[::-1] * depth).encode())


@QUICK
@given(
    st.text(max_size=80)
    | st.sampled_from(["last week", "ſept 3", "3 days ago", "next month", "Sunday", "May"]),
    st.none() | st.dates(),
    st.sampled_from(["past", "present", "future"]),
)
def test_dates_resolve_any_string_against_any_anchor(expr: str, anchor: dt.date | None, tense: str) -> None:
    value = resolve(expr, anchor, tense)  # type: ignore[arg-type]
    assert value is None or isinstance(value, str)
    assert parse_published(expr) is None or isinstance(parse_published(expr), dt.date)
    assert find_dateline([expr, expr[:40]]) is None or isinstance(find_dateline([expr]), dt.date)


@QUICK
@given(st.dates(dt.date(1, 1, 1), dt.date(1, 1, 14)) | st.dates(dt.date(9999, 12, 18), dt.date(9999, 12, 31)))
def test_dates_at_the_ends_of_the_calendar(anchor: dt.date) -> None:
    for expr in (
        "yesterday",
        "tomorrow",
        "last week",
        "next week",
        "this week",
        "Monday",
        "Friday",
        "2 days ago",
        "3 weeks ago",
    ):
        for tense in ("past", "future"):
            resolve(expr, anchor, tense)  # type: ignore[arg-type]


WORDS = st.sampled_from(
    ["said", "denied", "urged", "accused", "“", "”", '"', "'", "She", "he", "Amnesty", "China's", "Mr", "Lukashenko", "police",
     "in", "Belarus", "on", "Monday", "according", "to", ":", ",", ".", "\n", "\n\n", "#", "[a](b)", "(", ")", "[", "—"]
)  # fmt: skip


@SLOW
@given(st.text(max_size=600) | st.lists(WORDS, max_size=120).map(" ".join))
def test_pipeline_on_any_text(text: str) -> None:
    try:
        result = extract_bytes(text.encode())
    except VigilError as exc:
        assert "\n" not in str(exc)
        return
    source = result.source.text
    for s in result.statements:
        a, b = s.span
        assert source[a:b] == s.text
        assert s.kind in ("accuse", "deny", "demand", "commit", "assert")


@SLOW
@given(st.binary(max_size=600))
def test_pipeline_on_any_bytes(data: bytes) -> None:
    try:
        result = extract_bytes(data)
    except VigilError:
        return
    for s in result.statements:
        assert result.source.text[s.span[0] : s.span[1]] == s.text
