"""A case's statements: the filtered list, reviewers' decisions, statements added by a person, export.

Statements are never changed in place: a decision is an appended `Review`, a
statement a person marks is an appended row with an `added` review, and every
export is a custody event listing how many records left the workbench.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from vigil.capture import custody
from vigil.model import KINDS
from vigil.store.db import Store
from vigil.store.export import Picked, as_text, rows
from vigil.store.records import append, dumps, log_event
from vigil.store.tables import Document, Review, StatementRow
from vigil.web import aggregates, auditing, edits, queries
from vigil.web.deps import Id, Identity, PageNo, StoreDep, Who, member, page, templates

router = APIRouter()
PAGE_SIZE = 50
SOURCE_MENU = 200
SPEAKER_MENU = 300
EXPORT_LIMIT = 1_000_000
FILTERS = ("q", "kind", "speaker", "target", "source", "reviewed", "since", "until")


def statement_in_case(s: Session, scope: queries.Scope, statement_id: int) -> StatementRow:
    """The statement, if the member may see it in this case; 404 otherwise, as for a missing one."""
    row = s.get(StatementRow, statement_id)
    if row is None or not queries.statement_visible(s, scope, statement_id):
        raise HTTPException(404, "not found")
    return row


def review(
    s: Session,
    who: Identity,
    case_id: int,
    statement_id: int,
    action: str,
    changes: dict[str, Any],
) -> queries.Scope:
    """Append the case's decision on a statement (validated), and return the case's scope."""
    _, _, scope = member(s, who, case_id, write=True)
    statement_in_case(s, scope, statement_id)
    if action not in ("accepted", "edited", "rejected"):
        raise HTTPException(422, "action must be accepted, edited or rejected")
    clean = edits.clean(changes) if action == "edited" else {}
    append(
        s,
        Review(
            statement_id=statement_id,
            case_id=case_id,
            action=action,
            changes=dumps(clean),
            reviewer=who[1],
            at=custody.now(),
        ),
    )
    return scope


@router.post("/cases/{case_id}/statements/{statement_id}/review", include_in_schema=False)
def review_form(
    request: Request,
    who: Who,
    st: StoreDep,
    case_id: Id,
    statement_id: Id,
    action: Annotated[str, Form()],
    kind: Annotated[str, Form()] = "",
    speaker: Annotated[str, Form()] = "",
    target: Annotated[str, Form()] = "",
    date: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """A reviewer's decision from a page. From htmx, the card as it now reads, swapped in place
    (no reload, no jump); otherwise back to that page, if it is inside this case."""
    changes = {"kind": kind or None, "speaker": speaker, "target": target, "date": date}
    with st.sessions.begin() as s:
        review(s, who, case_id, statement_id, action, {k: v for k, v in changes.items() if v is not None})
    if request.headers.get("hx-request"):
        return cards(request, who, st, case_id, [statement_id], back, oob=False)
    return RedirectResponse(back_to(case_id, back, statement_id), status_code=303)


def back_to(case_id: int, back: str, statement_id: int | None = None) -> str:
    dest = back if back.startswith(f"/cases/{case_id}/") else f"/cases/{case_id}/statements"
    return f"{dest}#st-{statement_id}" if statement_id is not None and "#" not in dest else dest


def cards(
    request: Request, who: Identity, st: Store, case_id: int, ids: list[int], back: str, oob: bool
) -> HTMLResponse:
    """The statements' cards as they now read; `oob`: each swapped in where its id is (htmx)."""
    with st.reads() as s:
        case, role, scope = member(s, who, case_id)
        views = [v for v in (queries.statement_view(s, scope, i) for i in ids) if v is not None]
    can_write = role in queries.WRITE_ROLES and who[2] != "viewer"
    html = "".join(
        templates.get_template("_statement.html").render(
            st=v, case=case, csrf=who[3], can_write=can_write, back=back, kinds=KINDS, oob=oob
        )
        for v in views
    )
    resp = HTMLResponse(html)
    resp.headers["HX-Trigger"] = json.dumps(
        {"vigil:reviewed": [{"id": v.id, "status": v.status} for v in views]}
    )
    return resp


@router.post("/cases/{case_id}/statements/bulk-review", include_in_schema=False)
def bulk_review(
    request: Request,
    who: Who,
    st: StoreDep,
    case_id: Id,
    action: Annotated[str, Form()],
    ids: Annotated[list[int], Form(max_length=500)] = [],  # noqa: B006 (FastAPI reads the default)
    back: Annotated[str, Form()] = "",
) -> Response:
    """Accept or reject several statements at once: each still its own review record."""
    with st.reads() as s:
        member(s, who, case_id, write=True)
    if action not in ("accepted", "rejected"):
        raise HTTPException(422, "action must be accepted or rejected")
    if not ids:
        raise HTTPException(422, "select the statements first")
    with st.sessions.begin() as s:
        for sid in dict.fromkeys(ids):
            review(s, who, case_id, sid, action, {})
    if request.headers.get("hx-request"):
        return cards(request, who, st, case_id, list(dict.fromkeys(ids)), back, oob=True)
    return RedirectResponse(back_to(case_id, back), status_code=303)


