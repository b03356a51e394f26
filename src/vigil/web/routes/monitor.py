"""The case across its sources: dashboard, tracker (with reviewers' decisions), contested claims.

Everything here is read through the member's scope (restricted sources left out), built by the
connect layer from the stored records, and served as HTML (`router`) and as JSON under /api (`api`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import func, select

from vigil.capture import custody
from vigil.connect import tracker
from vigil.model import KINDS
from vigil.store.records import append
from vigil.store.tables import Review, StatementRow, TrackerChange
from vigil.web import aggregates
from vigil.web.deps import API_PAGE, Id, Limit, Offset, PageNo, StoreDep, Who, member, page

router = APIRouter()
api = APIRouter(prefix="/api")
PAGE = 20  # tracker items and contested claims carry their evidence: a page of them is heavy
TRACKER_SHOWN = 10  # sources reporting an item, on the tracker's list; its own page lists them all
# statements of each side a contested claim shows on its page; the statements page lists the rest
CONTESTED_SHOWN = 5
DASHBOARD_ITEMS = 10


MAX_BARS = 36  # months, else quarters, else years: a case of many years stays one readable plot


def binned(months: list[tuple[str, dict[str, int]]]) -> list[tuple[str, dict[str, int]]]:
    """The counts per month (or year, for a date known only to the year) gathered into periods
    long enough that there are at most MAX_BARS of them, if quarters do; else years."""
    for period in (_month, _quarter, _year):
        out: dict[str, dict[str, int]] = {}
        for month, counts in months:
            into = out.setdefault(period(month), dict.fromkeys(KINDS, 0))
            for k in KINDS:
                into[k] += counts.get(k, 0)
        if len(out) <= MAX_BARS:
            break
    return sorted(out.items())


def _month(key: str) -> str:
    return key


def _quarter(key: str) -> str:
    return f"{key[:4]}-Q{(int(key[5:7]) - 1) // 3 + 1}" if len(key) >= 7 and key[5:7].isdigit() else key[:4]


def _year(key: str) -> str:
    return key[:4]


def plot(months: list[tuple[str, dict[str, int]]]) -> dict[str, Any]:
    """Bars as numbers the template draws as SVG: no script, nothing from outside."""
    rows = binned(months)
    top = max((sum(c.values()) for _, c in rows), default=0) or 1
    bars = []
    for i, (month, c) in enumerate(rows):
        y = 120.0
        for k in KINDS:
            h = 110.0 * c[k] / top
            if h:
                bars.append({"x": 40 + i * 34, "y": y - h, "h": h, "kind": k, "n": c[k], "month": month})
                y -= h
    return {
        "bars": bars,
        "months": [(40 + i * 34, m[2:] if len(m) > 4 else m) for i, (m, _) in enumerate(rows)],
        "top": top,
        "width": 60 + 34 * len(rows),
    }


@router.get("/cases/{case_id}/dashboard", response_class=HTMLResponse, include_in_schema=False)
def dashboard(request: Request, who: Who, st: StoreDep, case_id: Id) -> HTMLResponse:
    """The case at a glance: statements per month, review progress, open and overdue items, disputes."""
    with st.reads() as s:
        case, role, scope = member(s, who, case_id)
        reviewed = (
            s.scalar(select(func.count(func.distinct(Review.statement_id))).where(Review.case_id == case_id))
            or 0
        )
    seen = aggregates.glance(st, scope, DASHBOARD_ITEMS)
    return page(
        request,
        "dashboard.html",
        who,
        case=case,
        role=role,
        plot=plot(seen.summary.get("months", [])),
        total=seen.summary.get("total", 0),
        reviewed=reviewed,
        counts=seen.counts,
        open_items=seen.open_items,
        overdue=seen.overdue,
        contested=seen.contested,
        active=seen.summary.get("active", []),
    )


@router.get("/cases/{case_id}/tracker", response_class=HTMLResponse, include_in_schema=False)
def tracker_page(
    request: Request, who: Who, st: StoreDep, case_id: Id, status: str | None = None, page_no: PageNo = 1
) -> HTMLResponse:
    """The tracked demands and commitments, optionally of one status, with the form to decide them."""
    with st.reads() as s:
        case, role, scope = member(s, who, case_id)
    rows, counts = aggregates.items(st, scope, "tracker", status or None, (page_no - 1) * PAGE, PAGE)
    total = counts.get(status, 0) if status else sum(counts.values())
    return page(
        request,
        "tracker.html",
        who,
        case=case,
        role=role,
        items=rows,
        counts=counts,
        statuses=tracker.STATUSES,
        status=status or "",
        page_no=page_no,
        pages=max(1, -(-total // PAGE)),
        shown=TRACKER_SHOWN,
    )


@router.get("/cases/{case_id}/tracker/{item}", response_class=HTMLResponse, include_in_schema=False)
def tracker_item_page(
    request: Request, who: Who, st: StoreDep, case_id: Id, item: Annotated[str, PathParam(max_length=64)]
) -> HTMLResponse:
    """One tracked demand or commitment with every source reporting it, and the form to decide it."""
    with st.reads() as s:
        case, role, scope = member(s, who, case_id)
    found = aggregates.tracker_item(st, scope, item)
    if found is None:
        raise HTTPException(404, "not found")
    return page(
        request,
        "tracker_item.html",
        who,
        case=case,
        role=role,
        i=found,
        statuses=tracker.STATUSES,
        shown=None,
    )


@router.post("/cases/{case_id}/tracker/{item}", include_in_schema=False)
def decide(
    who: Who,
    st: StoreDep,
    case_id: Id,
    item: str,
    status: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
    evidence: Annotated[int | None, Form()] = None,
) -> Response:
    """A reviewer sets an item's status, never without evidence or a note; appended, not overwritten."""
    if status not in tracker.STATUSES:
        raise HTTPException(422, f"status must be one of {', '.join(tracker.STATUSES)}")
    with st.reads() as s:
        _, _, scope = member(s, who, case_id, write=True)
    if not aggregates.has_item(st, scope, item):  # before the write lock: this may rebuild
        raise HTTPException(404, "not found")
    with st.sessions.begin() as s:
        member(s, who, case_id, write=True)
        if not note.strip() and evidence is None:
            raise HTTPException(422, "give the evidence or a note: a status is never set without one")
        if evidence is not None and s.get(StatementRow, evidence) is None:
            raise HTTPException(422, "no such statement")
        append(
            s,
            TrackerChange(
                case_id=case_id,
                item=item,
                status=status,
                note=note.strip(),
                statement_id=evidence,
                event_id=None,
                origin="reviewer",
                by=who[1],
                at=custody.now(),
            ),
        )
    aggregates.ensure(st, scope, aggregates.MONITOR, fresh=True)
    return RedirectResponse(f"/cases/{case_id}/tracker#item-{item}", status_code=303)


