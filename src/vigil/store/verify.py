"""Check everything an investigator may have to defend: blobs, WARCs, row chains, timestamps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from vigil.capture import custody, warc
from vigil.store.db import Store
from vigil.store.tables import CHAINED, Blob, Capture, Timestamp


@dataclass
class Problem:
    item: str
    what: str

    def __str__(self) -> str:
        return f"{self.item}: {self.what}"


def verify(store: Store) -> Iterator[Problem]:
    with store.sessions() as session:
        for blob in session.scalars(select(Blob).order_by(Blob.sha256)):
            now = store.blobs.rehash(blob.sha256)
            if now is None:
                yield Problem(f"blob {blob.sha256}", "missing from the blob store")
            elif now != blob.sha256:
                yield Problem(f"blob {blob.sha256}", f"content changed (now hashes to {now[:16]}…)")
        for model in CHAINED:
            prev = "0" * 64
            for row in session.scalars(select(model).order_by(model.id)):  # type: ignore[attr-defined]
                name = f"{model.__tablename__} row {row.id}"  # type: ignore[attr-defined]
                if row.prev_hash != prev:
                    yield Problem(name, "hash chain broken (a row before it was removed or altered)")
                if custody.chain_hash(row.prev_hash, row.content()) != row.row_hash:
                    yield Problem(name, "contents differ from what was recorded")
                prev = row.row_hash
        for cap in session.scalars(select(Capture).order_by(Capture.id)):
            data = _read(store, cap.warc_sha256)
            if data is None:
                continue  # reported with the blobs
            for rec in warc.check(data):
                if rec.problem:
                    yield Problem(f"capture {cap.id} WARC {rec.record_type} {rec.uri}", rec.problem)
        for ts in session.scalars(select(Timestamp).order_by(Timestamp.id)):
            from vigil.capture.timestamp import check_token

            token = _read(store, ts.token_sha256)
            chain = _read(store, ts.chain_sha256) if ts.chain_sha256 else None
            if token is None:
                continue
            why = check_token(token, bytes.fromhex(ts.digest), chain)
            if why:
                yield Problem(f"timestamp {ts.id} of capture {ts.capture_id}", why)


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
