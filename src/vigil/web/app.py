"""The workbench's routes: pages under `/`, JSON under `/api`, both behind a session.

Every route but the sign-in page and static files needs a session; every
state-changing request needs the session's CSRF token; everything inside
a case answers 404 to a user who is not a member, so the existence of a
case is not revealed either.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.capture import custody
from vigil.capture.intake import Options, capture_url
from vigil.errors import VigilError
from vigil.model import KINDS
from vigil.store import audit, cases, monitor
from vigil.store.db import Store, open_store
from vigil.store.export import csv_row
from vigil.store.records import append, dumps, log_event, record_capture
from vigil.store.tables import (
    ActorRow,
    Capture,
    Case,
    CaseMember,
    CustodyEvent,
    Document,
    Review,
    StatementRow,
    User,
)
from vigil.web import auditing, auth, edits, queries
from vigil.web.csrf import CSRFMiddleware
from vigil.web.errors import install_error_handlers
from vigil.web.headers import install_security_headers

HERE = Path(__file__).parent
UPLOAD_LIMIT = 25 * 1024 * 1024
PAGE_SIZE = 50
SOURCES_PAGE = 100
SOURCE_MENU = 200
EXPORT_LIMIT = 1_000_000
API_LIMIT = 500
TIMELINE_PAGE = 500


# typed and bounded: a bad parameter is a 422, never a 500 from the database
Id = Annotated[int, PathParam(ge=1, le=2**53)]
PageNo = Annotated[int, Query(ge=1, le=1_000_000)]
Offset = Annotated[int, Query(ge=0, le=100_000_000)]
Limit = Annotated[int, Query(ge=1, le=API_LIMIT)]
Part = Literal["page", "warc", "screenshot"]


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


class NotSignedIn(Exception):
    pass


Identity = tuple[int, str, str, str]  # user id, name, global role, the session's CSRF token


def identity(request: Request) -> Identity:
    """Who is asking, from the session cookie; NotSignedIn when nobody is."""
    store: Store = request.app.state.store
    with store.sessions.begin() as s:
        found = auth.lookup(s, request.cookies.get(auth.COOKIE))
        if found is None:
            raise NotSignedIn()
        user, ws = found
        auditing.note_user(request, user.name)
        return user.id, user.name, user.role, ws.csrf


Who = Annotated[Identity, Depends(identity)]


def create_app(store: Store | None = None, allow_private: bool = False) -> FastAPI:
    """The ASGI app over `store` (default: the one VIGIL_HOME / VIGIL_DATABASE_URL name)."""
    st = store or open_store()
    app = FastAPI(title="Vigil workbench", version="0.1.0", docs_url=None, openapi_url=None, redoc_url=None)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["highlight"] = highlight
    templates.env.filters["fromjson"] = json.loads
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.state.store = st
    app.add_middleware(CSRFMiddleware)
    install_error_handlers(app)  # HTML error pages for people, JSON under /api, never a traceback
    app.add_middleware(auditing.AuditMiddleware, store=st)  # outside both: a 500 is audited too
    install_security_headers(app)  # last, so outermost: CSP and the rest on every response

    @contextmanager
    def db() -> Iterator[Session]:
        with st.sessions.begin() as s:
            yield s

    @app.exception_handler(NotSignedIn)
    def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    def member(
        s: Session, who: Identity, case_id: Id, write: bool = False
    ) -> tuple[Case, str, queries.Scope]:
        """The case, the user's role in it and what they may see of it; 404 to anyone outside."""
        user = s.get(User, who[0])
        assert user is not None
        found = queries.membership(s, user, case_id)
        if found is None:
            raise HTTPException(404, "not found")
        if write and (found[1] not in queries.WRITE_ROLES or user.role == "viewer"):
            raise HTTPException(403, "your role in this case is read-only")
        return found[0], found[1], queries.scope_for(s, case_id, user.id)

    def page(request: Request, name: str, who: Identity | None, **ctx: Any) -> HTMLResponse:
        ctx.update(
            request=request,
            user={"name": who[1], "role": who[2]} if who else None,
            csrf=who[3] if who else "",
            kinds=KINDS,
        )
        return templates.TemplateResponse(request, name, ctx)

    # ---- sign in ---------------------------------------------------------------------------------
    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request) -> HTMLResponse:
        return page(request, "login.html", signed_in_as(request), error=None)

    def signed_in_as(request: Request) -> Identity | None:
        """Someone signing in again while signed in: the form carries their CSRF token, as it must."""
        try:
            return identity(request)
        except NotSignedIn:
            return None

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request,
        name: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
        code: Annotated[str, Form()] = "",
    ) -> Response:
        """Either step of signing in: the password, then the second factor of an enrolled account."""
        auditing.note_user(request, name[:100] if not code else "(second factor)")  # every attempt is audited
        auditing.note_records(request, sign_in="code" if code else "password", name=name[:100])
        if not auth.same_origin(request):
            return login_refused(request, auth.SignInError(auth.CROSS_SITE, status=403))
        client = auth.client_of(request)
        secure = request.url.scheme == "https"
        done: auth.SignedIn | auth.NeedsCode
        try:
            if code:
                done = auth.second_step(st.sessions, client, code)
            else:
                everyone = auth.required_for_all(request.app.state)
                done = auth.first_step(st.sessions, client, name, password, everyone)
        except auth.SignInError as exc:
            return login_refused(request, exc)
        if isinstance(done, auth.SignedIn):
            return auth.signed_in(done, secure)
        resp = page(request, "login_code.html", signed_in_as(request), error=None)
        auth.set_cookie(resp, auth.PENDING_COOKIE, done.token, auth.PENDING_TTL, secure, path="/login")
        return resp

    def login_refused(request: Request, exc: auth.SignInError) -> HTMLResponse:
        form = "login_code.html" if exc.code_step else "login.html"
        resp = page(request, form, signed_in_as(request), error=str(exc))
        resp.status_code = exc.status
        return resp

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, who: Who) -> Response:
        with db() as s:
            auth.end_session(s, request.cookies.get(auth.COOKIE))
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(auth.COOKIE, path="/")
        resp.delete_cookie(auth.PENDING_COOKIE, path="/login")
        return resp

    # ---- cases -------------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, who: Who) -> HTMLResponse:
        with db() as s:
            user = s.get(User, who[0])
            assert user is not None
            rows = queries.cases_of(s, user)
            return page(request, "cases.html", who, cases=rows)

    def make_case(s: Session, who: Identity, name: str, description: str) -> Case:
        if who[2] == "viewer":
            raise HTTPException(403, "viewers cannot create cases")
        if not name.strip() or len(name) > 200 or len(description) > 10_000:
            raise HTTPException(422, "a case needs a name of at most 200 characters")
        return cases.create(s, name.strip(), description.strip(), who[0], who[1])

    @app.post("/cases", include_in_schema=False)
    def new_case(
        request: Request, who: Who, name: Annotated[str, Form()], description: Annotated[str, Form()] = ""
    ) -> Response:
        with db() as s:
            case = make_case(s, who, name, description)
            return RedirectResponse(f"/cases/{case.id}", status_code=303)

    @app.get("/cases/{case_id}", response_class=HTMLResponse, include_in_schema=False)
    def case_page(request: Request, who: Who, case_id: Id, page_no: PageNo = 1) -> HTMLResponse:
        with db() as s:
            case, role, scope = member(s, who, case_id)
            members = s.execute(
                select(User.name, CaseMember.role)
                .join(CaseMember, CaseMember.user_id == User.id)
                .where(CaseMember.case_id == case_id)
                .order_by(User.name)
            ).all()
            total = queries.source_count(s, scope)
            rows = queries.sources(s, scope, (page_no - 1) * SOURCES_PAGE, SOURCES_PAGE)
            counts = queries.statement_counts(s, [d.id for _, d in rows if d is not None])
            from vigil.web.routes.sources import candidates

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
                error=request.query_params.get("error"),
                page_no=page_no,
                pages=max(1, -(-total // SOURCES_PAGE)),
                total_sources=total,
                existing=candidates(s, me, case_id) if role in queries.WRITE_ROLES else [],
            )

    @app.post("/cases/{case_id}/members", include_in_schema=False)
    def add_member(
        request: Request, who: Who, case_id: Id, name: Annotated[str, Form()], role: Annotated[str, Form()]
    ) -> Response:
        with db() as s:
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

    def add_capture(s: Session, who: Identity, case_id: Id, capture_id: Id) -> int | None:
        """Add a capture to the case; the case's existing source when it holds the same bytes already."""
        cap = s.get(Capture, capture_id)
        assert cap is not None
        same = queries.source_with_bytes(s, case_id, cap.page_sha256)
        if same is not None and same != capture_id:
            return same
        if cases.add_source(s, case_id, capture_id, who[0], who[1]):
            log_event(s, "transferred", {"into_case": case_id}, capture_id=capture_id, actor=who[1])
        return None

    def do_capture(
        who: Identity,
        case_id: Id,
        url: str | None,
        upload: bytes | None,
        filename: str | None,
        note: str | None,
    ) -> tuple[int, str | None]:
        """Capture into the case: (the source's capture id, a notice when it is not a new source)."""
        if upload:
            with st.reads() as s:
                same = queries.source_with_bytes(s, case_id, hashlib.sha256(upload).hexdigest())
            if same is not None:
                return same, "these bytes are already a source of this case"
        try:
            if url:
                got = capture_url(
                    st, url.strip(), Options(note=note, allow_private=allow_private, collector=who[1])
                )
            elif upload:
                if len(upload) > UPLOAD_LIMIT:
                    raise VigilError("the file is over the 25 MB limit")
                got = record_capture(
                    st,
                    upload,
                    collector=who[1],
                    method="upload",
                    uri=f"urn:upload:{filename or 'file'}",
                    source_path=None,
                    note=note,
                )
            else:
                raise VigilError("give a URL or a file")
        except VigilError as exc:
            raise HTTPException(422, str(exc)) from None
        with db() as s:
            same = add_capture(s, who, case_id, got.capture.id)
        if same is not None:
            return same, f"captured again as capture {got.capture.id}: the same bytes as this source"
        return got.capture.id, got.error and f"recorded, not a source: {got.error}"

    @app.post("/cases/{case_id}/capture", include_in_schema=False)
    def capture_form(
        request: Request,
        who: Who,
        case_id: Id,
        url: Annotated[str, Form(max_length=4000)] = "",
        note: Annotated[str, Form(max_length=4000)] = "",
        file: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        # a plain def: FastAPI runs it in the thread pool, so a long capture never blocks other users
        with db() as s:
            member(s, who, case_id, write=True)
        data = file.file.read(UPLOAD_LIMIT + 1) if file is not None and file.filename else None
        try:
            cap, notice = do_capture(
                who, case_id, url or None, data, file.filename if file else None, note or None
            )
        except HTTPException as exc:
            return RedirectResponse(f"/cases/{case_id}?{urlencode({'error': exc.detail})}", status_code=303)
        query = f"?{urlencode({'notice': notice})}" if notice else ""
        return RedirectResponse(f"/cases/{case_id}/sources/{cap}{query}", status_code=303)

    # ---- one source ------------------------------------------------------------------------------
    def source_context(s: Session, who: Identity, case_id: Id, capture_id: Id) -> dict[str, Any]:
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
            "restricted": queries.restricted_names(s, case_id, capture_id),
            "capture": cap,
            "doc": doc,
            "statements": statements,
            "actors": actors,
            "events": events,
        }

    @app.get("/cases/{case_id}/sources/{capture_id}", response_class=HTMLResponse, include_in_schema=False)
    def source_page(request: Request, who: Who, case_id: Id, capture_id: Id) -> HTMLResponse:
        with db() as s:
            ctx = source_context(s, who, case_id, capture_id)
            auditing.note_records(request, statements=[v.id for v in ctx["statements"]])
            return page(request, "source.html", who, notice=request.query_params.get("notice"), **ctx)

    @app.get("/cases/{case_id}/sources/{capture_id}/original", include_in_schema=False)
    def original(who: Who, case_id: Id, capture_id: Id, part: Part = "page") -> Response:
        with db() as s:
            _, _, scope = member(s, who, case_id)
            cap = queries.capture_in_case(s, scope, capture_id)
            if cap is None:
                raise HTTPException(404, "not found")
            sha = {"page": cap.page_sha256, "warc": cap.warc_sha256, "screenshot": cap.screenshot_sha256}.get(
                part
            )
            media = {
                "page": "application/octet-stream",
                "warc": "application/warc",
                "screenshot": "image/png",
            }
            if not sha:
                raise HTTPException(404, "not found")
            log_event(s, "accessed", {"part": part, "sha256": sha}, capture_id=cap.id, actor=who[1])
        return Response(
            st.blobs.get(sha),
            media_type=media[part],
            headers={
                "Content-Disposition": f'attachment; filename="{sha}.{part}"',
                "X-Content-Type-Options": "nosniff",
            },
        )

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

    @app.post("/cases/{case_id}/sources/{capture_id}/restrict", include_in_schema=False)
    def restrict_form(
        who: Who, case_id: Id, capture_id: Id, members: Annotated[str, Form(max_length=5000)] = ""
    ) -> Response:
        names = [n.strip() for n in members.split(",") if n.strip()]
        with db() as s:
            restrict_source(s, who, case_id, capture_id, names or None)
        return RedirectResponse(f"/cases/{case_id}/sources/{capture_id}", status_code=303)

    # ---- review ----------------------------------------------------------------------------------
    def statement_in_case(s: Session, scope: queries.Scope, statement_id: Id) -> StatementRow:
        row = s.get(StatementRow, statement_id)
        if row is None or not queries.statement_visible(s, scope, statement_id):
            raise HTTPException(404, "not found")
        return row

    def review(
        s: Session,
        who: Identity,
        case_id: Id,
        statement_id: Id,
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

    @app.post("/cases/{case_id}/statements/{statement_id}/review", include_in_schema=False)
    def review_form(
        request: Request,
        who: Who,
        case_id: Id,
        statement_id: Id,
        action: Annotated[str, Form()],
        kind: Annotated[str, Form()] = "",
        speaker: Annotated[str, Form()] = "",
        target: Annotated[str, Form()] = "",
        date: Annotated[str, Form()] = "",
        back: Annotated[str, Form()] = "",
    ) -> Response:
        changes = {"kind": kind or None, "speaker": speaker, "target": target, "date": date}
        with db() as s:
            review(s, who, case_id, statement_id, action, {k: v for k, v in changes.items() if v is not None})
        dest = back if back.startswith(f"/cases/{case_id}/") else f"/cases/{case_id}/statements"
        return RedirectResponse(dest, status_code=303)

    @app.post("/cases/{case_id}/sources/{capture_id}/statements", include_in_schema=False)
    def add_statement(
        request: Request,
        who: Who,
        case_id: Id,
        capture_id: Id,
        start: Annotated[int, Form()],
        end: Annotated[int, Form()],
        kind: Annotated[str, Form()],
        speaker: Annotated[str, Form()],
        target: Annotated[str, Form()] = "",
        date: Annotated[str, Form()] = "",
    ) -> Response:
        with db() as s:
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
            text = doc.text[start:end]
            row = append(
                s,
                StatementRow(
                    document_id=doc.id,
                    local_id=f"p{start}",
                    kind=given["kind"],
                    speaker_actor_id=None,
                    speaker_name=given.get("speaker"),
                    target_actor_id=None,
                    target_name=given.get("target"),
                    text=text,
                    span_start=start,
                    span_end=end,
                    quote=None,
                    cue="(added by a person)",
                    date=given.get("date"),
                    confidence=1.0,
                    extractor_version="person",
                    origin="person",
                    case_id=case_id,
                ),
            )
            append(
                s,
                Review(
                    statement_id=row.id,
                    case_id=case_id,
                    action="added",
                    changes=dumps({}),
                    reviewer=who[1],
                    at=custody.now(),
                ),
            )
        return RedirectResponse(f"/cases/{case_id}/sources/{capture_id}", status_code=303)

    # ---- statements, actors, timeline ------------------------------------------------------------
    def filtered(s: Session, scope: queries.Scope, params: dict[str, str]) -> list[queries.StatementView]:
        """Every statement of the case under the filters (for exports)."""
        rows, _ = queries.statement_page(s, scope, params, 0, EXPORT_LIMIT)
        return rows

    FILTERS = ("q", "kind", "speaker", "target", "source", "reviewed", "since", "until")

    @app.get("/cases/{case_id}/statements", response_class=HTMLResponse, include_in_schema=False)
    def statements_page(request: Request, who: Who, case_id: Id, page_no: PageNo = 1) -> Response:
        params = {k: request.query_params.get(k, "") for k in FILTERS}
        with db() as s:
            case, role, scope = member(s, who, case_id)
            rows = filtered(s, scope, params)
            fmt = request.query_params.get("format")
            if fmt in ("csv", "json"):
                auditing.note_records(request, exported=[v.id for v in rows], format=fmt)
                return export_response(s, who, case_id, rows, fmt)
            speakers = queries.speakers(s, scope)
            srcs = queries.sources(s, scope) if queries.source_count(s, scope) <= SOURCE_MENU else []
            total = len(rows)
            start = (max(page_no, 1) - 1) * PAGE_SIZE
            query = "&".join(f"{k}={v}" for k, v in params.items() if v)
            return page(
                request,
                "statements.html",
                who,
                case=case,
                role=role,
                rows=rows[start : start + PAGE_SIZE],
                total=total,
                page_no=max(page_no, 1),
                pages=max(1, -(-total // PAGE_SIZE)),
                params=params,
                speakers=speakers,
                sources=srcs,
                query=query,
            )

    def export_response(
        s: Session, who: Identity, case_id: Id, rows: list[queries.StatementView], fmt: str
    ) -> Response:
        fields = (
            "id",
            "status",
            "kind",
            "speaker",
            "target",
            "date",
            "text",
            "quote",
            "title",
            "capture_id",
            "reviewer",
            "reviewed_at",
        )
        data = [{f: getattr(v, f) for f in fields} for v in rows]
        log_event(s, "exported", {"case": case_id, "format": fmt, "records": len(data)}, actor=who[1])
        if fmt == "json":
            return JSONResponse(
                data, headers={"Content-Disposition": f'attachment; filename="case-{case_id}.json"'}
            )
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=fields)
        w.writeheader()
        w.writerows(csv_row(r) for r in data)  # no cell may start like a spreadsheet formula
        return Response(
            buf.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="case-{case_id}.csv"'},
        )

    @app.get("/cases/{case_id}/actors", response_class=HTMLResponse, include_in_schema=False)
    def actors_page(request: Request, who: Who, case_id: Id) -> HTMLResponse:
        with db() as s:
            case, role, scope = member(s, who, case_id)
            views = sorted(queries.actor_views(s, scope).values(), key=lambda a: (-a.said - a.about, a.name))
            return page(request, "actors.html", who, case=case, role=role, actors=views)

    @app.get("/cases/{case_id}/actors/{key}", response_class=HTMLResponse, include_in_schema=False)
    def actor_page(
        request: Request, who: Who, case_id: Id, key: Annotated[str, PathParam(max_length=500)]
    ) -> HTMLResponse:
        with db() as s:
            case, role, scope = member(s, who, case_id)
            views = queries.actor_views(s, scope)
            a = views.get(key)
            if a is None:
                raise HTTPException(404, "not found")
            by = queries.statements_of_actor(s, scope, key, "speaker")
            about = queries.statements_of_actor(s, scope, key, "target")
            others = sorted((v for k, v in views.items() if k != key), key=lambda v: v.name)
            return page(
                request, "actor.html", who, case=case, role=role, actor=a, by=by, about=about, others=others
            )

    @app.post("/cases/{case_id}/actors/merge", include_in_schema=False)
    def merge_actors(
        request: Request, who: Who, case_id: Id, source: Annotated[str, Form()], into: Annotated[str, Form()]
    ) -> Response:
        with db() as s:
            _, _, scope = member(s, who, case_id, write=True)
            views = queries.actor_views(s, scope)
            if source not in views or into not in views or source == into:
                raise HTTPException(422, "choose two different actors of this case")
            judge(s, who, case_id, source, into, "same")
        return RedirectResponse(f"/cases/{case_id}/actors/{quote(into, safe='')}", status_code=303)

    @app.post("/cases/{case_id}/actors/split", include_in_schema=False)
    def split_actor(
        who: Who,
        case_id: Id,
        actor: Annotated[str, Form(max_length=500)],
        name: Annotated[str, Form(max_length=500)],
    ) -> Response:
        """Keep one of an actor's names apart from it: a `different` judgement, over any earlier one."""
        with db() as s:
            _, _, scope = member(s, who, case_id, write=True)
            a = queries.actor_views(s, scope).get(actor)
            if a is None or name not in a.aliases:
                raise HTTPException(422, "choose one of this actor's other names")
            judge(s, who, case_id, actor, name, "different")
        return RedirectResponse(f"/cases/{case_id}/actors", status_code=303)

    def judge(s: Session, who: Identity, case_id: int, left: str, right: str, verdict: str) -> None:
        monitor.record_judgement(s, left, right, verdict, who[1], case_id=case_id)

    @app.get("/cases/{case_id}/timeline", response_class=HTMLResponse, include_in_schema=False)
    def timeline_page(request: Request, who: Who, case_id: Id, page_no: PageNo = 1) -> HTMLResponse:
        with db() as s:
            case, role, scope = member(s, who, case_id)
            page_no = max(page_no, 1)
            rows, total = queries.statement_page(
                s, scope, {}, (page_no - 1) * TIMELINE_PAGE, TIMELINE_PAGE, order="date"
            )
            pages = max(1, -(-total // TIMELINE_PAGE))
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

    # ---- admin ---------------------------------------------------------------------------------
    @app.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
    def audit_page(
        request: Request,
        who: Who,
        user: Annotated[str, Query(max_length=100)] = "",
        case: Annotated[str, Query(max_length=20, pattern=r"^\d*$")] = "",
        since: Annotated[str, Query(max_length=40, pattern=r"^[0-9T:Z-]*$")] = "",
    ) -> HTMLResponse:
        if who[2] != "admin":
            raise HTTPException(404, "not found")  # the page's existence is not revealed either
        with st.reads() as s:
            rows = audit.events(
                s, user=user or None, case_id=int(case) if case else None, since=since or None
            )
            events = [audit.as_dict(e) for e in rows]
        filters = {"user": user, "case": case, "since": since}
        return page(request, "audit.html", who, events=events, filters=filters, limit=1000)

    # ---- JSON API ------------------------------------------------------------------------------
    api = APIRouter(prefix="/api")

    @api.get("/cases")
    def api_cases(who: Who) -> list[dict[str, Any]]:
        with db() as s:
            user = s.get(User, who[0])
            assert user is not None
            return [
                {"id": c.id, "name": c.name, "description": c.description, "role": r, "sources": n}
                for c, r, n in queries.cases_of(s, user)
            ]

    @api.post("/cases", status_code=201)
    def api_new_case(who: Who, body: NewCaseBody) -> dict[str, Any]:
        with db() as s:
            case = make_case(s, who, body.name, body.description)
            return {"id": case.id, "name": case.name}

    @api.get("/cases/{case_id}")
    def api_case(who: Who, case_id: Id) -> dict[str, Any]:
        with db() as s:
            case, role, scope = member(s, who, case_id)
            return {
                "id": case.id,
                "name": case.name,
                "description": case.description,
                "role": role,
                "sources": [source_json(c, d) for c, d in queries.sources(s, scope)],
            }

    @api.get("/cases/{case_id}/sources/{capture_id}")
    def api_source(who: Who, case_id: Id, capture_id: Id) -> dict[str, Any]:
        with db() as s:
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

    @api.get("/cases/{case_id}/statements")
    def api_statements(
        request: Request, who: Who, case_id: Id, offset: Offset = 0, limit: Limit = API_LIMIT
    ) -> list[dict[str, Any]]:
        params = {k: request.query_params.get(k, "") for k in FILTERS}
        with db() as s:
            _, _, scope = member(s, who, case_id)
            rows, _ = queries.statement_page(s, scope, params, max(offset, 0), min(max(limit, 1), API_LIMIT))
            return [statement_json(v) for v in rows]

    @api.post("/cases/{case_id}/statements/{statement_id}/review")
    def api_review(who: Who, case_id: Id, statement_id: Id, body: ReviewBody) -> dict[str, Any]:
        with db() as s:
            scope = review(s, who, case_id, statement_id, body.action, body.changes or {})
            views = {v.id: v for v in queries.statement_views(s, scope)}
            return statement_json(views[statement_id])

    @api.post("/cases/{case_id}/capture", status_code=201)
    def api_capture(who: Who, case_id: Id, body: CaptureBody) -> dict[str, Any]:
        with db() as s:
            member(s, who, case_id, write=True)
        cap, notice = do_capture(who, case_id, body.url, None, None, body.note)
        return {"capture_id": cap, "notice": notice}

    @api.post("/cases/{case_id}/sources/{capture_id}/restrict")
    def api_restrict(who: Who, case_id: Id, capture_id: Id, body: RestrictBody) -> dict[str, Any]:
        with db() as s:
            restrict_source(s, who, case_id, capture_id, body.members)
        return {"capture_id": capture_id, "members": body.members}

    @api.get("/cases/{case_id}/actors")
    def api_actors(who: Who, case_id: Id) -> list[dict[str, Any]]:
        with db() as s:
            _, _, scope = member(s, who, case_id)
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
                for a in queries.actor_views(s, scope).values()
            ]

    @api.get("/cases/{case_id}/timeline")
    def api_timeline(
        who: Who, case_id: Id, offset: Offset = 0, limit: Limit = API_LIMIT
    ) -> list[dict[str, Any]]:
        with db() as s:
            _, _, scope = member(s, who, case_id)
            page_rows, _ = queries.statement_page(
                s, scope, {}, max(offset, 0), min(max(limit, 1), API_LIMIT), order="date"
            )
            rows = [v for v in page_rows if v.status != "rejected"]
            return [
                {"date": g, "precision": precision(g), "statements": [statement_json(v) for v in vs]}
                for g, vs in timeline(rows)
            ]

    @api.get("/cases/{case_id}/export")
    def api_export(
        request: Request,
        who: Who,
        case_id: Id,
        format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
    ) -> Response:
        params = {k: request.query_params.get(k, "") for k in FILTERS}
        if format not in ("json", "csv"):
            raise HTTPException(422, "format must be json or csv")
        with db() as s:
            _, _, scope = member(s, who, case_id)
            rows = filtered(s, scope, params)
            auditing.note_records(request, exported=[v.id for v in rows], format=format)
            return export_response(s, who, case_id, rows, format)

    @api.get("/cases/{case_id}/sources/{capture_id}/original")
    def api_original(who: Who, case_id: Id, capture_id: Id, part: Part = "page") -> Response:
        return original(who, case_id, capture_id, part)

    @api.get("/openapi.json", include_in_schema=False)
    def openapi(who: Who) -> JSONResponse:
        return JSONResponse(get_openapi(title=app.title, version=app.version, routes=app.routes))

    @api.get("/docs", include_in_schema=False)
    def docs(request: Request, who: Who) -> HTMLResponse:
        """Swagger UI from /static/swagger/ (pinned, see its VERSION), started by a static script."""
        return templates.TemplateResponse(request, "api_docs.html", {"csrf": who[3]})

    from vigil.web.routes import monitor as monitor_routes
    from vigil.web.routes import sources as source_routes

    monitor_routes.install(app, api, db, member, page)
    source_routes.install(app, db, member, add_capture)
    app.include_router(api)
    return app


def source_json(cap: Any, doc: Document | None) -> dict[str, Any]:
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


def precision(date: str | None) -> str | None:
    if not date:
        return None
    if date.startswith("--"):
        return "day, year unknown" if len(date) == 7 else "month, year unknown"
    return {4: "year", 7: "month", 10: "day"}.get(len(date), "unknown")


def sort_key(date: str) -> tuple[int, str]:
    """Dated statements in order; a month sorts before its days; year-unknown dates come after."""
    if date.startswith("--"):
        return (1, date)
    return (0, date)


def timeline(rows: list[queries.StatementView]) -> list[tuple[str, list[queries.StatementView]]]:
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
                f'<mark class="st {st.kind}" data-statement="{st.id}" title="{st.kind} by '
                f'{html.escape(st.speaker or "?")}">{seg}</mark>'
            )
        parts.append(seg)
    return Markup("<p>" + "".join(parts) + "</p>")