@router.get("/cases/{case_id}/contested", response_class=HTMLResponse, include_in_schema=False)
def contested_page(
    request: Request, who: Who, st: StoreDep, case_id: Id, page_no: PageNo = 1
) -> HTMLResponse:
    """Allegations set against the accused party's denials, so a reader sees both sides together."""
    with st.reads() as s:
        case, role, scope = member(s, who, case_id)
    rows, counts = aggregates.items(st, scope, "contested", None, (page_no - 1) * PAGE, PAGE)
    pages = max(1, -(-sum(counts.values()) // PAGE))
    return page(
        request,
        "contested.html",
        who,
        case=case,
        role=role,
        claims=rows,
        page_no=page_no,
        pages=pages,
        shown=CONTESTED_SHOWN,
    )


@api.get("/cases/{case_id}/tracker", response_model=list[dict[str, Any]])
def api_tracker(
    who: Who,
    st: StoreDep,
    case_id: Id,
    as_of: dt.date | None = None,
    status: str | None = None,
    offset: Offset = 0,
    limit: Limit = API_PAGE,
) -> Response:
    """The case's tracked demands and commitments, with evidence and history; `as_of` a past day."""
    with st.reads() as s:
        _, _, scope = member(s, who, case_id)
        if as_of is not None:  # a day other than today: followed afresh, not from the aggregate
            items = aggregates.load(s, scope).tracker(as_of)
            chosen = [tracker.to_json(i) for i in items if status in (None, i.status)]
            return JSONResponse(chosen[offset : offset + limit])
    return _json(aggregates.payloads(st, scope, "tracker", status, offset, limit))


@api.get("/cases/{case_id}/contested", response_model=list[dict[str, Any]])
def api_contested(
    who: Who, st: StoreDep, case_id: Id, offset: Offset = 0, limit: Limit = API_PAGE
) -> Response:
    """Allegations paired with the accused party's denials, across the case's sources."""
    with st.reads() as s:
        _, _, scope = member(s, who, case_id)
    return _json(aggregates.payloads(st, scope, "contested", None, offset, limit))


def _json(body: str) -> Response:
    """The aggregate's stored JSON as it is: decoding and encoding it again cost more than the query."""
    return Response(body, media_type="application/json")
