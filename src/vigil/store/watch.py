"""Watches, their polls, alert rules and alerts in the store: chained rows, never edited or deleted.

A watch is removed by a `removed` watch event, an alert's deliveries are
written with it; only `watch_state` (validators for conditional requests)
is overwritten, since it is a cache the polls themselves do not depend on
for what they record.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.capture import custody
from vigil.connect.alerts import Rule
from vigil.store import cases
from vigil.store.records import append, dumps
from vigil.store.tables import (
    Alert,
    AlertRule,
    Capture,
    Case,
    CaseCapture,
    Watch,
    WatchEvent,
    WatchState,
)


def add_watch(s: Session, case_id: int, url: str, kind: str, every: int, by: str) -> Watch:
    row = Watch(case_id=case_id, url=url, kind=kind, every_minutes=every, by=by, at=custody.now())
    return append(s, row)


def log(s: Session, watch_id: int, action: str, details: dict[str, Any], by: str) -> WatchEvent:
    row = WatchEvent(watch_id=watch_id, action=action, details=dumps(details), by=by, at=custody.now())
    return append(s, row)


def removed_ids(s: Session) -> set[int]:
    return set(s.scalars(select(WatchEvent.watch_id).where(WatchEvent.action == "removed")))


def watches(s: Session, active_only: bool = True) -> list[Watch]:
    gone = removed_ids(s) if active_only else set()
    return [w for w in s.scalars(select(Watch).order_by(Watch.id)) if w.id not in gone]


def state(s: Session, watch_id: int) -> WatchState:
    row = s.get(WatchState, watch_id)
    if row is None:
        row = WatchState(watch_id=watch_id)
        s.add(row)
    return row


def is_due(st: WatchState | None, every_minutes: int, now: dt.datetime) -> bool:
    if st is None or st.polled_at is None:
        return True
    last = dt.datetime.fromisoformat(st.polled_at)
    return now >= last + dt.timedelta(minutes=every_minutes)


def seen_urls(s: Session, w: Watch) -> set[str]:
    """URLs this watch already took (captured or found to hold bytes the case had) and its case's."""
    out: set[str] = set()
    for details in s.scalars(select(WatchEvent.details).where(WatchEvent.watch_id == w.id)):
        d = json.loads(details)
        out.update(d.get("captured", {}).keys())
        out.update(d.get("duplicates", []))
    held = select(Capture.requested_url).join(CaseCapture, CaseCapture.capture_id == Capture.id)
    out.update(u for u in s.scalars(held.where(CaseCapture.case_id == w.case_id)) if u)
    return out


def case_holds(s: Session, case_id: int, sha: str) -> bool:
    """Whether the case already has a source with these bytes (content deduplication by SHA-256)."""
    q = (
        select(Capture.id)
        .join(CaseCapture, CaseCapture.capture_id == Capture.id)
        .where(CaseCapture.case_id == case_id, Capture.page_sha256 == sha)
        .limit(1)
    )
    return s.scalar(q) is not None


def add_to_case(s: Session, case_id: int, capture_ids: Sequence[int], by: str) -> None:
    case = s.get(Case, case_id)
    if case is not None:
        for cid in capture_ids:
            cases.add_source(s, case_id, cid, case.created_by, by)


def add_rule(
    s: Session, case_id: int, field: str, value: str, webhook: str | None, email: str | None, by: str
) -> AlertRule:
    row = AlertRule(
        case_id=case_id, field=field, value=value, webhook=webhook, email=email, by=by, at=custody.now()
    )
    return append(s, row)


def rules(s: Session, case_id: int) -> list[Rule]:
    rows = s.scalars(select(AlertRule).where(AlertRule.case_id == case_id).order_by(AlertRule.id))
    return [Rule(r.id, r.case_id, r.field, r.value, r.webhook, r.email) for r in rows]


def record_alert(
    s: Session,
    rule: Rule,
    watch_id: int | None,
    subject: str,
    payload: dict[str, Any],
    deliveries: list[dict[str, Any]],
) -> Alert:
    row = Alert(
        case_id=rule.case_id,
        rule_id=rule.id,
        watch_id=watch_id,
        subject=subject,
        payload=dumps(payload),
        deliveries=dumps(deliveries),
        at=custody.now(),
    )
    return append(s, row)


def alerts(s: Session, case_id: int) -> list[Alert]:
    return list(s.scalars(select(Alert).where(Alert.case_id == case_id).order_by(Alert.id)))
