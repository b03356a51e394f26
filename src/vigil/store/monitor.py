"""What the cross-source views read from the store: actors, statements, events, judgements, decisions.

Rows in, plain records out (`vigil.model`); the connect layer builds the
register, tracker and contested claims from them, the same in the CLI and
the web app.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.model import Decision, EventRecord, Judgement, NameRecord, SourceRef, StatementRecord
from vigil.store.tables import (
    ActorMerge,
    ActorRow,
    Capture,
    CaseCapture,
    Document,
    EventRow,
    Review,
    StatementRow,
    TrackerChange,
)
from vigil.store.tables import Judgement as JudgementRow


@dataclass
class Records:
    names: list[NameRecord] = field(default_factory=list)
    statements: list[StatementRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    judgements: list[Judgement] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    texts: dict[int, str] = field(default_factory=dict)  # document id → its clean text


def case_documents(session: Session, case_id: int | None, hidden: frozenset[int] = frozenset()) -> list[int]:
    """The current documents of a case's sources (less the captures `hidden` from a member), or of
    the whole store."""
    q = select(Document.id).where(Document.superseded_by.is_(None))
    if case_id is not None:
        held = (
            select(Capture.page_sha256)
            .join(CaseCapture, CaseCapture.capture_id == Capture.id)
            .where(CaseCapture.case_id == case_id)
        )
        if hidden:
            held = held.where(CaseCapture.capture_id.not_in(hidden))
        q = q.where(Document.blob_sha256.in_(held))
    return list(session.scalars(q.order_by(Document.id)))


def _sources(session: Session, doc_ids: Sequence[int]) -> dict[int, SourceRef]:
    given = dict(
        session.execute(
            select(Capture.page_sha256, Capture.published).where(Capture.published.is_not(None))
        ).all()
    )
    out: dict[int, SourceRef] = {}
    rows = session.execute(
        select(Document.id, Document.blob_sha256, Document.url, Document.title, Document.published).where(
            Document.id.in_(doc_ids)
        )
    )
    for did, sha, url, title, published in rows:
        out[did] = SourceRef(did, sha, url, title, published or given.get(sha))
    return out


def load(session: Session, doc_ids: Sequence[int], case_id: int | None) -> Records:
    rec = Records(names=names(session, doc_ids), texts=texts(session, doc_ids))
    sources = _sources(session, doc_ids)
    reviews: dict[int, str] = {}
    if case_id is not None:
        for sid, action in session.execute(
            select(Review.statement_id, Review.action).where(Review.case_id == case_id).order_by(Review.id)
        ):
            reviews[sid] = action
    q = select(StatementRow).where(StatementRow.document_id.in_(doc_ids))
    for s in session.scalars(q.order_by(StatementRow.id)):
        if s.case_id is not None and s.case_id != case_id:
            continue  # a statement a person added in another case
        rec.statements.append(
            StatementRecord(
                id=s.id,
                kind=s.kind,
                speaker=None,
                speaker_name=s.speaker_name,
                target=None,
                target_name=s.target_name,
                text=s.text,
                date=s.date,
                source=sources[s.document_id],
                action=s.action,
                object=s.object,
                deadline=s.deadline,
                review=reviews.get(s.id),
                speaker_row=s.speaker_actor_id,
                target_row=s.target_actor_id,
            )
        )
    for e in session.scalars(select(EventRow).where(EventRow.document_id.in_(doc_ids)).order_by(EventRow.id)):
        rec.events.append(
            EventRecord(
                id=e.id,
                actor=None,
                actor_name=e.actor_name,
                action=e.action,
                object=e.object,
                negated=e.negated,
                date=e.date,
                text=rec.texts[e.document_id][e.span_start : e.span_end],
                source=sources[e.document_id],
                statement=e.statement_id,
                actor_row=e.actor_id,
            )
        )
    rec.judgements = judgements(session)
    if case_id is not None:
        rec.decisions = [
            Decision(t.item, t.status, t.note, t.by, t.at, t.statement_id, t.event_id)
            for t in session.scalars(
                select(TrackerChange).where(TrackerChange.case_id == case_id).order_by(TrackerChange.id)
            )
        ]
    return rec


def names(session: Session, doc_ids: Sequence[int]) -> list[NameRecord]:
    """The actors of these documents as the register reads them (the CLI and the workbench alike)."""
    rows = session.execute(
        select(
            ActorRow.id, ActorRow.document_id, ActorRow.name, ActorRow.kind, ActorRow.aliases, ActorRow.titles
        ).where(ActorRow.document_id.in_(doc_ids))
    )
    return [NameRecord(i, d, n, k, json.loads(a), json.loads(t)) for i, d, n, k, a, t in rows]


def texts(session: Session, doc_ids: Sequence[int]) -> dict[int, str]:
    return {
        d: t for d, t in session.execute(select(Document.id, Document.text).where(Document.id.in_(doc_ids)))
    }


def judgements(session: Session) -> list[Judgement]:
    """Reviewers' judgements in the order made; the workbench's older per-case merges count as `same`."""
    out = [
        Judgement(m.from_key, m.into_key, "same", "reviewer", m.by, m.at, "merged in the workbench")
        for m in session.scalars(select(ActorMerge).order_by(ActorMerge.id))
    ]
    rows = session.scalars(select(JudgementRow).order_by(JudgementRow.id))
    out += [Judgement(j.left, j.right, j.verdict, j.origin, j.by, j.at, j.note) for j in rows]  # type: ignore[arg-type]
    out.sort(key=lambda j: j.at)
    return out


def record_judgement(
    session: Session, left: str, right: str, verdict: str, by: str, note: str = "", case_id: int | None = None
) -> None:
    """A reviewer's judgement on two names or register ids: a chained row, never an edit."""
    from vigil.capture import custody
    from vigil.store.records import append

    row = JudgementRow(
        left=left,
        right=right,
        verdict=verdict,
        origin="reviewer",
        by=by,
        note=note,
        case_id=case_id,
        at=custody.now(),
    )
    append(session, row)
