"""The audit log: who read or changed what, when, from where, with what result.

Records that name witnesses must show who saw them, not only who changed them. Each request of a
signed-in user (and each sign-in attempt) appends one chained `audit_events` row; `vigil audit`
and the workbench's admin page read them back with filters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.capture import custody
from vigil.store.records import append_all, dumps
from vigil.store.tables import AuditEvent

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


def _row(entry: Entry) -> AuditEvent:
    return AuditEvent(
        at=custody.now(),
        user_name=entry.user,
        address=entry.address,
        method=entry.method,
        route=entry.route[:2000],
        case_id=entry.case_id,
        records=dumps(_bounded(entry.records)),
        status=entry.status,
    )


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
