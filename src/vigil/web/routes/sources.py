"""A case's sources: capture into the case, add sources already in the store, view and restrict one.

Access follows cases, so a member may bring into this case a capture they can already
read through another of their cases (and not one restricted from them there); an admin
may also file captures that belong to no case yet (collected from the command line).
Every source added, original fetched and restriction set is a custody or case event.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from vigil.store import cases
from vigil.store.db import Store
from vigil.store.records import log_event
from vigil.store.tables import ActorRow, Capture, CaseCapture, CaseMember, CustodyEvent, Document, User
from vigil.web import aggregates, auditing, capturing, queries
from vigil.web.deps import Id, Identity, Part, StoreDep, Who, member, page

router = APIRouter()
UPLOAD_LIMIT = 25 * 1024 * 1024
LISTED = 200  # newest candidates offered on the case page
SCANNED = 1_000  # newest captures of the store among which they are looked for
ACTOR_MENU = 300  # actors suggested in a statement's edit fields


# made once: an alias copies its table's columns and their foreign keys (a millisecond per page)
_HELD, _TWIN = aliased(CaseCapture), aliased(Capture)


def candidates(s: Session, user: User, case_id: int, limit: int = LISTED) -> list[tuple[int, str, str]]:
    """(capture id, title or URL, captured at) the user may add to this case, newest first.

    Looked for among the store's newest SCANNED captures: a case that already holds most of the
    store would otherwise have every capture read to find none, on every view of its page."""
    newest = select(func.max(Capture.id)).scalar_subquery()
    return _addable(s, user, case_id, Capture.id > newest - SCANNED, limit)


def addable(s: Session, user: User, case_id: int, ids: list[int]) -> set[int]:
    """Which of these captures the user may add to this case (seen in another of their cases, or
    filed in none for an admin), and which the case does not hold yet."""
    return {cid for cid, _, _ in _addable(s, user, case_id, Capture.id.in_(ids), None)}


def _addable(
    s: Session, user: User, case_id: int, among: Any, limit: int | None
) -> list[tuple[int, str, str]]:
    """Each capture checked by index (is it in this case, are its bytes, is it in one of the user's
    other cases, in any case at all): a list of every case's sources built for each view grows
    with the store."""
    mine = select(CaseMember.case_id).where(CaseMember.user_id == user.id, CaseMember.case_id != case_id)
    held, twin = _HELD, _TWIN
    in_case = select(held.capture_id).where(held.capture_id == Capture.id, held.case_id == case_id)
    same_bytes = (
        select(twin.id)
        .join(held, held.capture_id == twin.id)
        .where(twin.page_sha256 == Capture.page_sha256, held.case_id == case_id)
    )
    visible: Any = CaseCapture.case_id.in_(mine)
    if user.role == "admin":  # captures filed in no case yet, from the command line
        filed = select(held.capture_id).where(held.capture_id == Capture.id)
        visible = visible | ~filed.exists()
    rows = s.execute(
        select(Capture.id, Capture.final_url, Capture.captured_at, Document.title, CaseCapture.restricted_to)
        .outerjoin(CaseCapture, CaseCapture.capture_id == Capture.id)
        .outerjoin(Document, (Document.blob_sha256 == Capture.page_sha256) & Document.superseded_by.is_(None))
        .where(among, visible, Capture.outcome.is_(None), ~in_case.exists(), ~same_bytes.exists())
        .order_by(Capture.id.desc())
        .limit(None if limit is None else limit * 4)  # a capture comes once per case holding it
    ).all()
    out: list[tuple[int, str, str]] = []
    shown: set[int] = set()
    for cid, url, at, title, restricted in rows:
        if cid in shown or (restricted is not None and user.id not in json.loads(restricted)):
            continue
        shown.add(cid)
        out.append((cid, title or url or str(cid), at[:16].replace("T", " ")))
    return out[:limit]


@router.post("/cases/{case_id}/capture", include_in_schema=False)
def capture_form(
    request: Request,
    who: Who,
    st: StoreDep,
    case_id: Id,
    url: Annotated[str, Form(max_length=4000)] = "",
    urls: Annotated[str, Form(max_length=2_000_000)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Start capturing a URL, a pasted list of URLs or an upload; the case page shows its progress."""
    with st.reads() as s:
        member(s, who, case_id, write=True)
    data = file.file.read(capturing.UPLOAD_LIMIT + 1) if file is not None and file.filename else None
    if data:  # bytes the case holds already: answered at once, nothing to queue
        with st.reads() as s:
            same = queries.source_with_bytes(s, case_id, hashlib.sha256(data).hexdigest())
        if same is not None:
            notice = urlencode({"notice": "these bytes are already a source of this case"})
            return RedirectResponse(f"/cases/{case_id}/sources/{same}?{notice}", status_code=303)
    asked = capturing.Asked(
        capturing.urls_of(f"{url}\n{urls}"), data, file.filename if file else None, note or None
    )
    try:
        job = capturing.start(st, request.app.state.allow_private, who, case_id, asked)
    except HTTPException as exc:
        return RedirectResponse(f"/cases/{case_id}?{urlencode({'error': exc.detail})}", status_code=303)
    return RedirectResponse(f"/cases/{case_id}?job={job}#jobs", status_code=303)


