"""HTML pages: trafilatura finds the article, htmldate its publication date."""

from __future__ import annotations

import re
from typing import Any

import htmldate
import trafilatura

from vigil.errors import ExtractionError
from vigil.extract.budget import Budget
from vigil.extract.text import Article, is_boilerplate


def from_html(html: str, url: str | None = None, budget: Budget | None = None) -> Article:
    """Read an HTML page's article body, headline, byline and date."""
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            favor_precision=True,
            deduplicate=False,
        )
    except Exception as exc:  # trafilatura raises many kinds on hostile markup
        raise ExtractionError(f"cannot parse HTML: {exc.__class__.__name__}") from exc
    if doc is None:
        raise ExtractionError("no article text found in the HTML page")
    if budget is not None:
        budget.check()
    d: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    raw_lines = [ln.strip() for ln in (d.get("text") or "").split("\n") if ln.strip()]
    removed = [ln for ln in raw_lines if is_boilerplate(ln)]
    body = [ln for ln in raw_lines if not is_boilerplate(ln)]
    published = None
    try:
        published = htmldate.find_date(html, url=url, original_date=True, extensive_search=False)
    except Exception:  # a malformed page leaves the date unknown, never a crash
        published = None
    authors = [a.strip() for a in re.split(r";|,| and ", d.get("author") or "") if a.strip()]
    uniq: list[str] = []
    seen: set[str] = set()
    for a in authors:
        if a.lower() not in seen:
            seen.add(a.lower())
            uniq.append(a)
    return Article(
        text="\n\n".join(body),
        title=d.get("title") or None,
        subtitle=d.get("description") or None,
        authors=uniq,
        published=published or d.get("date") or None,
        url=url or d.get("url") or None,
        removed=removed,
    )
