"""Dates and times as people read them: "8 March 2022", "March 2022", "8 March, year unknown";
record times to the minute, in the reader's own zone once the page's script has run, with UTC
(the stored value) on hover. Pure functions, registered as template filters in `deps`."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime

from markupsafe import Markup, escape

MONTHS = list(calendar.month_name)[1:]  # as extract.dates reads them: English, the C locale
FULL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
YEARLESS = re.compile(r"^--(\d{2})-(\d{2})$")


def day(value: str | None) -> str:
    """A statement's or a source's date in words, as precise as it is known and no more."""
    if not value:
        return ""
    if m := FULL.match(value):
        y, mo, d = m.groups()
        return f"{int(d)} {_month(mo)} {y}" if _month(mo) else value
    if m := MONTH.match(value):
        y, mo = m.groups()
        return f"{_month(mo)} {y}" if _month(mo) else value
    if m := YEARLESS.match(value):
        mo, d = m.groups()
        return f"{int(d)} {_month(mo)}, year unknown" if _month(mo) else value
    return value  # a year alone, or something older records hold: as it is


def _month(mo: str) -> str:
    n = int(mo)
    return MONTHS[n - 1] if 1 <= n <= 12 else ""


def when(stamp: str | None) -> Markup:
    """A record's UTC time to the minute, in a <time> the page's script shows in the reader's zone."""
    if not stamp:
        return Markup("")
    try:
        t = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return Markup(escape(stamp))
    t = (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(UTC)
    iso = t.isoformat(timespec="seconds").replace("+00:00", "Z")
    shown = f"{t.day} {MONTHS[t.month - 1][:3]} {t.year}, {t.hour:02d}:{t.minute:02d} UTC"
    # both strings are made here from a parsed time (digits, letters, "-:TZ,"): nothing to escape
    return Markup(f'<time datetime="{iso}" title="{iso} UTC" data-local>{shown}</time>')
