"""Security headers on every response the workbench sends, errors and static files included.

The workbench shows records that can endanger the people in them, so a page
must not be framed by another site (clickjacking), must not run script it
did not load from itself (XSS), must not leak its URL, which names cases and
sources, to other sites (Referer), and must not be kept in a browser's or a
proxy's cache after sign-out (`Cache-Control: no-store`). Static files carry
no records, so they alone may be cached.

Referrer-Policy is `no-referrer`. Under it Chromium sends `Origin: null` with
the workbench's own form posts; the sign-in's login-CSRF check
(auth.same_origin) then relies on `Sec-Fetch-Site: same-origin`, which the
browser sends beside it and a cross-site page cannot forge.

A pure ASGI middleware rather than Starlette's BaseHTTPMiddleware: it only
rewrites the `http.response.start` message, so streamed bodies stay streamed,
sync routes keep running in the thread pool, and exceptions propagate as
they would without it.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
NO_STORE = "no-store"
STATIC_PREFIX = "/static/"


def headers_for(path: str) -> dict[str, str]:
    """The headers a response to `path` must carry: all of them, and no-store unless it is static."""
    out = dict(SECURITY_HEADERS)
    if not path.startswith(STATIC_PREFIX):
        out["Cache-Control"] = NO_STORE
    return out


def apply(raw: list[tuple[bytes, bytes]], wanted: dict[str, str]) -> list[tuple[bytes, bytes]]:
    """`raw` with each wanted header set once: a route's own value for one is replaced, not doubled."""
    names = {k.lower().encode("latin-1") for k in wanted}
    kept = [(k, v) for k, v in raw if k.lower() not in names]
    return kept + [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in wanted.items()]


class SecurityHeadersMiddleware:
    """Adds SECURITY_HEADERS (and Cache-Control: no-store outside /static/) to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = headers_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": apply(list(message.get("headers", [])), wanted)}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_headers(app: Starlette) -> None:
    """Wrap `app`; call it after every other add_middleware, so it is outermost and sees every response."""
    app.add_middleware(SecurityHeadersMiddleware)
