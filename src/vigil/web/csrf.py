"""CSRF protection for every state-changing request, before any route or validation runs.

An ASGI middleware: for POST, PUT, PATCH and DELETE (sign-in excepted) it
reads the body once, finds the token in the X-CSRF-Token header or the
`csrf` form field, compares it with the session's, and answers 403 when
they differ; otherwise the buffered body is replayed to the app.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigil.web import auth

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
EXEMPT = {"/login"}
MAX_BODY = 30 * 1024 * 1024


class CSRFMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > MAX_BODY:
                await _deny(send, 413, "request body too large")
                return
        body = b"".join(chunks)

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        request = Request(scope, replay)
        expected = _session_csrf(scope, request)
        if expected is None:
            await self.app(scope, replay, send)  # no session: the route answers 401 or sends to sign-in
            return
        given = request.headers.get("x-csrf-token")
        if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            try:
                form = await request.form()
                value = form.get("csrf")
                given = value if isinstance(value, str) else None
            except Exception:  # an unreadable form carries no token
                given = None
        if not given or not secrets.compare_digest(given, expected):
            await _deny(send, 403, "missing or wrong CSRF token")
            return
        await self.app(scope, _fresh(body), send)


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
    with store.sessions() as s:
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