@router.get("/cases/{case_id}/next-unreviewed", include_in_schema=False)
def next_unreviewed(
    who: Who, st: StoreDep, case_id: Id, after: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    """To the case's next statement no one has reviewed, in its source; the statements page when none."""
    with st.reads() as s:
        _, _, scope = member(s, who, case_id)
    index = aggregates.ensure(st, scope, aggregates.STATEMENTS)
    with st.reads() as s:
        found = queries.next_unreviewed(s, scope, index, int(after) if after.isdigit() else None)
    if found is None:
        return RedirectResponse(f"/cases/{case_id}/statements?reviewed=no", status_code=303)
    return RedirectResponse(f"/cases/{case_id}/sources/{found[0]}#st-{found[1]}", status_code=303)


def person_statement(
    doc: Document, case_id: int, start: int, end: int, given: dict[str, Any]
) -> StatementRow:
    """A statement a person marked in the text: full confidence, no extractor, tied to the case."""
    return StatementRow(
        document_id=doc.id,
        local_id=f"p{start}",
        kind=given["kind"],
        speaker_actor_id=None,
        speaker_name=given.get("speaker"),
        target_actor_id=None,
        target_name=given.get("target"),
        text=doc.text[start:end],
        span_start=start,
        span_end=end,
        quote=None,
        cue="(added by a person)",
        date=given.get("date"),
        confidence=1.0,
        extractor_version="person",
        origin="person",
        case_id=case_id,
    )


@router.post("/cases/{case_id}/sources/{capture_id}/statements", include_in_schema=False)
def add_statement(
    request: Request,
    who: Who,
    st: StoreDep,
    case_id: Id,
    capture_id: Id,
    start: Annotated[int, Form()],
    end: Annotated[int, Form()],
    kind: Annotated[str, Form()],
    speaker: Annotated[str, Form()],
    target: Annotated[str, Form()] = "",
    date: Annotated[str, Form()] = "",
) -> Response:
    """Mark a statement the extractor missed, from a selection in the source's current text."""
    with st.sessions.begin() as s:
        _, _, scope = member(s, who, case_id, write=True)
        cap = queries.capture_in_case(s, scope, capture_id)
        doc = queries.current_document(s, cap.page_sha256) if cap else None
        if doc is None:
            raise HTTPException(404, "not found")
        given = edits.clean({"kind": kind, "speaker": speaker, "target": target, "date": date})
        if "kind" not in given:
            raise HTTPException(422, f"kind must be one of {', '.join(KINDS)}")
        if not (0 <= start < end <= len(doc.text)) or end - start > edits.MAX_SPAN:
            raise HTTPException(422, "the selection is outside the text or too long")
        row = append(s, person_statement(doc, case_id, start, end, given))
        added = Review(
            statement_id=row.id,
            case_id=case_id,
            action="added",
            changes=dumps({}),
            reviewer=who[1],
            at=custody.now(),
        )
        append(s, added)
    return RedirectResponse(f"/cases/{case_id}/sources/{capture_id}", status_code=303)


def filtered(st: Store, scope: queries.Scope, params: dict[str, str]) -> list[queries.StatementView]:
    """Every statement of the case under the filters (for exports)."""
    return aggregates.statement_page(st, scope, params, 0, EXPORT_LIMIT).rows


@router.get("/cases/{case_id}/statements", response_class=HTMLResponse, include_in_schema=False)
def statements_page(request: Request, who: Who, st: StoreDep, case_id: Id, page_no: PageNo = 1) -> Response:
    """The filtered statements, a page at a time; `format=csv|json` exports them all instead."""
    params = {k: request.query_params.get(k, "") for k in FILTERS}
    fmt = request.query_params.get("format")
    if fmt in ("csv", "json"):
        with st.reads() as s:
            _, _, scope = member(s, who, case_id)
        rows = filtered(st, scope, params)
        with st.sessions.begin() as s:  # an export is a custody event
            auditing.note_records(request, exported=[v.id for v in rows], format=fmt)
            return export_response(s, who, case_id, rows, fmt)
    with st.reads() as s:
        case, role, scope = member(s, who, case_id)
    speakers = aggregates.actor_names(st, scope, SPEAKER_MENU, speakers=True)
    start = (max(page_no, 1) - 1) * PAGE_SIZE
    found = aggregates.statement_page(st, scope, params, start, PAGE_SIZE)
    with st.reads() as s:
        srcs = (
            queries.sources(s, scope)
            if queries.source_count(s, scope, SOURCE_MENU + 1) <= SOURCE_MENU
            else []
        )
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return page(
        request,
        "statements.html",
        who,
        case=case,
        role=role,
        rows=found.rows,
        total=found.total,
        exact=found.exact,
        page_no=max(page_no, 1),
        pages=max(1, -(-found.total // PAGE_SIZE)),
        more=not found.exact and len(found.rows) == PAGE_SIZE,  # a stopped count: go on while pages are full
        params=params,
        speakers=speakers,
        sources=srcs,
        query=query,
    )


def export_response(
    s: Session, who: Identity, case_id: int, views: list[queries.StatementView], fmt: str
) -> Response:
    """The statements as a JSON or CSV download, in the one export shape (`store.export.COLUMNS`,
    as `vigil export` writes), logged as an export of the case."""
    picked = [
        Picked(
            v.id,
            v.kind,
            v.speaker,
            v.target,
            v.date,
            v.text,
            v.quote,
            v.status,
            v.reviewer,
            v.reviewed_at,
            v.title,
            "",
            v.capture_id,
        )
        for v in views
    ]
    data = rows(s, picked)
    log_event(s, "exported", {"case": case_id, "format": fmt, "records": len(data)}, actor=who[1])
    media = "application/json" if fmt == "json" else "text/csv"
    return Response(
        as_text(data, fmt),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="case-{case_id}.{fmt}"'},
    )
