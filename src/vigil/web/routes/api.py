"""The JSON API under /api: the same cases, sources, statements and actors as the pages, for programs.

Each route uses the same helpers as its page (case check, capture, review, restriction,
export), so the API can do nothing a member could not do by hand, and is audited alike.
A request without a session is answered 401, not sent to sign in.

Routes in the schema say what they do in a comment, not a docstring: FastAPI would
publish a docstring as the operation's description in /api/openapi.json.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from vigil.store.tables import Document, User
from vigil.web import aggregates, auditing, queries
from vigil.web.capturing import do_capture
from vigil.web.deps import API_PAGE, Id, Limit, Offset, Part, StoreDep, Who, member, templates
from vigil.web.present import precision, source_json, statement_json, timeline
from vigil.web.routes.cases import make_case
from vigil.web.routes.sources import original_response, restrict_source, source_context
from vigil.web.routes.statements import FILTERS, export_response, filtered, review

router = APIRouter(prefix="/api")


class NewCaseBody(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)


class ReviewBody(BaseModel):
    action: str = Field(max_length=20)
    changes: dict[str, Any] | None = None  # each value is checked by web/edits.py


class RestrictBody(BaseModel):
    members: list[Annotated[str, Field(max_length=100)]] | None = Field(default=None, max_length=500)


class CaptureBody(BaseModel):
    url: str = Field(min_length=1, max_length=4000)
    note: str | None = Field(default=None, max_length=4000)


@router.get("/cases")
def api_cases(who: Who, st: StoreDep) -> list[dict[str, Any]]:
    # The caller's cases, with their role and number of sources.
    with st.reads() as s:
        user = s.get(User, who[0])
        assert user is not None
        return [
            {"id": c.id, "name": c.name, "description": c.description, "role": r, "sources": n}
            for c, r, n in queries.cases_of(s, user)
        ]


@router.post("/cases", status_code=201)
def api_new_case(who: Who, st: StoreDep, body: NewCaseBody) -> dict[str, Any]:
    # Create a case owned by the caller.
    with st.sessions.begin() as s:
        case = make_case(s, who, body.name, body.description)
        return {"id": case.id, "name": case.name}


@router.get("/cases/{case_id}")
def api_case(
    who: Who, st: StoreDep, case_id: Id, offset: Offset = 0, limit: Limit = API_PAGE
) -> dict[str, Any]:
    # A case, the caller's role in it, how many sources they may see and a page of them.
    with st.reads() as s:
        case, role, scope = member(s, who, case_id)
        return {
            "id": case.id,
            "name": case.name,
            "description": case.description,
            "role": role,
            "total_sources": queries.source_count(s, scope),
            "sources": [source_json(c, d) for c, d in queries.sources(s, scope, offset, limit)],
        }


@router.get("/cases/{case_id}/sources/{capture_id}")
def api_source(who: Who, st: StoreDep, case_id: Id, capture_id: Id) -> dict[str, Any]:
    # One source: its text, its statements the caller may see, and its chain of custody.
    with st.reads() as s:
        ctx = source_context(s, who, case_id, capture_id)
        doc: Document | None = ctx["doc"]
        return {
            **source_json(ctx["capture"], doc),
            "text": doc.text if doc else None,
            "statements": [statement_json(v) for v in ctx["statements"]],
            "custody": [
                {"action": e.action, "actor": e.actor, "at": e.at, "details": json.loads(e.details)}
                for e in ctx["events"]
            ],
        }


@router.get("/cases/{case_id}/statements")
def api_statements(
    request: Request, who: Who, st: StoreDep, case_id: Id, offset: Offset = 0, limit: Limit = API_PAGE
) -> list[dict[str, Any]]:
    # A page of the case's statements under the same filters as the statements page.
    params = {k: request.query_params.get(k, "") for k in FILTERS}
    with st.reads() as s:
        _, _, scope = member(s, who, case_id)
    rows = aggregates.statement_page(st, scope, params, offset, limit, count=False).rows
    return [statement_json(v) for v in rows]


@router.post("/cases/{case_id}/statements/{statement_id}/review")
def api_review(who: Who, st: StoreDep, case_id: Id, statement_id: Id, body: ReviewBody) -> dict[str, Any]:
    # Record a decision on a statement; answer the statement as it now reads.
    with st.sessions.begin() as s:
        scope = review(s, who, case_id, statement_id, body.action, body.changes or {})
        views = {v.id: v for v in queries.statement_views(s, scope)}
        return statement_json(views[statement_id])


@router.post("/cases/{case_id}/capture", status_code=201)
def api_capture(request: Request, who: Who, st: StoreDep, case_id: Id, body: CaptureBody) -> dict[str, Any]:
    # Capture a URL into the case; the notice says when it is not a new source.
    with st.sessions.begin() as s:
        member(s, who, case_id, write=True)
    allow_private: bool = request.app.state.allow_private
    cap, notice = do_capture(st, allow_private, who, case_id, body.url, None, None, body.note)
    return {"capture_id": cap, "notice": notice}


@router.post("/cases/{case_id}/sources/{capture_id}/restrict")
def api_restrict(who: Who, st: StoreDep, case_id: Id, capture_id: Id, body: RestrictBody) -> dict[str, Any]:
    # The owner limits a source to named members (null opens it to the case again).
    with st.sessions.begin() as s:
        restrict_source(s, who, case_id, capture_id, body.members)
    return {"capture_id": capture_id, "members": body.members}


@router.get("/cases/{case_id}/actors")
def api_actors(
    who: Who, st: StoreDep, case_id: Id, offset: Offset = 0, limit: Limit = API_PAGE
) -> list[dict[str, Any]]:
    # The case's actors, most spoken by and about first, with their names and statement counts.
    with st.reads() as s:
        _, _, scope = member(s, who, case_id)
    rows, _ = aggregates.actor_page(st, scope, offset, limit)
    return [
        {
            "key": a.key,
            "name": a.name,
            "kind": a.kind,
            "aliases": a.aliases,
            "titles": a.titles,
            "statements_by": a.said,
            "statements_about": a.about,
        }
        for a in rows
    ]


@router.get("/cases/{case_id}/timeline")
def api_timeline(
    who: Who, st: StoreDep, case_id: Id, offset: Offset = 0, limit: Limit = API_PAGE
) -> list[dict[str, Any]]:
    # The case's statements grouped by date, each date with its precision; rejected ones left out.
    with st.reads() as s:
        _, _, scope = member(s, who, case_id)
    page_rows = aggregates.statement_page(st, scope, {}, offset, limit, order="date", count=False).rows
    rows = [v for v in page_rows if v.status != "rejected"]
    return [
        {"date": g, "precision": precision(g), "statements": [statement_json(v) for v in vs]}
        for g, vs in timeline(rows)
    ]


@router.get("/cases/{case_id}/export")
def api_export(
    request: Request,
    who: Who,
    st: StoreDep,
    case_id: Id,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Response:
    # All the case's statements under the filters, as JSON or CSV; the export is audited and logged.
    params = {k: request.query_params.get(k, "") for k in FILTERS}
    if format not in ("json", "csv"):
        raise HTTPException(422, "format must be json or csv")
    with st.reads() as s:
        _, _, scope = member(s, who, case_id)
    rows = filtered(st, scope, params)
    with st.sessions.begin() as s:  # an export is a custody event
        auditing.note_records(request, exported=[v.id for v in rows], format=format)
        return export_response(s, who, case_id, rows, format)


@router.get("/cases/{case_id}/sources/{capture_id}/original")
def api_original(who: Who, st: StoreDep, case_id: Id, capture_id: Id, part: Part = "page") -> Response:
    # The stored bytes of a source's page, WARC or screenshot; each access is a custody event.
    return original_response(st, who, case_id, capture_id, part)


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, who: Who) -> JSONResponse:
    """The API's schema, behind a session like everything else."""
    app = request.app
    return JSONResponse(get_openapi(title=app.title, version=app.version, routes=app.routes))


@router.get("/docs", include_in_schema=False)
def docs(request: Request, who: Who) -> HTMLResponse:
    """Swagger UI from /static/swagger/ (pinned, see its VERSION), started by a static script."""
    return templates.TemplateResponse(request, "api_docs.html", {"csrf": who[3]})
