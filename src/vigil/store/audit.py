"""The audit log: who read or changed what, when, from where, with what result.

Records that name witnesses must show who saw them, not only who changed them. Each request of a
signed-in user (and each sign-in attempt) appends one chained `audit_events` row; `vigil audit`
and the workbench's admin page read them back with filters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from vigil.capture import custody
from vigil.store import checkpoint
from vigil.store.db import Store
from vigil.store.records import CHAIN_LOCK, GENESIS, append_all, dumps
from vigil.store.tables import AuditEvent, Checkpoint

MAX_IDS = 1000  # ids listed per event; beyond that the count says how many more


@dataclass(frozen=True)
class Entry:
    user: str | None
    address: str | None
    method: str
    route: str
    case_id: int | None
    records: dict[str, Any]
    status: int


def record(session: Session, entry: Entry) -> None:
    record_all(session, [entry])


def record_all(session: Session, entries: list[Entry]) -> None:
    """Events of many requests, in one insert: the workbench writes its requests' events this way,
    and through the unit of work each cost more than the request it audits."""
    append_all(session, [_row(e) for e in entries])


_HEADS = select(
    select(AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1).scalar_subquery(),
    select(Checkpoint.row_hash).order_by(Checkpoint.id.desc()).limit(1).scalar_subquery(),
)
_EVENTS = insert(AuditEvent).returning(AuditEvent.id, sort_by_parameter_order=True)
_CHECKPOINT = insert(Checkpoint).returning(Checkpoint.id)


def append_events(store: Store, entries: list[Entry]) -> None:
    """Events of many requests and their checkpoint, in one transaction: the same rows `record_all`
    and a session's commit write, by the engine's own statements. Every signed-in request writes
    one, and through a session, its unit of work and its commit hooks, that cost more than most
    pages' reads (2 ms of a 7 ms request)."""
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # the chains' locks, in the order every writer takes them
            conn.execute(CHAIN_LOCK, {"t": AuditEvent.__tablename__})
            conn.execute(CHAIN_LOCK, {"t": Checkpoint.__tablename__})
        event_head, checkpoint_head = conn.execute(_HEADS).one()
        rows = [_values(e) for e in entries]
        prev = event_head or GENESIS
        for row in rows:
            row["prev_hash"], row["row_hash"] = prev, custody.chain_hash(prev, AuditEvent.content_of(row))
            prev = row["row_hash"]
        ids = conn.execute(_EVENTS, rows).scalars().all()
        heads = {AuditEvent.__tablename__: [ids[-1], prev]}
        point: dict[str, Any] = {"at": custody.now(), "heads": dumps(heads), "guarded": "{}"}
        point["prev_hash"] = checkpoint_head or GENESIS
        point["row_hash"] = custody.chain_hash(point["prev_hash"], Checkpoint.content_of(point))
        point_id = conn.execute(_CHECKPOINT, point).scalar_one()
    checkpoint.record_head(store.root, point_id, point["row_hash"])


def _values(entry: Entry) -> dict[str, Any]:
    return {
        "at": custody.now(),
        "user_name": entry.user,
        "address": entry.address,
        "method": entry.method,
        "route": entry.route[:2000],
        "case_id": entry.case_id,
        "records": dumps(_bounded(entry.records)),
        "status": entry.status,
    }


def _row(entry: Entry) -> AuditEvent:
    return AuditEvent(**_values(entry))


def _bounded(records: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in records.items():
        if isinstance(value, list) and len(value) > MAX_IDS:
            out[key] = value[:MAX_IDS]
            out[f"{key}_more"] = len(value) - MAX_IDS
        else:
            out[key] = value
    return out


def events(
    session: Session,
    *,
    user: str | None = None,
    case_id: int | None = None,
    since: str | None = None,
    before: int | None = None,
    limit: int = 1000,
) -> list[AuditEvent]:
    """The newest events first, under the filters; `before`: only those older than this id."""
    q = select(AuditEvent)
    if before is not None:
        q = q.where(AuditEvent.id < before)
    if user:
        q = q.where(AuditEvent.user_name == user)
    if case_id is not None:
        q = q.where(AuditEvent.case_id == case_id)
    if since:
        q = q.where(AuditEvent.at >= since)
    return list(session.scalars(q.order_by(AuditEvent.id.desc()).limit(limit)))


def as_dict(e: AuditEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": e.at,
        "user": e.user_name,
        "address": e.address,
        "method": e.method,
        "route": e.route,
        "case_id": e.case_id,
        "records": json.loads(e.records),
        "status": e.status,
    }
