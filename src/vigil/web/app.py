"""The workbench's routes: pages under `/`, JSON under `/api`, both behind a session.

Every route but the sign-in page and static files needs a session; every
state-changing request needs the session's CSRF token; everything inside
a case answers 404 to a user who is not a member, so the existence of a
case is not revealed either.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.capture import custody
from vigil.capture.intake import Options, capture_url
from vigil.errors import VigilError
from vigil.model import KINDS
from vigil.store.db import Store, open_store
from vigil.store.records import append, dumps, log_event, record_capture
from vigil.store.tables import (
    ActorMerge,
    ActorRow,
    Case,
    CaseCapture,
    CaseMember,
    CustodyEvent,
    Document,
    Review,
    StatementRow,
    User,
)
from vigil.web import auth, queries
from vigil.web.csrf import CSRFMiddleware

HERE = Path(__file__).parent
DATE_RX = re.compile(r"^(?:\d{4}(?:-\d{2}(?:-\d{2})?)?|--\d{2}(?:-\d{2})?)$")
PAGE_SIZE = 50
SOURCES_PAGE = 100
SOURCE_MENU = 200
EXPORT_LIMIT = 1_000_000
API_LIMIT = 500
TIMELINE_PAGE = 500


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

    @contextmanager
    def db() -> Iterator[Session]:
        with st.sessions.begin() as s:
            yield s

    @app.exception_handler(NotSignedIn)
    def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    def member(s: Session, who: Identity, case_id: int, write: bool = False) -> tuple[Case, str]:
        user = s.get(User, who[0])
        assert user is not None
        found = queries.membership(s, user, case_id)
        if found is None:
            raise HTTPException(404, "not found")
        if write and (found[1] not in queries.WRITE_ROLES or user.role == "viewer"):
            raise HTTPException(403, "your role in this case is read-only")
        return found

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
        return page(request, "login.html", None, error=None)

    @app.post("/login", include_in_schema=False)
    def login(request: Request, name: Annotated[str, Form()], password: Annotated[str, Form()]) -> Response:
        error: str | None = None
        with db() as s:  # a failed attempt is counted and committed, so lockout works
            try:
                user = auth.authenticate(s, name, password)
                token, _ = auth.start_session(s, user)
            except auth.SignInError as exc:
                error = str(exc)
        if error is not None:
            resp = page(request, "login.html", None, error=error)
            resp.status_code = 401
            return resp
        resp2 = RedirectResponse("/", status_code=303)
        resp2.set_cookie(
            auth.COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            max_age=int(auth.SESSION_TTL.total_seconds()),
            path="/",
        )
        return resp2

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, who: Who) -> Response:
        with db() as s:
            auth.end_session(s, request.cookies.get(auth.COOKIE))
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(auth.COOKIE, path="/")
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
        if not name.strip():
            raise HTTPException(422, "a case needs a name")
        case = Case(
            name=name.strip()[:200],
            description=description.strip(),
            created_by=who[0],
            created_at=custody.now(),
        )
        s.add(case)
        s.flush()
        s.add(CaseMember(case_id=case.id, user_id=who[0], role="owner"))
        return case

    @app.post("/cases", include_in_schema=False)
    def new_case(
        request: Request, who: Who, name: Annotated[str, Form()], description: Annotated[str, Form()] = ""
    ) -> Response:
        with db() as s:
            case = make_case(s, who, name, description)
            return RedirectResponse(f"/cases/{case.id}", status_code=303)

    @app.get("/cases/{case_id}", response_class=HTMLResponse, include_in_schema=False)
    def case_page(request: Request, who: Who, case_id: int) -> HTMLResponse:
        with db() as s:
            case, role = member(s, who, case_id)
            members = s.execute(
                select(User.name, CaseMember.role)
                .join(CaseMember, CaseMember.user_id == User.id)
                .where(CaseMember.case_id == case_id)
                .order_by(User.name)
            ).all()
            total = queries.source_count(s, case_id)
            page_no = max(int(request.query_params.get("page_no", "1") or 1), 1)
            rows = queries.sources(s, case_id, (page_no - 1) * SOURCES_PAGE, SOURCES_PAGE)
            counts = queries.statement_counts(s, [d.id for _, d in rows if d is not None])
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
            )

    @app.post("/cases/{case_id}/members", include_in_schema=False)
    def add_member(
        request: Request, who: Who, case_id: int, name: Annotated[str, Form()], role: Annotated[str, Form()]
    ) -> Response:
        with db() as s:
            _, my = member(s, who, case_id, write=True)
            if my != "owner":
                raise HTTPException(403, "only the case's owner adds members")
            if role not in ("owner", "editor", "viewer"):
                raise HTTPException(422, "role must be owner, editor or viewer")
            other = s.scalar(select(User).where(User.name == name))
            if other is None:
                return RedirectResponse(f"/cases/{case_id}?error=no+such+user", status_code=303)
            existing = s.get(CaseMember, (case_id, other.id))
            if existing is None:
                s.add(CaseMember(case_id=case_id, user_id=other.id, role=role))
            else:
                existing.role = role
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    def add_capture(s: Session, who: Identity, case_id: int, capture_id: int) -> None:
        if s.get(CaseCapture, (case_id, capture_id)) is None:
            s.add(
                CaseCapture(case_id=case_id, capture_id=capture_id, added_by=who[0], added_at=custody.now())
            )
            log_event(s, "transferred", {"into_case": case_id}, capture_id=capture_id, actor=who[1])

    def do_capture(
        who: Identity,
        case_id: int,
        url: str | None,
        upload: bytes | None,
        filename: str | None,
        note: str | None,
    ) -> int:
        try:
            if url:
                got = capture_url(
                    st, url.strip(), Options(note=note, allow_private=allow_private, collector=who[1])
                )
            elif upload:
                if len(upload) > 25 * 1024 * 1024:
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
            add_capture(s, who, case_id, got.capture.id)
        return got.capture.id

    @app.post("/cases/{case_id}/capture", include_in_schema=False)
    async def capture_form(
        request: Request,
        who: Who,
        case_id: int,
        url: Annotated[str, Form()] = "",
        note: Annotated[str, Form()] = "",
        file: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        with db() as s:
            member(s, who, case_id, write=True)
        data = await file.read() if file is not None and file.filename else None
        try:
            cap = do_capture(who, case_id, url or None, data, file.filename if file else None, note or None)
        except HTTPException as exc:
            return RedirectResponse(f"/cases/{case_id}?error={exc.detail}", status_code=303)
        return RedirectResponse(f"/cases/{case_id}/sources/{cap}", status_code=303)

    # ---- one source ------------------------------------------------------------------------------
    def source_context(s: Session, who: Identity, case_id: int, capture_id: int) -> dict[str, Any]:
        case, role = member(s, who, case_id)
        cap = queries.capture_in_case(s, case_id, capture_id)
        if cap is None:
            raise HTTPException(404, "not found")
        doc = queries.current_document(s, cap.page_sha256)
        statements = queries.statement_views(s, case_id, doc) if doc else []
        actors = s.scalars(select(ActorRow).where(ActorRow.document_id == doc.id)).all() if doc else []
        events = s.scalars(
            select(CustodyEvent).where(CustodyEvent.capture_id == cap.id).order_by(CustodyEvent.id)
        ).all()
        return {
            "case": case,
            "role": role,
            "capture": cap,
            "doc": doc,
            "statements": statements,
            "actors": actors,
            "events": events,
        }

    @app.get("/cases/{case_id}/sources/{capture_id}", response_class=HTMLResponse, include_in_schema=False)
    def source_page(request: Request, who: Who, case_id: int, capture_id: int) -> HTMLResponse:
        with db() as s:
            ctx = source_context(s, who, case_id, capture_id)
            return page(request, "source.html", who, **ctx)

    @app.get("/cases/{case_id}/sources/{capture_id}/original", include_in_schema=False)
    def original(who: Who, case_id: int, capture_id: int, part: str = "page") -> Response:
        with db() as s:
            member(s, who, case_id)
            cap = queries.capture_in_case(s, case_id, capture_id)
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

    # ---- review ----------------------------------------------------------------------------------
    def statement_in_case(s: Session, case_id: int, statement_id: int) -> StatementRow:
        row = s.get(StatementRow, statement_id)
        docs = {d.id for d in queries.case_documents(s, case_id)}
        if row is None or row.document_id not in docs:
            raise HTTPException(404, "not found")
        return row

    def review(
        s: Session,
        who: Identity,
        case_id: int,
        statement_id: int,
        action: str,
        changes: dict[str, Any],
    ) -> None:
        member(s, who, case_id, write=True)
        statement_in_case(s, case_id, statement_id)
        if action not in ("accepted", "edited", "rejected"):
            raise HTTPException(422, "action must be accepted, edited or rejected")
        clean: dict[str, Any] = {}
        if action == "edited":
            if changes.get("kind") is not None and changes["kind"] not in KINDS:
                raise HTTPException(422, f"kind must be one of {', '.join(KINDS)}")
            if changes.get("date") and not DATE_RX.match(changes["date"]):
                raise HTTPException(422, "date must be YYYY, YYYY-MM, YYYY-MM-DD, --MM or --MM-DD")
            clean = {
                k: (v or None)
                for k, v in changes.items()
                if k in ("kind", "speaker", "target", "date") and v is not None
            }
        append(
            s,
            Review(
                statement_id=statement_id,
                action=action,
                changes=dumps(clean),
                reviewer=who[1],
                at=custody.now(),
            ),
        )

    @app.post("/cases/{case_id}/statements/{statement_id}/review", include_in_schema=False)
    def review_form(
        request: Request,
        who: Who,
        case_id: int,
        statement_id: int,
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
        case_id: int,
        capture_id: int,
        start: Annotated[int, Form()],
        end: Annotated[int, Form()],
        kind: Annotated[str, Form()],
        speaker: Annotated[str, Form()],
        target: Annotated[str, Form()] = "",
        date: Annotated[str, Form()] = "",
    ) -> Response:
        with db() as s:
            member(s, who, case_id, write=True)
            cap = queries.capture_in_case(s, case_id, capture_id)
            doc = queries.current_document(s, cap.page_sha256) if cap else None
            if doc is None:
                raise HTTPException(404, "not found")
            if kind not in KINDS:
                raise HTTPException(422, f"kind must be one of {', '.join(KINDS)}")
            if not (0 <= start < end <= len(doc.text)):
                raise HTTPException(422, "the selection is outside the text")
            if date and not DATE_RX.match(date):
                raise HTTPException(422, "date must be YYYY, YYYY-MM, YYYY-MM-DD, --MM or --MM-DD")
            text = doc.text[start:end]
            row = append(
                s,
                StatementRow(
                    document_id=doc.id,
                    local_id=f"p{start}",
                    kind=kind,
                    speaker_actor_id=None,
                    speaker_name=speaker.strip() or None,
                    target_actor_id=None,
                    target_name=target.strip() or None,
                    text=text,
                    span_start=start,
                    span_end=end,
                    quote=None,
                    cue="(added by a person)",
                    date=date or None,
                    confidence=1.0,
                    extractor_version="person",
                    origin="person",
                ),
            )
            append(
                s,
                Review(
                    statement_id=row.id, action="added", changes=dumps({}), reviewer=who[1], at=custody.now()
                ),
            )
        return RedirectResponse(f"/cases/{case_id}/sources/{capture_id}", status_code=303)

    # ---- statements, actors, timeline ------------------------------------------------------------
    def filtered(s: Session, case_id: int, params: dict[str, str]) -> list[queries.StatementView]:
        """Every statement of the case under the filters (for exports)."""
        rows, _ = queries.statement_page(s, case_id, params, 0, EXPORT_LIMIT)
        return rows

    FILTERS = ("q", "kind", "speaker", "target", "source", "reviewed", "since", "until")

    @app.get("/cases/{case_id}/statements", response_class=HTMLResponse, include_in_schema=False)
    def statements_page(request: Request, who: Who, case_id: int, page_no: int = 1) -> Response:
        params = {k: request.query_params.get(k, "") for k in FILTERS}
        with db() as s:
            case, role = member(s, who, case_id)
            rows = filtered(s, case_id, params)
            fmt = request.query_params.get("format")
            if fmt in ("csv", "json"):
                return export_response(s, who, case_id, rows, fmt)
            speakers = queries.speakers(s, case_id)
            srcs = queries.sources(s, case_id) if queries.source_count(s, case_id) <= SOURCE_MENU else []
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
        s: Session, who: Identity, case_id: int, rows: list[queries.StatementView], fmt: str
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
        w.writerows(data)
        return Response(
            buf.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="case-{case_id}.csv"'},
        )

    @app.get("/cases/{case_id}/actors", response_class=HTMLResponse, include_in_schema=False)
    def actors_page(request: Request, who: Who, case_id: int) -> HTMLResponse:
        with db() as s:
            case, role = member(s, who, case_id)
            views = sorted(
                queries.actor_views(s, case_id).values(), key=lambda a: (-a.said - a.about, a.name)
            )
            return page(request, "actors.html", who, case=case, role=role, actors=views)

    @app.get("/cases/{case_id}/actors/{key}", response_class=HTMLResponse, include_in_schema=False)
    def actor_page(request: Request, who: Who, case_id: int, key: str) -> HTMLResponse:
        with db() as s:
            case, role = member(s, who, case_id)
            views = queries.actor_views(s, case_id)
            a = views.get(key)
            if a is None:
                raise HTTPException(404, "not found")
            by = queries.statements_of_actor(s, case_id, key, "speaker")
            about = queries.statements_of_actor(s, case_id, key, "target")
            others = sorted((v for k, v in views.items() if k != key), key=lambda v: v.name)
            return page(
                request, "actor.html", who, case=case, role=role, actor=a, by=by, about=about, others=others
            )

    @app.post("/cases/{case_id}/actors/merge", include_in_schema=False)
    def merge_actors(
        request: Request, who: Who, case_id: int, source: Annotated[str, Form()], into: Annotated[str, Form()]
    ) -> Response:
        with db() as s:
            member(s, who, case_id, write=True)
            views = queries.actor_views(s, case_id)
            if source not in views or into not in views or source == into:
                raise HTTPException(422, "choose two different actors of this case")
            append(
                s, ActorMerge(case_id=case_id, from_key=source, into_key=into, by=who[1], at=custody.now())
            )
        return RedirectResponse(f"/cases/{case_id}/actors/{into}", status_code=303)

    @app.get("/cases/{case_id}/timeline", response_class=HTMLResponse, include_in_schema=False)
    def timeline_page(request: Request, who: Who, case_id: int, page_no: int = 1) -> HTMLResponse:
        with db() as s:
            case, role = member(s, who, case_id)
            page_no = max(page_no, 1)
            rows, total = queries.statement_page(
                s, case_id, {}, (page_no - 1) * TIMELINE_PAGE, TIMELINE_PAGE, order="date"
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
    async def api_new_case(request: Request, who: Who) -> dict[str, Any]:
        body = await json_body(request)
        with db() as s:
            case = make_case(s, who, str(body.get("name", "")), str(body.get("description", "")))
            return {"id": case.id, "name": case.name}

    @api.get("/cases/{case_id}")
    def api_case(who: Who, case_id: int) -> dict[str, Any]:
        with db() as s:
            case, role = member(s, who, case_id)
            return {
                "id": case.id,
                "name": case.name,
                "description": case.description,
                "role": role,
                "sources": [source_json(c, d) for c, d in queries.sources(s, case_id)],
            }

    @api.get("/cases/{case_id}/sources/{capture_id}")
    def api_source(who: Who, case_id: int, capture_id: int) -> dict[str, Any]:
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
        request: Request, who: Who, case_id: int, offset: int = 0, limit: int = API_LIMIT
    ) -> list[dict[str, Any]]:
        params = {k: request.query_params.get(k, "") for k in FILTERS}
        with db() as s:
            member(s, who, case_id)
            rows, _ = queries.statement_page(
                s, case_id, params, max(offset, 0), min(max(limit, 1), API_LIMIT)
            )
            return [statement_json(v) for v in rows]

    @api.post("/cases/{case_id}/statements/{statement_id}/review")
    async def api_review(request: Request, who: Who, case_id: int, statement_id: int) -> dict[str, Any]:
        body = await json_body(request)
        with db() as s:
            review(
                s, who, case_id, statement_id, str(body.get("action", "")), dict(body.get("changes") or {})
            )
            views = {v.id: v for v in queries.statement_views(s, case_id)}
            return statement_json(views[statement_id])

    @api.post("/cases/{case_id}/capture", status_code=201)
    async def api_capture(request: Request, who: Who, case_id: int) -> dict[str, Any]:
        body = await json_body(request)
        with db() as s:
            member(s, who, case_id, write=True)
        cap = do_capture(who, case_id, str(body.get("url") or "") or None, None, None, body.get("note"))
        return {"capture_id": cap}

    @api.get("/cases/{case_id}/actors")
    def api_actors(who: Who, case_id: int) -> list[dict[str, Any]]:
        with db() as s:
            member(s, who, case_id)
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
                for a in queries.actor_views(s, case_id).values()
            ]

    @api.get("/cases/{case_id}/timeline")
    def api_timeline(who: Who, case_id: int, offset: int = 0, limit: int = API_LIMIT) -> list[dict[str, Any]]:
        with db() as s:
            member(s, who, case_id)
            page_rows, _ = queries.statement_page(
                s, case_id, {}, max(offset, 0), min(max(limit, 1), API_LIMIT), order="date"
            )
            rows = [v for v in page_rows if v.status != "rejected"]
            return [
                {"date": g, "precision": precision(g), "statements": [statement_json(v) for v in vs]}
                for g, vs in timeline(rows)
            ]

    @api.get("/cases/{case_id}/export")
    def api_export(request: Request, who: Who, case_id: int, format: str = "json") -> Response:
        params = {k: request.query_params.get(k, "") for k in FILTERS}
        if format not in ("json", "csv"):
            raise HTTPException(422, "format must be json or csv")
        with db() as s:
            member(s, who, case_id)
            return export_response(s, who, case_id, filtered(s, case_id, params), format)

    @api.get("/cases/{case_id}/sources/{capture_id}/original")
    def api_original(who: Who, case_id: int, capture_id: int, part: str = "page") -> Response:
        return original(who, case_id, capture_id, part)

    @api.get("/openapi.json", include_in_schema=False)
    def openapi(who: Who) -> JSONResponse:
        return JSONResponse(get_openapi(title=app.title, version=app.version, routes=app.routes))

    @api.get("/docs", include_in_schema=False)
    def docs(who: Who) -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="Vigil API")

    app.include_router(api)
    return app


async def json_body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise HTTPException(422, "the body must be JSON") from None
    if not isinstance(body, dict):
        raise HTTPException(422, "the body must be a JSON object")
    return body


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
        groups.setdefault(v.date or "", []).append(v)
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
