"""Error answers: an HTML page for people, JSON for programs, and never a traceback for either.

A traceback or a raw JSON body in the browser tells an attacker about the
server and leaves a reviewer stranded; so every error a browser request
meets (a refused or missing page, a wrong method, an invalid form, a bug)
answers the workbench's own page with the status and one line. Requests
under /api keep getting `{"detail": ...}`; for an invalid request that is a
short list of what was wrong and where, without the input itself (which may
be a record). An unhandled exception is logged here, server-side, by route
template rather than concrete path, because paths can carry names.

Unhandled exceptions are caught by a pure ASGI middleware rather than an
`Exception` handler: Starlette runs such a handler in its outermost
ServerErrorMiddleware, outside every middleware of ours, so the 500 page
would miss the security headers.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi.exceptions import RequestValidationError
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("vigil.web")

TEMPLATES = Path(__file__).parent / "templates"
_pages = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))

MAX_PROBLEMS = 20  # an invalid request lists at most this many problems
MESSAGES = {
    400: "The request could not be understood.",
    404: "There is nothing here, or nothing you may see.",
    405: "This address does not take that kind of request.",
    422: "The request was not valid.",
    500: "Something went wrong on the server. The error was logged.",
}
NO_BODY = {204, 304}


def for_program(path: str) -> bool:
    """Whether the request came to the JSON API (answered in JSON) rather than from a browser page."""
    return path == "/api" or path.startswith("/api/")


def title(status: int) -> str:
    """The standard reason phrase of `status` ("Not Found"), or "Error" for a code HTTP does not name."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def page(status: int, message: str, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """The error page: status, reason and one line, inside the workbench's layout."""
    body = _pages.get_template("error.html").render(status=status, title=title(status), message=message)
    return HTMLResponse(body, status_code=status, headers=headers)


def answer(path: str, status: int, detail: Any, headers: Mapping[str, str] | None = None) -> Response:
    """The error response for a request to `path`: JSON for the API, the error page for a browser."""
    if status in NO_BODY or status < 200:
        return Response(status_code=status, headers=headers)
    if for_program(path):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    known = isinstance(detail, str) and detail and detail != title(status)
    message = detail if known else MESSAGES.get(status, title(status))
    return page(status, message, headers)


def problems(exc: RequestValidationError) -> list[dict[str, Any]]:
    """What was wrong and where, typed; the offending input and pydantic's links are left out."""
    return [
        {
            "type": str(e.get("type", "")),
            "loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
        }
        for e in list(exc.errors())[:MAX_PROBLEMS]
    ]


def one_line(items: list[dict[str, Any]]) -> str:
    """The first problem as a sentence for the error page: `page_no: Input should be a valid integer`."""
    if not items:
        return MESSAGES[422]
    where = ".".join(str(p) for p in items[0]["loc"][1:]) or "request"
    more = f" (and {len(items) - 1} more)" if len(items) > 1 else ""
    return f"{where}: {items[0]['msg']}{more}"


async def http_error(request: Request, exc: Exception) -> Response:
    """HTTPException (404, 405, a route's own 403 or 422, …) answered by answer()."""
    assert isinstance(exc, HTTPException)
    return answer(request.url.path, exc.status_code, exc.detail, exc.headers)


async def validation_error(request: Request, exc: Exception) -> Response:
    """RequestValidationError: 422 with the short problem list, or the page with its first problem."""
    assert isinstance(exc, RequestValidationError)
    items = problems(exc)
    if for_program(request.url.path):
        return JSONResponse({"detail": items}, status_code=422)
    return page(422, one_line(items))


def route_of(scope: Scope) -> str:
    """The route's path template (`/cases/{case_id}`), which names no person, for the log."""
    route = scope.get("route")
    return str(getattr(route, "path", "(no route)"))


class UnhandledErrorMiddleware:
    """Turns an exception nothing else handled into a logged 500 answer; re-raises once a response began."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("unhandled error answering %s %s", scope.get("method"), route_of(scope))
            if started:  # too late for an error page: let the server drop the connection
                raise
            await answer(scope["path"], 500, MESSAGES[500])(scope, receive, send)


def install_error_handlers(app: Starlette) -> None:
    """Register the handlers and the middleware on `app`; call it before headers.install_security_headers."""
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_middleware(UnhandledErrorMiddleware)
