"""Check everything an investigator may have to defend: blobs, WARCs, row chains, timestamps."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.capture import custody, warc
from vigil.store import cases, checkpoint
from vigil.store.db import Store
from vigil.store.records import GENESIS
from vigil.store.tables import (
    CHAINED,
    Blob,
    Capture,
    Checkpoint,
    CheckpointStamp,
    Document,
    Supersession,
    Timestamp,
)


@dataclass
class Problem:
    item: str
    what: str

    def __str__(self) -> str:
        return f"{self.item}: {self.what}"


def verify(store: Store) -> Iterator[Problem]:
    with store.reads() as session:
        if store.dialect == "postgresql":  # one snapshot for the whole check, as SQLite's read gives
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield from _blobs(store, session)
        yield from _chains(session)
        yield from _references(session)
        yield from _checkpoints(store, session)
        yield from (Problem(item, what) for item, what in cases.differences(session))
        yield from _supersessions(session)
        yield from _warcs(store, session)
        yield from _timestamps(store, session)


def _blobs(store: Store, session: Session) -> Iterator[Problem]:
    for blob in session.scalars(select(Blob).order_by(Blob.sha256)):
        now = store.blobs.rehash(blob.sha256)
        if now is None:
            yield Problem(f"blob {blob.sha256}", "missing from the blob store")
        elif now != blob.sha256:
            yield Problem(f"blob {blob.sha256}", f"content changed (now hashes to {now[:16]}…)")


def _chains(session: Session) -> Iterator[Problem]:
    for model in CHAINED:
        prev = GENESIS
        for row in session.scalars(select(model).order_by(model.id)):  # type: ignore[attr-defined]
            name = f"{model.__tablename__} row {row.id}"  # type: ignore[attr-defined]
            if row.prev_hash != prev:
                yield Problem(name, "hash chain broken (a row before it was removed or altered)")
            if custody.chain_hash(row.prev_hash, row.content()) != row.row_hash:
                yield Problem(name, "contents differ from what was recorded")
            prev = row.row_hash


def _warcs(store: Store, session: Session) -> Iterator[Problem]:
    for cap in session.scalars(select(Capture).order_by(Capture.id)):
        data = _read(store, cap.warc_sha256)
        if data is None:
            continue  # reported with the blobs
        for rec in warc.check(data):
            if rec.problem:
                yield Problem(f"capture {cap.id} WARC {rec.record_type} {rec.uri}", rec.problem)


def _timestamps(store: Store, session: Session) -> Iterator[Problem]:
    for ts in session.scalars(select(Timestamp).order_by(Timestamp.id)):
        from vigil.capture.timestamp import check_token

        token = _read(store, ts.token_sha256)
        chain = _read(store, ts.chain_sha256) if ts.chain_sha256 else None
        if token is None:
            continue
        why = check_token(token, bytes.fromhex(ts.digest), chain)
        if why:
            yield Problem(f"timestamp {ts.id} of capture {ts.capture_id}", why)
    yield from _checkpoint_stamps(store, session)


def _checkpoint_stamps(store: Store, session: Session) -> Iterator[Problem]:
    """Each token still signs its checkpoint as that checkpoint now reads (a rewrite cannot be re-signed)."""
    from vigil.capture.timestamp import check_token, message, sha256

    for st in session.scalars(select(CheckpointStamp).order_by(CheckpointStamp.id)):
        item = f"time-stamp {st.id} of checkpoint {st.checkpoint_id}"
        cp = session.get(Checkpoint, st.checkpoint_id)
        if cp is None or sha256(message([cp.row_hash])).hex() != st.digest:
            yield Problem(item, "the checkpoint it signed is gone or changed")
        token = _read(store, st.token_sha256)
        if token is None:
            continue  # reported with the blobs and references
        why = check_token(
            token, bytes.fromhex(st.digest), _read(store, st.chain_sha256) if st.chain_sha256 else None
        )
        if why:
            yield Problem(item, why)


def _references(session: Session) -> Iterator[Problem]:
    """Every blob a capture or a timestamp names must be recorded (its bytes are checked with the blobs)."""
    known = set(session.scalars(select(Blob.sha256)))
    for cap in session.scalars(select(Capture).order_by(Capture.id)):
        for part, sha in (
            ("page", cap.page_sha256),
            ("WARC", cap.warc_sha256),
            ("screenshot", cap.screenshot_sha256),
        ):
            if sha and sha not in known:
                yield Problem(f"capture {cap.id}", f"its {part} blob {sha[:16]}… is not in the store")
    stamps: list[Any] = [*session.scalars(select(Timestamp)), *session.scalars(select(CheckpointStamp))]
    for ts in stamps:
        for part, sha in (("token", ts.token_sha256), ("chain", ts.chain_sha256)):
            if sha and sha not in known:
                yield Problem(
                    f"{ts.__tablename__} row {ts.id}", f"its {part} blob {sha[:16]}… is not in the store"
                )


def _checkpoints(store: Store, session: Session) -> Iterator[Problem]:
    """Each chain's newest checkpointed row is there, unchanged, and nothing follows it unrecorded."""
    cps = session.scalars(select(Checkpoint).order_by(Checkpoint.id)).all()
    latest: dict[str, list[Any]] = {}
    for cp in cps:
        for table, head in json.loads(cp.heads).items():
            if table not in latest or head[0] > latest[table][0]:
                latest[table] = head
    for model in CHAINED:
        m: Any = model
        if m is Checkpoint:
            continue
        head = latest.get(m.__tablename__)
        last = session.scalar(select(m.id).order_by(m.id.desc()).limit(1))
        if head is not None:
            row = session.get(m, head[0])
            if row is None:
                yield Problem(
                    f"{m.__tablename__} row {head[0]}", "checkpointed, now missing (rows were deleted)"
                )
            elif row.row_hash != head[1]:
                yield Problem(
                    f"{m.__tablename__} row {head[0]}",
                    "differs from its checkpoint (the chain was re-hashed)",
                )
        if last is not None and (head is None or last > head[0]):
            yield Problem(
                f"{m.__tablename__} row {last}", "no checkpoint covers it (written behind Vigil's back)"
            )
    yield from _guarded(session, cps)
    yield from _head_file(store, session, len(cps))


