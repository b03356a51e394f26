"""The case across its sources: dashboard, tracker (with reviewers' decisions), contested claims.

Everything here is read through the member's scope (restricted sources left out), built by the
connect layer from the stored records, and served as HTML (`router`) and as JSON under /api (`api`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vigil.capture import custody
from vigil.connect import contested, tracker
from vigil.connect.monitor import Monitor, assemble
from vigil.model import KINDS
from vigil.store import monitor
from vigil.store.records import append
from vigil.store.tables import Review, StatementRow, TrackerChange
from vigil.web.deps import Id, StoreDep, Who, member, page

router = APIRouter()
api = APIRouter(prefix="/api")


def load(s: Session, scope: Any) -> Monitor:
    """The case's monitor, assembled from the records of the sources the member may see."""
    docs = monitor.case_documents(s, scope.case_id, scope.hidden)
    rec = monitor.load(s, docs, scope.case_id)
    return assemble(rec.names, rec.statements, rec.events, rec.judgements, rec.decisions)


def by_month(m: Monitor) -> list[tuple[str, dict[str, int]]]:
    """Statements per month (their date, else the publication's) and kind, for the dashboard's plot."""
    counts: dict[str, Counter[str]] = {}
    for s in m.statements:
        day = s.date if s.date and not s.date.startswith("--") else s.source.published
        if day and s.review != "rejected":
            counts.setdefault(day[:7], Counter())[s.kind] += 1
    return [(month, {k: counts[month][k] for k in KINDS}) for month in sorted(counts)]


def plot(rows: list[tuple[str, dict[str, int]]]) -> dict[str, Any]:
    """Bars as numbers the template draws as SVG: no script, nothing from outside."""
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
        "months": [(40 + i * 34, m) for i, (m, _) in enumerate(rows)],
        "top": top,
        "width": 60 + 34 * len(rows),
    }


@router.get("/cases/{case_id}/dashboard", response_class=HTMLResponse, include_in_schema=False)
def dashboard(request: Request, who: Who, st: StoreDep, case_id: Id) -> HTMLResponse:
    """The case at a glance: statements per month, review progress, open and overdue items, disputes."""
    with st.sessions.begin() as s:
        case, role, scope = member(s, who, case_id)
        m = load(s, scope)
        items = m.tracker()
        reviewed = (
            s.scalar(select(func.count(func.distinct(Review.statement_id))).where(Review.case_id == case_id))
            or 0
        )
        said = Counter(one.speaker for one in m.statements if one.speaker)
        active = [(m.register.get(k), n) for k, n in said.most_common(8)]
        return page(
            request,
            "dashboard.html",
            who,
            case=case,
            role=role,
            plot=plot(by_month(m)),
            total=len(m.statements),
            reviewed=reviewed,
            open_items=[i for i in items if i.status == "open"],
            overdue=[i for i in items if i.status == "overdue"],
            contested=m.contested()[:5],
            active=[(a, n) for a, n in active if a is not None],
        )


@router.get("/cases/{case_id}/tracker", response_class=HTMLResponse, include_in_schema=False)
def tracker_page(
    request: Request, who: Who, st: StoreDep, case_id: Id, status: str | None = None
) -> HTMLResponse:
    """The tracked demands and commitments, optionally of one status, with the form to decide them."""
    with st.sessions.begin() as s:
        case, role, scope = member(s, who, case_id)
        items = [i for i in load(s, scope).tracker() if status in (None, "", i.status)]
        return page(
            request,
            "tracker.html",
            who,
            case=case,
            role=role,
            items=items,
            statuses=tracker.STATUSES,
            status=status or "",
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
    with st.sessions.begin() as s:
        _, _, scope = member(s, who, case_id, write=True)
        known = {i.id for i in load(s, scope).tracker()}
        if item not in known:
            raise HTTPException(404, "not found")
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
    return RedirectResponse(f"/cases/{case_id}/tracker#item-{item}", status_code=303)


@router.get("/cases/{case_id}/contested", response_class=HTMLResponse, include_in_schema=False)
def contested_page(request: Request, who: Who, st: StoreDep, case_id: Id) -> HTMLResponse:
    """Allegations set against the accused party's denials, so a reader sees both sides together."""
    with st.sessions.begin() as s:
        case, role, scope = member(s, who, case_id)
        return page(request, "contested.html", who, case=case, role=role, claims=load(s, scope).contested())


@api.get("/cases/{case_id}/tracker")
def api_tracker(who: Who, st: StoreDep, case_id: Id, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """The case's tracked demands and commitments, with evidence and history."""
    with st.sessions.begin() as s:
        _, _, scope = member(s, who, case_id)
        return [tracker.to_json(i) for i in load(s, scope).tracker(as_of)]


@api.get("/cases/{case_id}/contested")
def api_contested(who: Who, st: StoreDep, case_id: Id) -> list[dict[str, Any]]:
    """Allegations paired with the accused party's denials, across the case's sources."""
    with st.sessions.begin() as s:
        _, _, scope = member(s, who, case_id)
        return [contested.to_json(c) for c in load(s, scope).contested()]
