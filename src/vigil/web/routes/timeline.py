"""A case's timeline: its statements by date (else their source's publication), rejected ones left out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from vigil.web import aggregates
from vigil.web.deps import Id, PageNo, StoreDep, Who, member, page
from vigil.web.present import timeline

router = APIRouter()
TIMELINE_PAGE = 100  # statements a page: a long case reads back through its pages


@router.get("/cases/{case_id}/timeline", response_class=HTMLResponse, include_in_schema=False)
def timeline_page(request: Request, who: Who, st: StoreDep, case_id: Id, page_no: PageNo = 1) -> HTMLResponse:
    """A page of the case's statements in date order, grouped by date."""
    with st.reads() as s:
        case, role, scope = member(s, who, case_id)
    page_no = max(page_no, 1)
    found = aggregates.statement_page(
        st, scope, {}, (page_no - 1) * TIMELINE_PAGE, TIMELINE_PAGE, order="date"
    )
    rows, pages = found.rows, max(1, -(-found.total // TIMELINE_PAGE))  # unfiltered: counted exactly
    chunk = [v for v in rows if v.status != "rejected"]
    return page(
        request,
        "timeline.html",
        who,
        case=case,
        role=role,
        groups=timeline(chunk),
        page_no=page_no,
        pages=pages,
    )