def _guarded(session: Session, cps: Any) -> Iterator[Problem]:
    claimed: dict[str, str] = next((json.loads(cp.guarded) for cp in reversed(cps) if cp.guarded != "{}"), {})
    now = checkpoint.guarded(session)
    for table, digest in sorted(claimed.items()):
        if now.get(table) != digest:
            yield Problem(f"table {table}", "changed since the last checkpoint (edited behind Vigil's back)")


def _head_file(store: Store, session: Session, count: int) -> Iterator[Problem]:
    head = checkpoint.read_head(store.root)
    where = store.root / checkpoint.HEAD_FILE
    if head is None:
        if count > 1:
            yield Problem(str(where), "the newest checkpoint kept outside the database is missing")
        return
    cp = session.get(Checkpoint, head[0])
    if cp is None:
        yield Problem(f"checkpoints row {head[0]}", f"named by {where}, missing (checkpoints were deleted)")
    elif cp.row_hash != head[1]:
        yield Problem(f"checkpoints row {head[0]}", f"differs from {where} (checkpoints were re-hashed)")


def _supersessions(session: Session) -> Iterator[Problem]:
    want = {
        s.old_document_id: s.new_document_id
        for s in session.scalars(select(Supersession).order_by(Supersession.id))
    }
    rows = session.execute(
        select(Document.id, Document.superseded_by).where(Document.superseded_by.is_not(None))
    )
    have = {int(doc): new for doc, new in rows}
    for doc in sorted(set(want) | set(have)):
        if want.get(doc) != have.get(doc):
            yield Problem(f"documents row {doc}", "superseded_by differs from the recorded supersessions")


def record_verification(store: Store, problems: list[Problem]) -> None:
    """A verification is itself a custody event: who checked, when, and what was found."""
    from vigil.store.records import log_event

    with store.sessions.begin() as session:
        log_event(session, "verified", {"problems": [str(p) for p in problems][:100], "count": len(problems)})


def _read(store: Store, sha: str) -> bytes | None:
    try:
        return store.blobs.get(sha)
    except OSError:
        return None
