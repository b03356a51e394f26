"""CSRF protection for every state-changing request, before any route or validation runs.

An ASGI middleware: for POST, PUT, PATCH and DELETE it looks up the session
from the cookie, then reads the body once (capped and timed), finds the
token in the X-CSRF-Token header or the `csrf` form field, compares it
with the session's, and answers 403 when they differ; otherwise the buffered body is replayed to the app.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import anyio
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigil.web import auth

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
MAX_BODY = 30 * 1024 * 1024  # a 25 MB upload and its multipart framing
ANONYMOUS_BODY = 16 * 1024  # a sign-in form; nobody without a session sends more
READ_TIMEOUT = 30.0  # seconds to wait for each part of a body


class CSRFMiddleware:
    """Sessions are looked up from the cookie before a byte of the body is read: an anonymous
    request may send only a small body (to sign in), and every body is capped and timed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        expected = await anyio.to_thread.run_sync(_session_csrf, scope, request)
        signing_in = scope["path"] == "/login" or scope["path"].startswith("/login/")
        if expected is None and not signing_in:
            await self.app(scope, _fresh(b""), send)  # no session: the route answers 401 or sends to sign-in
            return
        limit = MAX_BODY if expected is not None else ANONYMOUS_BODY
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _deny(send, 413, "request body too large")
            return
        body = await _read(receive, limit)
        if isinstance(body, int):
            await _deny(send, body, "request body too large" if body == 413 else "request body too slow")
            return
        if expected is None:
            await self.app(scope, _fresh(body), send)  # sign-in: checked by the route (origin, rate)
            return
        given = request.headers.get("x-csrf-token") or await _form_token(scope, body)
        if not given or not secrets.compare_digest(given, expected):
            await _deny(send, 403, "missing or wrong CSRF token")
            return
        await self.app(scope, _fresh(body), send)


async def _read(receive: Receive, limit: int) -> bytes | int:
    """The whole body, or the status to answer: 413 past the limit, 408 when a part is late."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        try:
            with anyio.fail_after(READ_TIMEOUT):
                message = await receive()
        except TimeoutError:
            return 408
        if message["type"] == "http.disconnect":
            return 408
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        more = message.get("more_body", False)
        if size > limit:
            return 413
    return b"".join(chunks)


async def _form_token(scope: Scope, body: bytes) -> str | None:
    request = Request(scope, _fresh(body))
    if not request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        return None
    try:
        form = await request.form()
        value = form.get("csrf")
        return value if isinstance(value, str) else None
    except Exception:  # an unreadable form carries no token
        return None


def _fresh(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _session_csrf(scope: Scope, request: Request) -> str | None:
    app: Any = scope.get("app")
    store = getattr(getattr(app, "state", None), "store", None)
    if store is None:
        return None
    with store.reads() as s:
        found = auth.lookup(s, request.cookies.get(auth.COOKIE))
        return found[1].csrf if found else None


async def _deny(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