def source_context(s: Session, who: Identity, case_id: int, capture_id: int) -> dict[str, Any]:
    """All the source page and the API show of one source, within what the member may see."""
    case, role, scope = member(s, who, case_id)
    cap = queries.capture_in_case(s, scope, capture_id)
    if cap is None:
        raise HTTPException(404, "not found")
    doc = queries.current_document(s, cap.page_sha256)
    statements = queries.statement_views(s, scope, doc) if doc else []
    actors = s.scalars(select(ActorRow).where(ActorRow.document_id == doc.id)).all() if doc else []
    events = s.scalars(
        select(CustodyEvent).where(CustodyEvent.capture_id == cap.id).order_by(CustodyEvent.id)
    ).all()
    return {
        "case": case,
        "role": role,
        "scope": scope,
        "restricted": queries.restricted_names(s, case_id, capture_id),
        "capture": cap,
        "doc": doc,
        "statements": statements,
        "actors": actors,
        "events": events,
    }


@router.get("/cases/{case_id}/sources/{capture_id}", response_class=HTMLResponse, include_in_schema=False)
def source_page(request: Request, who: Who, st: StoreDep, case_id: Id, capture_id: Id) -> HTMLResponse:
    """One source: its text with statements marked, its custody; the statements shown are audited."""
    with st.reads() as s:
        ctx = source_context(s, who, case_id, capture_id)
    auditing.note_records(request, statements=[v.id for v in ctx["statements"]])
    names = aggregates.actor_names(st, ctx["scope"], ACTOR_MENU)  # the edit fields' suggestions
    return page(request, "source.html", who, notice=request.query_params.get("notice"), names=names, **ctx)


MEDIA = {"page": "application/octet-stream", "warc": "application/warc", "screenshot": "image/png"}


def original_response(st: Store, who: Identity, case_id: int, capture_id: int, part: Part) -> Response:
    """The stored bytes as a download (never rendered here); each access is a custody event."""
    with st.sessions.begin() as s:
        _, _, scope = member(s, who, case_id)
        cap = queries.capture_in_case(s, scope, capture_id)
        if cap is None:
            raise HTTPException(404, "not found")
        sha = {"page": cap.page_sha256, "warc": cap.warc_sha256, "screenshot": cap.screenshot_sha256}.get(
            part
        )
        if not sha:
            raise HTTPException(404, "not found")
        log_event(s, "accessed", {"part": part, "sha256": sha}, capture_id=cap.id, actor=who[1])
    return Response(
        st.blobs.get(sha),
        media_type=MEDIA[part],
        headers={
            "Content-Disposition": f'attachment; filename="{sha}.{part}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/cases/{case_id}/sources/{capture_id}/original", include_in_schema=False)
def original(who: Who, st: StoreDep, case_id: Id, capture_id: Id, part: Part = "page") -> Response:
    """Download the page, WARC or screenshot of a source, from the source page."""
    return original_response(st, who, case_id, capture_id, part)


def restrict_source(
    s: Session, who: Identity, case_id: int, capture_id: int, names: list[str] | None
) -> None:
    """Owners limit a source (and all extracted from it) to named members; None opens it again."""
    _, my, scope = member(s, who, case_id, write=True)
    if my != "owner":
        raise HTTPException(403, "only the case's owner restricts sources")
    if queries.capture_in_case(s, scope, capture_id) is None:
        raise HTTPException(404, "not found")
    ids: list[int] | None = None
    if names is not None:
        members = dict(queries.member_ids(s, case_id))
        unknown = [n for n in names if n not in members]
        if unknown:
            raise HTTPException(422, f"not members of this case: {', '.join(unknown)[:200]}")
        ids = [members[n] for n in names] + [who[0]]
    cases.restrict(s, case_id, capture_id, ids, who[1])


@router.post("/cases/{case_id}/sources/{capture_id}/restrict", include_in_schema=False)
def restrict_form(
    who: Who, st: StoreDep, case_id: Id, capture_id: Id, members: Annotated[str, Form(max_length=5000)] = ""
) -> Response:
    """The owner's form: comma-separated member names, or none to open the source to the case again."""
    names = [n.strip() for n in members.split(",") if n.strip()]
    with st.sessions.begin() as s:
        restrict_source(s, who, case_id, capture_id, names or None)
    return RedirectResponse(f"/cases/{case_id}/sources/{capture_id}", status_code=303)


@router.post("/cases/{case_id}/sources/add", include_in_schema=False)
def add_existing(who: Who, st: StoreDep, case_id: Id, capture: Annotated[list[int], Form()]) -> Response:
    """Add captures already in the store; each is a case event, like any other source."""
    with st.sessions.begin() as s:
        member(s, who, case_id, write=True)
        user = s.get(User, who[0])
        assert user is not None
        if not capture or not set(capture) <= addable(s, user, case_id, capture):
            raise HTTPException(422, "choose sources you can already see, not yet in this case")
        for cid in capture:
            capturing.add_capture(s, who, case_id, cid)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
