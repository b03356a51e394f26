"""Signing in (password, then the second factor of an enrolled account) and signing out.

The only routes open without a session. Every attempt is audited under the name
given, and a sign-in from another site is refused before any password is checked.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from vigil.web import auditing, auth
from vigil.web.deps import Identity, NotSignedIn, StoreDep, Who, identity, page

router = APIRouter()


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request) -> HTMLResponse:
    """The sign-in form; it carries the CSRF token of whoever is signed in already."""
    return page(request, "login.html", signed_in_as(request), error=None)


def signed_in_as(request: Request) -> Identity | None:
    """Someone signing in again while signed in: the form carries their CSRF token, as it must."""
    try:
        return identity(request)
    except NotSignedIn:
        return None


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    st: StoreDep,
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
    """The form of the step that failed again, with the reason and the error's status."""
    form = "login_code.html" if exc.code_step else "login.html"
    resp = page(request, form, signed_in_as(request), error=str(exc))
    resp.status_code = exc.status
    return resp


@router.post("/logout", include_in_schema=False)
def logout(request: Request, who: Who, st: StoreDep) -> Response:
    """End the session in the store, not only in the browser, and drop both cookies."""
    with st.sessions.begin() as s:
        auth.end_session(s, request.cookies.get(auth.COOKIE))
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(auth.COOKIE, path="/")
    resp.delete_cookie(auth.PENDING_COOKIE, path="/login")
    return resp
