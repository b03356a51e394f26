"""How records are shown: as JSON for the API, as marked-up text and date groups for the pages.

Plain functions of the query layer's views, shared by the HTML routes and the JSON API, so
both show a statement, a source or a timeline the same way.
"""

from __future__ import annotations

import html
import itertools
import json
from typing import Any

from markupsafe import Markup

from vigil.store.export import precision as precision  # one wording for pages and exports
from vigil.store.tables import ActorRow, Document
from vigil.web import queries


def source_json(cap: Any, doc: Document | None) -> dict[str, Any]:
    """A source (capture and its current document) as the API shows it."""
    return {
        "capture_id": cap.id,
        "url": cap.final_url,
        "method": cap.method,
        "captured_at": cap.captured_at,
        "collector": cap.collector,
        "sha256": cap.page_sha256,
        "warc_sha256": cap.warc_sha256,
        "title": doc.title if doc else None,
        "published": doc.published if doc else None,
        "document_id": doc.id if doc else None,
    }


def statement_json(v: queries.StatementView) -> dict[str, Any]:
    """A statement with its review state, as the API shows it."""
    return {
        "id": v.id,
        "status": v.status,
        "kind": v.kind,
        "speaker": v.speaker,
        "target": v.target,
        "date": v.date,
        "date_precision": precision(v.date),
        "text": v.text,
        "quote": v.quote,
        "span": list(v.span),
        "confidence": v.confidence,
        "origin": v.origin,
        "machine": v.machine,
        "reviewer": v.reviewer,
        "reviewed_at": v.reviewed_at,
        "capture_id": v.capture_id,
    }


def sort_key(date: str) -> tuple[int, str]:
    """Dated statements in order; a month sorts before its days; year-unknown dates come after."""
    if date.startswith("--"):
        return (1, date)
    return (0, date)


def timeline(rows: list[queries.StatementView]) -> list[tuple[str, list[queries.StatementView]]]:
    """Statements grouped by date in order, the undated last, for the timeline page and the API."""
    groups: dict[str, list[queries.StatementView]] = {}
    for v in rows:
        groups.setdefault(v.when or "", []).append(v)  # its date, else its source's publication
    dated = sorted((d for d in groups if d), key=sort_key)
    out = [(d, groups[d]) for d in dated]
    if "" in groups:
        out.append(("", groups[""]))
    return out


def highlight(doc: Document, statements: list[queries.StatementView], actors: list[ActorRow]) -> Markup:
    """The document text, statements marked by kind and actor mentions underlined."""
    text = doc.text
    marks = [
        (v.span[0], v.span[1], v)
        for v in statements
        if v.status != "rejected" and text[v.span[0] : v.span[1]] == v.text
    ]  # spans of this text only
    mentions: list[tuple[int, int, str]] = []
    for actor in actors:
        for s, e in json.loads(actor.mentions):
            mentions.append((s, e, actor.name))
    cuts = {0, len(text)}
    for s, e, _ in marks:
        cuts |= {s, e}
    for s, e, _ in mentions:
        cuts |= {s, e}
    pos = sorted(c for c in cuts if 0 <= c <= len(text))
    parts: list[str] = []
    for a, b in itertools.pairwise(pos):
        seg = html.escape(text[a:b]).replace("\n\n", "</p><p>")
        st = next((v for s, e, v in marks if s <= a and b <= e), None)
        who = next((n for s, e, n in mentions if s <= a and b <= e), None)
        if who is not None:
            seg = f'<span class="actor" title="{html.escape(who)}">{seg}</span>'
        if st is not None:
            seg = (
                f'<mark class="st {st.kind}" data-statement="{st.id}" data-status="{st.status}" '
                f'title="{st.kind} by {html.escape(st.speaker or "?")}">{seg}</mark>'
            )
        parts.append(seg)
    return Markup("<p>" + "".join(parts) + "</p>")
