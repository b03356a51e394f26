"""What every router shares: who is asking, the store, the case check and the page renderer.

One place, so that each resource's routes check access the same way: a route
asks for `Who` (a session, else sign-in), `StoreDep` (the app's store), and
calls `member` inside its transaction before it reads or writes anything of
a case. CSRF is not here: `csrf.CSRFMiddleware` checks every state-changing
request before any route runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from vigil.model import KINDS
from vigil.plural import counted
from vigil.store.db import Store
from vigil.store.tables import User
from vigil.web import auditing, auth, queries, readable
from vigil.web.present import highlight

HERE = Path(__file__).parent
API_LIMIT = 500
API_PAGE = 100  # rows an API list answers unless `limit` asks for more (at most API_LIMIT)

# typed and bounded: a bad parameter is a 422, never a 500 from the database
Id = Annotated[int, PathParam(ge=1, le=2**53)]
PageNo = Annotated[int, Query(ge=1, le=1_000_000)]
Offset = Annotated[int, Query(ge=0, le=100_000_000)]
Limit = Annotated[int, Query(ge=1, le=API_LIMIT)]
Part = Literal["page", "warc", "screenshot"]

templates = Jinja2Templates(directory=str(HERE / "templates"))


def howmany(n: int, noun: str, plural: str | None = None, exact: bool = True) -> str:
    """ "1 statement", "3 statements", "more than 1,000 statements" (`exact` False: a count that
    stopped there)."""
    many = plural or f"{noun}s"
    if not exact:
        return f"more than {n:,} {many}"
    return counted(n, noun, many)


templates.env.filters["highlight"] = highlight
templates.env.filters["howmany"] = howmany
templates.env.filters["day"] = readable.day
templates.env.filters["when"] = readable.when
templates.env.filters["fromjson"] = json.loads


class NotSignedIn(Exception):
    """Raised by `identity`; `not_signed_in` turns it into a 401 for programs, sign-in for people."""


Identity = tuple[int, str, str, str]  # user id, name, global role, the session's CSRF token


def identity(request: Request) -> Identity:
    """Who is asking, from the session cookie; NotSignedIn when nobody is."""
    store: Store = request.app.state.store
    token = request.cookies.get(auth.COOKIE)
    with store.reads() as s:  # most requests only read it: no write lock for them
        seen = auth.current(s, token)
    if seen is not None:
        auditing.note_user(request, seen[1])
        return seen
    with store.sessions.begin() as s:  # an idle session to end, or last-seen to move on
        found = auth.lookup(s, token)
        if found is None:
            raise NotSignedIn()
        return _signed_in(request, *found)


def _signed_in(request: Request, user: User, ws: Any) -> Identity:
    auditing.note_user(request, user.name)
    return user.id, user.name, user.role, ws.csrf


Who = Annotated[Identity, Depends(identity)]


def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
    """The API answers 401 (a program cannot follow a form); pages send the person to sign in."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": "sign in first"}, status_code=401)
    return RedirectResponse("/login", status_code=303)


async def store_of(request: Request) -> Store:
    """The app's store, set by `create_app`: routes get it from here, not from a global."""
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(store_of)]


def member(s: Session, who: Identity, case_id: int, write: bool = False) -> tuple[Any, str, queries.Scope]:
    """The case (a row), the user's role in it and what they may see of it; 404 to anyone outside."""
    user_id, _, global_role, _ = who  # as `identity` read it at the start of this request
    found = queries.membership(s, user_id, case_id)
    if found is None:
        raise HTTPException(404, "not found")
    if write and (found[1] not in queries.WRITE_ROLES or global_role == "viewer"):
        raise HTTPException(403, "your role in this case is read-only")
    return found[0], found[1], queries.scope_for(s, case_id, user_id)


def page(request: Request, name: str, who: Identity | None, **ctx: Any) -> HTMLResponse:
    """Render a page with what base.html needs: the user, the CSRF token for its forms, the kinds."""
    ctx.update(
        request=request,
        user={"name": who[1], "role": who[2]} if who else None,
        csrf=who[3] if who else "",
        kinds=KINDS,
    )
    return templates.TemplateResponse(request, name, ctx)
