"""Each request's reads share one session (`store.db.shared_reads`).

A page reads through several helpers (who is asking, the case check, each aggregate it shows), and
each opened its own session, connection and transaction: on a page of twenty small queries those
cost as much as the queries. Static files read nothing and are passed by.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from vigil.store.db import shared_reads


class SharedReadsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        with shared_reads():
            await self.app(scope, receive, send)
