"""Background capture jobs: what was asked, how far it got, what each item became.

A job row tracks work, it is not evidence: the captures it makes are chained records with their
own custody. So its progress is updated in place, and a job no one has updated for a while is
shown as interrupted (its process stopped) rather than running forever.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.capture.custody import now
from vigil.store.tables import Job

STALE = timedelta(minutes=2)  # a running job updates its row after every item


def create(session: Session, case_id: int, kind: str, items: list[str], note: str | None, by: str) -> Job:
    t = now()
    job = Job(
        case_id=case_id,
        kind=kind,
        items=json.dumps(items),
        note=note,
        by=by,
        at=t,
        state="queued",
        done=0,
        total=len(items),
        results="[]",
        updated_at=t,
    )
    session.add(job)
    session.flush()
    return job


def advance(session: Session, job_id: int, result: dict[str, Any] | None, state: str) -> None:
    """Record one item's outcome (or only a change of state) on the job."""
    job = session.get(Job, job_id)
    if job is None:
        return
    if result is not None:
        job.results = json.dumps([*json.loads(job.results), result])
        job.done += 1
    job.state = state
    job.updated_at = now()


def recent(session: Session, case_id: int, limit: int = 10) -> list[Job]:
    q = select(Job).where(Job.case_id == case_id).order_by(Job.id.desc()).limit(limit)
    return list(session.scalars(q))


def get(session: Session, case_id: int, job_id: int) -> Job | None:
    job = session.get(Job, job_id)
    return job if job is not None and job.case_id == case_id else None


def state_of(job: Job, at: datetime | None = None) -> str:
    """The job's state as a reader should see it: `interrupted` when its runner went quiet."""
    if job.state not in ("queued", "running"):
        return job.state
    seen = datetime.fromisoformat(job.updated_at.replace("Z", "+00:00"))
    if seen.tzinfo is None:
        seen = seen.replace(tzinfo=UTC)
    return "interrupted" if (at or datetime.now(UTC)) - seen > STALE else job.state


def as_json(job: Job, hidden: frozenset[int] = frozenset()) -> dict[str, Any]:
    """The job as a member sees it: items that became sources restricted from them are left out."""
    results = [r for r in json.loads(job.results) if r.get("capture_id") not in hidden]
    return {
        "id": job.id,
        "kind": job.kind,
        "items": json.loads(job.items),
        "note": job.note,
        "by": job.by,
        "at": job.at,
        "state": state_of(job),
        "done": job.done,
        "total": job.total,
        "results": results,
        "updated_at": job.updated_at,
    }
