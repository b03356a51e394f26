"""The audit log, for admins only: who asked for what, when, and what they were shown."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from vigil.store import audit
from vigil.web.deps import StoreDep, Who, page

router = APIRouter()
PAGE = 100


@router.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(
    request: Request,
    who: Who,
    st: StoreDep,
    user: Annotated[str, Query(max_length=100)] = "",
    case: Annotated[str, Query(max_length=20, pattern=r"^\d*$")] = "",
    since: Annotated[str, Query(max_length=40, pattern=r"^[0-9T:Z-]*$")] = "",
    before: Annotated[int | None, Query(ge=1, le=2**53)] = None,
) -> HTMLResponse:
    """The audit events under the filters, a page at a time, newest first (a page older than `before`,
    an event id, so the pages stay put while new events arrive); 404 to anyone but an admin."""
    if who[2] != "admin":
        raise HTTPException(404, "not found")  # the page's existence is not revealed either
    with st.reads() as s:
        rows = audit.events(
            s,
            user=user or None,
            case_id=int(case) if case else None,
            since=since or None,
            before=before,
            limit=PAGE + 1,
        )
        events = [audit.as_dict(e) for e in rows[:PAGE]]
    filters = {"user": user, "case": case, "since": since}
    older = events[-1]["id"] if len(rows) > PAGE else None
    query = urlencode({k: v for k, v in filters.items() if v})
    return page(
        request, "audit.html", who, events=events, filters=filters, query=query, older=older, before=before
    )
