"""The workbench's app: pages under `/`, JSON under `/api`, both behind a session.

Every route but the sign-in page and static files needs a session; every
state-changing request needs the session's CSRF token; everything inside
a case answers 404 to a user who is not a member, so the existence of a
case is not revealed either. The routes are in `vigil.web.routes`, one
module per resource; what they share (who is asking, the case check, the
store, the page renderer) is in `vigil.web.deps`.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from vigil.store.db import Store, open_store
from vigil.web import aggregates, auditing
from vigil.web.csrf import CSRFMiddleware
from vigil.web.deps import HERE, NotSignedIn, not_signed_in, templates
from vigil.web.errors import install_error_handlers
from vigil.web.headers import install_security_headers
from vigil.web.reading import SharedReadsMiddleware
from vigil.web.routes import (
    actors,
    admin,
    alerts,
    api,
    auth,
    cases,
    jobs,
    monitor,
    sources,
    statements,
    timeline,
)

ROUTERS = (
    auth.router,
    cases.router,
    sources.router,
    statements.router,
    actors.router,
    timeline.router,
    admin.router,
    monitor.router,
    alerts.router,
    jobs.router,
    api.router,
    monitor.api,
    alerts.api,
    jobs.api,
)


def create_app(store: Store | None = None, allow_private: bool = False) -> FastAPI:
    """The ASGI app over `store` (default: the one VIGIL_HOME / VIGIL_DATABASE_URL name).

    `allow_private` lets captures reach private and loopback addresses (a lab, the tests).
    """
    st = store or open_store()
    aggregates.warm()  # before any build is timed
    app = FastAPI(title="Vigil workbench", version="0.1.0", docs_url=None, openapi_url=None, redoc_url=None)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.state.store = st
    app.state.allow_private = allow_private
    app.add_middleware(CSRFMiddleware)
    install_error_handlers(app)  # HTML error pages for people, JSON under /api, never a traceback
    app.add_middleware(auditing.AuditMiddleware, store=st)  # outside both: a 500 is audited too
    app.add_middleware(SharedReadsMiddleware)  # one read session per request, the error pages' too
    install_security_headers(app)  # last, so outermost: CSP and the rest on every response
    app.exception_handler(NotSignedIn)(not_signed_in)  # pages send people to sign in, the API says 401
    for router in ROUTERS:
        app.include_router(router)
    return app


def from_environment() -> FastAPI:
    """The app each worker process of `vigil serve --workers N` builds for itself: the store from
    VIGIL_HOME / VIGIL_DATABASE_URL, private addresses only when VIGIL_ALLOW_PRIVATE=1."""
    allow = os.environ.get("VIGIL_ALLOW_PRIVATE", "").strip().lower() in ("1", "true", "yes")
    return warm(create_app(allow_private=allow))


def warm(app: FastAPI) -> FastAPI:
    """Do before the first request what a worker would otherwise do during its first ones: compile
    every template and let FastAPI resolve each route's dependencies. A fresh worker then answers
    its first requests as fast as its later ones (they cost a quarter of a second each, cold)."""
    env = templates.env
    env.auto_reload = False  # served templates do not change under a running worker
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        env.get_template(name)
    pending: list[Any] = list(app.router.routes)
    while pending:  # FastAPI builds these lazily, per included router (a private method: best effort)
        build = getattr(pending.pop(), "effective_candidates", None)
        if callable(build):
            pending.extend(build())
    return app
