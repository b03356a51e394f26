"""Cases: the list of one's cases, a new case, a case's page (members, sources) and its members.

A case is the unit of access: everything under `/cases/{id}` is answered only to its
members (404 to anyone else), and only its owner adds members.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vigil.store import cases
from vigil.store import jobs as job_rows
from vigil.store.tables import Case, CaseMember, Review, User
from vigil.web import aggregates, auth, queries
from vigil.web.deps import Id, Identity, PageNo, StoreDep, Who, member, page
from vigil.web.routes.sources import candidates

router = APIRouter()
SOURCES_PAGE = 50


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, who: Who, st: StoreDep) -> HTMLResponse:
    """The cases the user is a member of (an admin's too), the start page after sign-in."""
    with st.reads() as s:
        user = s.get(User, who[0])
        assert user is not None
        rows = queries.cases_of(s, user)
        return page(request, "cases.html", who, cases=rows)


def make_case(s: Session, who: Identity, name: str, description: str) -> Case:
    """A new case owned by its creator; viewers create none. Shared by the form and the API."""
    if who[2] == "viewer":
        raise HTTPException(403, "viewers cannot create cases")
    if not name.strip() or len(name) > 200 or len(description) > 10_000:
        raise HTTPException(422, "a case needs a name of at most 200 characters")
    return cases.create(s, name.strip(), description.strip(), who[0], who[1])


@router.post("/cases", include_in_schema=False)
def new_case(
    request: Request,
    who: Who,
    st: StoreDep,
    name: Annotated[str, Form()],
    description: Annotated[str, Form()] = "",
) -> Response:
    """Create a case from the start page's form, then show it."""
    with st.sessions.begin() as s:
        case = make_case(s, who, name, description)
        return RedirectResponse(f"/cases/{case.id}", status_code=303)


@router.get("/cases/{case_id}", response_class=HTMLResponse, include_in_schema=False)
def case_page(request: Request, who: Who, st: StoreDep, case_id: Id, page_no: PageNo = 1) -> HTMLResponse:
    """A case: its statements by kind and review progress, members, a page of its sources with the
    progress of each, and (for writers) the capture form and sources they may add."""
    with st.reads() as s:
        case, role, scope = member(s, who, case_id)
    index = aggregates.ensure(st, scope, aggregates.STATEMENTS)
    with st.reads() as s:
        by_kind = queries.kind_counts(s, index)
        members = s.execute(
            select(User.name, CaseMember.role)
            .join(CaseMember, CaseMember.user_id == User.id)
            .where(CaseMember.case_id == case_id)
            .order_by(User.name)
        ).all()
        total = queries.source_count(s, scope)
        rows = queries.sources(s, scope, (page_no - 1) * SOURCES_PAGE, SOURCES_PAGE)
        doc_ids = [d.id for _, d in rows if d is not None]
        counts = queries.statement_counts(s, doc_ids)
        reviewed = queries.reviewed_counts(s, scope, doc_ids)
        done = int(
            s.scalar(select(func.count(func.distinct(Review.statement_id))).where(Review.case_id == case_id))
            or 0
        )
        me = s.get(User, who[0])
        assert me is not None
        return page(
            request,
            "case.html",
            who,
            case=case,
            role=role,
            members=members,
            sources=rows,
            counts=counts,
            reviewed=reviewed,
            done=done,
            by_kind=by_kind,
            error=request.query_params.get("error"),
            page_no=page_no,
            pages=max(1, -(-total // SOURCES_PAGE)),
            total_sources=total,
            existing=candidates(s, me, case_id) if role in queries.WRITE_ROLES else [],
            jobs=[job_rows.as_json(j, scope.hidden) for j in job_rows.recent(s, case_id)],
            case_id=case_id,
        )


@router.post("/cases/{case_id}/members", include_in_schema=False)
def add_member(
    request: Request,
    who: Who,
    st: StoreDep,
    case_id: Id,
    name: Annotated[str, Form()],
    role: Annotated[str, Form()],
) -> Response:
    """The owner adds a user to the case, or changes a member's role; an unknown name is an error."""
    with st.sessions.begin() as s:
        _, my, _ = member(s, who, case_id, write=True)
        if my != "owner":
            raise HTTPException(403, "only the case's owner adds members")
        if role not in cases.ROLES:
            raise HTTPException(422, "role must be owner, editor or viewer")
        other = auth.find_user(s, name)
        if other is None:
            return RedirectResponse(f"/cases/{case_id}?error=no+such+user", status_code=303)
        cases.set_member(s, case_id, other.id, role, who[1])
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
