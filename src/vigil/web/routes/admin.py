"""The audit log, for admins only: who asked for what, when, and what they were shown."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from vigil.store import audit
from vigil.web.deps import StoreDep, Who, page

router = APIRouter()


@router.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(
    request: Request,
    who: Who,
    st: StoreDep,
    user: Annotated[str, Query(max_length=100)] = "",
    case: Annotated[str, Query(max_length=20, pattern=r"^\d*$")] = "",
    since: Annotated[str, Query(max_length=40, pattern=r"^[0-9T:Z-]*$")] = "",
) -> HTMLResponse:
    """The audit events under the filters; 404 to anyone but an admin, so it is not revealed either."""
    if who[2] != "admin":
        raise HTTPException(404, "not found")  # the page's existence is not revealed either
    with st.reads() as s:
        rows = audit.events(s, user=user or None, case_id=int(case) if case else None, since=since or None)
        events = [audit.as_dict(e) for e in rows]
    filters = {"user": user, "case": case, "since": since}
    return page(request, "audit.html", who, events=events, filters=filters, limit=1000)
