"""Dates and times as the workbench shows them."""

from __future__ import annotations

from vigil.web.readable import day, when


def test_partial_dates_read_as_precisely_as_they_are_known() -> None:
    assert day("2022-03-08") == "8 March 2022"
    assert day("2022-03") == "March 2022"
    assert day("--03-08") == "8 March, year unknown"
    assert day("2022") == "2022"
    assert day(None) == "" and day("") == ""
    assert day("2022-13") == "2022-13"  # not a month: shown as stored, never invented


def test_record_times_are_to_the_minute_with_utc_on_hover() -> None:
    html = str(when("2026-12-02T19:42:21.123456Z"))
    assert ">2 Dec 2026, 19:42 UTC</time>" in html
    assert 'datetime="2026-12-02T19:42:21Z"' in html and 'title="2026-12-02T19:42:21Z UTC"' in html
    assert ".123456" not in html.split(">", 1)[1]
    assert str(when("not a time <b>")) == "not a time &lt;b&gt;"
