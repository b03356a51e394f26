"""Every request of a signed-in user is audited before its answer leaves the server.

A pure ASGI middleware: when the app starts its response, the audit event (who, from where,
which route with which case and record ids, what status) is appended first; if that fails, a
500 goes out instead of the data. Routes add the ids they showed with `note_records`.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import anyio
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigil.store import audit
from vigil.store.db import Store

USER = "vigil_user"
RECORDS = "vigil_records"
log = logging.getLogger("vigil.audit")


def note_user(request: Request, name: str) -> None:
    setattr(request.state, USER, name)


def note_records(request: Request, **records: Any) -> None:
    """Ids (or selections) a route showed or changed, for this request's audit event."""
    got: dict[str, Any] = getattr(request.state, RECORDS, None) or {}
    got.update(records)
    setattr(request.state, RECORDS, got)


class _Slot:
    def __init__(self, entry: audit.Entry) -> None:
        self.entry = entry
        self.done = False
        self.error: BaseException | None = None


class GroupWriter:
    """Audit events written in group commits: whoever holds the write turn writes every event waiting,
    in one transaction, and each request still answers only once its own event is committed. Under
    load this takes the store's write lock once per batch, not once per request."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.turn = threading.Lock()
        self.queue_lock = threading.Lock()
        self.pending: list[_Slot] = []

    def write(self, entry: audit.Entry) -> None:
        slot = _Slot(entry)
        with self.queue_lock:
            self.pending.append(slot)
        with self.turn:
            if not slot.done:
                with self.queue_lock:
                    batch, self.pending = self.pending, []
                error: BaseException | None = None
                try:
                    audit.append_events(self.store, [one.entry for one in batch])
                except Exception as exc:  # every event of the batch failed with it: all answer 500
                    error = exc
                for one in batch:
                    one.done, one.error = True, error
        if slot.error is not None:
            raise slot.error


class AuditMiddleware:
    def __init__(self, app: ASGIApp, store: Store) -> None:
        self.app = app
        self.store = store
        self.writer = GroupWriter(store)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        failed = False

        async def audited_send(message: Message) -> None:
            nonlocal failed
            if failed:
                return  # the body of an answer whose audit could not be written never leaves
            if message["type"] == "http.response.start" and state.get(USER) is not None:
                entry = _entry(scope, state, int(message["status"]))
                try:
                    await anyio.to_thread.run_sync(self._write, entry)
                except Exception:
                    log.exception("audit event not written; answering 500")
                    failed = True
                    await _fail(send)
                    return
            await send(message)

        await self.app(scope, receive, audited_send)

    def _write(self, entry: audit.Entry) -> None:
        self.writer.write(entry)


def _entry(scope: Scope, state: dict[str, Any], status: int) -> audit.Entry:
    params: dict[str, Any] = dict(scope.get("path_params") or {})
    route = str(getattr(scope.get("route"), "path", None) or scope["path"])
    query = scope.get("query_string", b"").decode("latin-1")
    records: dict[str, Any] = {k: v for k, v in params.items() if k != "case_id"}
    if query:
        records["query"] = query[:2000]
    records.update(state.get(RECORDS) or {})
    client = scope.get("client")
    case = str(params.get("case_id", ""))
    return audit.Entry(
        user=state[USER],
        address=client[0] if client else None,
        method=scope["method"],
        route=route,
        case_id=int(case) if case.isdigit() and len(case) < 12 else None,
        records=records,
        status=status,
    )


async def _fail(send: Send) -> None:
    body = b'{"detail": "the audit log could not be written; nothing was shown"}'
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
