"""Writing evidence: captures, custody events, documents and statements, each hash-chained.

Slow work (fetching, hashing, extracting) happens before a transaction
opens; the transaction then writes the rows of one capture together, so
an interrupted run leaves whole captures or none.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from vigil import __version__
from vigil.capture import custody, warc
from vigil.capture.fetch import FetchResult
from vigil.errors import VigilError
from vigil.extract.pipeline import extract_bytes
from vigil.extract.reader import sniff
from vigil.model import Extraction
from vigil.store import checkpoint
from vigil.store.db import Store
from vigil.store.tables import (
    ActorRow,
    Blob,
    Capture,
    Chained,
    CustodyEvent,
    Document,
    EventRow,
    StatementRow,
)

T = TypeVar("T", bound=Chained)
MEDIA = {"pdf": "application/pdf", "html": "text/html", "text": "text/plain"}


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str)


def append(session: Session, row: T) -> T:
    """Add a row at the end of its table's hash chain.

    The chain's last hash is read (under a lock on PostgreSQL) once per table per transaction, then
    carried in the session, so bulk writes do not re-read it for every row.
    """
    _link(session, row)
    session.add(row)
    session.flush()
    return row


def _link(session: Session, row: Chained) -> None:
    """Hash the row onto its chain's head and make it the head."""
    model: Any = type(row)
    row.prev_hash = chain_head(session, model)
    row.row_hash = custody.chain_hash(row.prev_hash, row.content())
    session.info["chain_heads"][model.__tablename__] = row.row_hash


def append_all(session: Session, rows: Sequence[T]) -> Sequence[T]:
    """Add rows of one table at the end of its chain, in order, with one executemany for them all.

    A document's actors or statements are written together and not through the unit of work: its
    bookkeeping per object cost more than the rest of an ingest's writing. The rows stay out of the
    session. Their ids come back from the insert itself (RETURNING, in the rows' order)."""
    if not rows:
        return rows
    model: Any = type(rows[0])
    table = model.__table__
    columns = [c for c in table.columns if c.key != "id"]
    params = []
    for row in rows:
        _link(session, row)
        params.append({c.key: _value(row, c) for c in columns})
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for row, new_id in zip(rows, session.scalars(stmt, params).all(), strict=True):
        row.id = new_id  # type: ignore[attr-defined]
    checkpoint.wrote(session, model.__tablename__, new_id, rows[-1].row_hash)
    return rows


def _value(row: Any, column: Any) -> Any:
    """The value the unit of work would insert: the attribute if it was set, else the column's default."""
    if column.key in row.__dict__ or column.default is None:
        return getattr(row, column.key)
    return column.default.arg


GENESIS = "0" * 64  # the hash a chain's first row follows
CHAIN_LOCK = text("SELECT pg_advisory_xact_lock(hashtext(:t))")  # a chain's lock on PostgreSQL, by table


def chain_head(session: Session, model: Any) -> str:
    """The last hash of a table's chain, read once per transaction after taking the chain's lock.

    On SQLite the lock is the write lock every writing transaction takes at BEGIN (store/db.py); on
    PostgreSQL an advisory lock per table, held to the end of the transaction."""
    heads: dict[str, str] = session.info.setdefault("chain_heads", {})
    name = model.__tablename__
    if name not in heads:
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            session.execute(CHAIN_LOCK, {"t": name})
        heads[name] = session.scalar(select(model.row_hash).order_by(model.id.desc()).limit(1)) or GENESIS
    return heads[name]


def log_event(
    session: Session,
    action: str,
    details: dict[str, Any],
    *,
    capture_id: int | None = None,
    actor: str | None = None,
    at: str | None = None,
) -> CustodyEvent:
    """Append one custody event: who did what to which item, when (Berkeley Protocol para 167)."""
    return append(session, custody_event(action, details, capture_id=capture_id, actor=actor, at=at))


def custody_event(
    action: str, details: dict[str, Any], *, capture_id: int | None, actor: str | None, at: str | None
) -> CustodyEvent:
    return CustodyEvent(
        capture_id=capture_id,
        action=action,
        actor=actor or custody.collector(),
        at=at or custody.now(),
        details=dumps(details),
    )


def ensure_blob(session: Session, sha: str, size: int, media_type: str) -> None:
    ensure_blobs(session, [(sha, size, media_type)])


def ensure_blobs(session: Session, blobs: Sequence[tuple[str, int, str]]) -> None:
    """`ensure_blob` for many (sha, size, media type) at once: one look, one insert."""
    wanted = {sha: (size, media) for sha, size, media in blobs}
    if not wanted:
        return
    have = set(session.scalars(select(Blob.sha256).where(Blob.sha256.in_(wanted))))
    at = custody.now()
    rows = [
        {"sha256": sha, "size": size, "media_type": media, "created_at": at}
        for sha, (size, media) in wanted.items()
        if sha not in have
    ]
    if rows:
        session.execute(insert(Blob), rows)


@dataclass
class Captured:
    capture: Capture
    document: Document | None
    statements: int
    error: str | None


def media_type_of(data: bytes, declared: str | None = None) -> str:
    kind = sniff(data)
    if declared and declared.split(";")[0].strip():
        return declared.split(";")[0].strip()
    return MEDIA[kind]


def record_capture(
    store: Store,
    data: bytes,
    *,
    method: str,
    uri: str,
    source_path: str | None = None,
    note: str | None = None,
    fetched: FetchResult | None = None,
    batch: str | None = None,
    screenshot: bytes | None = None,
    extract: bool = True,
    collector: str | None = None,
    published: str | None = None,
) -> Captured:
    """Store the bytes, their WARC and the extraction, and append capture and custody records.

    The collector is the signed-in account when there is one, else the operating-system user."""
    when = custody.now()
    who = collector or custody.collector()
    tool = custody.tool()
    info = warc.info_record(who, tool, note)
    media = media_type_of(data, fetched.content_type if fetched else None)
    if fetched is not None:
        warc_bytes = warc.response_warc(fetched, info, when)
    else:
        warc_bytes = warc.resource_warc(uri, data, media, info, when)
    if screenshot is not None:
        warc_bytes = warc.add_screenshot(warc_bytes, uri, screenshot, when)
    page_sha = store.blobs.put(data)
    warc_sha = store.blobs.put(warc_bytes)
    shot_sha = store.blobs.put(screenshot) if screenshot is not None else None

    result: Extraction | None = None
    error: str | None = None
    outcome = http_outcome(fetched)
    if outcome is not None:
        extract = False  # an error page is evidence of the answer, not a source to read statements from
    if extract and _current_document(store, page_sha) is not None:
        extract = False  # these bytes were read by this extractor version already: one document per blob
    if extract:
        try:
            result = extract_bytes(data, url=fetched.final_url if fetched else None, published=published)
        except VigilError as exc:
            error = str(exc)
            outcome = f"unextractable: {error}"

    with store.sessions.begin() as session:
        ensure_blob(session, page_sha, len(data), media)
        ensure_blob(session, warc_sha, len(warc_bytes), "application/warc")
        if shot_sha is not None and screenshot is not None:
            ensure_blob(session, shot_sha, len(screenshot), "image/png")
        cap = append_capture(
            session,
            CaptureFacts(method, uri, source_path, fetched, who, when, note, published),
            Stored(page_sha, warc_sha, shot_sha, media, len(data)),
            batch=batch,
            outcome=outcome,
        )
        details: dict[str, Any] = {
            "page_sha256": page_sha,
            "warc_sha256": warc_sha,
            "size": len(data),
            "method": method,
            "uri": uri,
        }
        if shot_sha:
            details["screenshot_sha256"] = shot_sha
        if error:
            details["extraction_error"] = error
        if outcome:
            details["outcome"] = outcome
        log_event(session, "captured", details, capture_id=cap.id, actor=who, at=when)
        doc = save_extraction(session, page_sha, result) if result is not None else None
        if doc is None:
            existing = current_document(session, page_sha)
            doc = session.get(Document, existing) if existing is not None else None
        n = len(result.statements) if result is not None else 0
    return Captured(capture=cap, document=doc if outcome is None else None, statements=n, error=outcome)


@dataclass(frozen=True)
class CaptureFacts:
    """What a capture says of its source: how it came, from where, by whom, when."""

    method: str
    uri: str
    source_path: str | None
    fetched: FetchResult | None
    collector: str
    at: str
    note: str | None
    published: str | None


@dataclass(frozen=True)
class Stored:
    """The blobs a capture names, already written."""

    page_sha: str
    warc_sha: str
    shot_sha: str | None
    media: str
    size: int


def append_capture(
    session: Session, facts: CaptureFacts, blobs: Stored, batch: str | None, outcome: str | None
) -> Capture:
    return append(session, capture_row(facts, blobs, batch, outcome, custody.machine()))


def capture_row(
    facts: CaptureFacts, blobs: Stored, batch: str | None, outcome: str | None, machine: dict[str, str]
) -> Capture:
    """The capture row, one shape for `capture` and for the batched ingest writer (not yet chained)."""
    fetched, tool = facts.fetched, custody.tool()
    return Capture(
        uid=str(uuid.uuid4()),
        method=facts.method,
        requested_url=fetched.requested_url if fetched else facts.uri,
        final_url=fetched.final_url if fetched else facts.uri,
        source_path=facts.source_path,
        server_ip=fetched.server_ip if fetched else None,
        status=fetched.status if fetched else None,
        headers=dumps(fetched.headers if fetched else []),
        hops=dumps([h.__dict__ for h in fetched.hops] if fetched else []),
        collector=facts.collector,
        machine=dumps(machine),
        tool=tool["name"],
        tool_version=tool["version"],
        note=facts.note,
        captured_at=facts.at,
        page_sha256=blobs.page_sha,
        warc_sha256=blobs.warc_sha,
        screenshot_sha256=blobs.shot_sha,
        media_type=blobs.media,
        size=blobs.size,
        batch=batch,
        outcome=outcome,
        published=facts.published,
    )


def http_outcome(fetched: FetchResult | None) -> str | None:
    """A response other than 2xx is recorded as what it is, never as an ordinary source."""
    if fetched is None or 200 <= fetched.status < 300:
        return None
    return f"HTTP {fetched.status} {fetched.reason}".strip()


def _current_document(store: Store, sha: str) -> int | None:
    with store.sessions() as session:
        return current_document(session, sha)


# a document is current while nothing supersedes it and this extractor version made it
_CURRENT = (Document.superseded_by.is_(None), Document.extractor_version == __version__)


def current_document(session: Session, sha: str) -> int | None:
    """One document per blob and extractor version: the one a new capture of the bytes reuses."""
    return session.scalar(select(Document.id).where(Document.blob_sha256 == sha, *_CURRENT).limit(1))


def documented(session: Session, shas: Sequence[str]) -> set[str]:
    """Of these blobs, those `current_document` finds a document for: one query for a batch."""
    return set(
        session.scalars(select(Document.blob_sha256).where(Document.blob_sha256.in_(set(shas)), *_CURRENT))
    )


def save_extraction(session: Session, blob_sha: str, result: Extraction) -> Document:
    """A document, its actors and statements, tied to the blob and the extractor version."""
    src = result.source
    doc = append(
        session,
        Document(
            blob_sha256=blob_sha,
            extractor_version=result.vigil_version,
            title=src.title,
            subtitle=src.subtitle,
            published=src.published,
            published_from=src.published_from,
            authors=dumps(src.authors),
            url=src.url,
            language=src.language,
            text=src.text,
            captions=dumps([c.__dict__ for c in src.captions]),
            removed=dumps(src.removed),
            created_at=custody.now(),
        ),
    )
    actors = append_all(
        session,
        [
            ActorRow(
                document_id=doc.id,
                local_id=a.id,
                name=a.name,
                kind=a.kind,
                aliases=dumps(a.aliases),
                titles=dumps(a.titles),
                mentions=dumps([list(m) for m in a.mentions]),
            )
            for a in result.actors
        ],
    )
    ids = {a.id: row.id for a, row in zip(result.actors, actors, strict=True)}
    statements = append_all(
        session,
        [
            StatementRow(
                document_id=doc.id,
                local_id=s.id,
                kind=s.kind,
                speaker_actor_id=ids.get(s.speaker or ""),
                speaker_name=s.speaker_name,
                target_actor_id=ids.get(s.target or ""),
                target_name=s.target_name,
                text=s.text,
                span_start=s.span[0],
                span_end=s.span[1],
                quote=s.quote,
                cue=s.cue,
                date=s.date,
                confidence=s.confidence,
                extractor_version=result.vigil_version,
                origin="machine",
                action=s.action,
                object=s.object,
                deadline=s.deadline,
                quote_spans=json.dumps([list(q) for q in s.quote_spans]) if s.quote_spans else None,
            )
            for s in result.statements
        ],
    )
    statement_ids = {s.id: row.id for s, row in zip(result.statements, statements, strict=True)}
    append_all(
        session,
        [
            EventRow(
                document_id=doc.id,
                local_id=e.id,
                actor_id=ids.get(e.actor or ""),
                actor_name=e.actor_name,
                action=e.action,
                object=e.object,
                negated=e.negated,
                date=e.date,
                span_start=e.span[0],
                span_end=e.span[1],
                statement_id=statement_ids.get(e.statement or ""),
                extractor_version=result.vigil_version,
            )
            for e in result.events
        ],
    )
    return doc


def already_captured(store: Store, source_path: str, sha: str) -> bool:
    with store.sessions() as session:
        return (
            session.scalar(
                select(Capture.id)
                .where(Capture.source_path == source_path, Capture.page_sha256 == sha)
                .limit(1)
            )
            is not None
        )


def current_documents(session: Session) -> Sequence[Document]:
    return session.scalars(
        select(Document).where(Document.superseded_by.is_(None)).order_by(Document.id)
    ).all()


def reextract(store: Store, everything: bool = False) -> tuple[int, int]:
    """Re-run extraction with this version; older documents stay, marked superseded.

    Returns (done, skipped)."""
    done = skipped = 0
    with store.sessions() as session:
        todo = [(d.id, d.blob_sha256, d.extractor_version) for d in current_documents(session)]
        captured = set(session.scalars(select(Capture.page_sha256)).all())
        have_doc = {d[1] for d in todo}
    todo_blobs: list[tuple[int | None, str]] = [
        (i, sha) for i, sha, ver in todo if everything or ver != __version__
    ]
    todo_blobs += [(None, sha) for sha in sorted(captured - have_doc)]
    for old_id, sha in todo_blobs:
        try:
            result = extract_bytes(store.blobs.get(sha))
        except VigilError:
            skipped += 1
            continue
        with store.sessions.begin() as session:
            new = save_extraction(session, sha, result)
            if old_id is not None:
                supersede(session, old_id, new.id)
            log_event(session, "reextracted", {"blob": sha, "document": new.id, "supersedes": old_id})
        done += 1
    return done, skipped


def supersede(session: Session, old_id: int, new_id: int) -> None:
    """Mark an older document replaced: a chained record, mirrored in `documents.superseded_by`."""
    from vigil.store.tables import Supersession

    old = session.get(Document, old_id)
    if old is not None:
        old.superseded_by = new_id
        append(session, Supersession(old_document_id=old_id, new_document_id=new_id, at=custody.now()))


@dataclass
class Token:
    """An RFC 3161 token over a message, and its trusted chain, kept as blobs."""

    digest: str
    token: bytes
    token_sha256: str
    chain_pem: bytes | None
    chain_sha256: str | None

    def record_blobs(self, session: Session) -> None:
        ensure_blob(session, self.token_sha256, len(self.token), "application/timestamp-reply")
        if self.chain_sha256 and self.chain_pem:
            ensure_blob(session, self.chain_sha256, len(self.chain_pem), "application/x-pem-file")


def get_token(store: Store, tsa_url: str, message: bytes, chain_pem: bytes | None) -> Token:
    """Ask the authority (before any transaction opens: it is slow) and keep the bytes."""
    from vigil.capture import timestamp

    token = timestamp.request_token(tsa_url, message)
    chain_sha = store.blobs.put(chain_pem) if chain_pem else None
    return Token(timestamp.sha256(message).hex(), token, store.blobs.put(token), chain_pem, chain_sha)


def add_timestamp(store: Store, cap: Capture, tsa_url: str, chain_pem: bytes | None) -> None:
    """Ask a time-stamp authority to sign this capture's digests and keep its token."""
    from vigil.capture import timestamp
    from vigil.store.tables import Timestamp

    digests = [cap.page_sha256, cap.warc_sha256] + ([cap.screenshot_sha256] if cap.screenshot_sha256 else [])
    got = get_token(store, tsa_url, timestamp.message(digests), chain_pem)
    with store.sessions.begin() as session:
        got.record_blobs(session)
        append(
            session,
            Timestamp(
                capture_id=cap.id,
                tsa_url=tsa_url,
                digest=got.digest,
                token_sha256=got.token_sha256,
                chain_sha256=got.chain_sha256,
                created_at=custody.now(),
            ),
        )
        log_event(
            session, "timestamped", {"tsa": tsa_url, "token_sha256": got.token_sha256}, capture_id=cap.id
        )


def stamp_checkpoint(store: Store, tsa_url: str, chain_pem: bytes | None) -> tuple[int, str]:
    """Have a time-stamp authority sign the newest checkpoint's hash, which covers every chain.

    Returns the checkpoint's id and hash. The token is kept as a blob and a chained record."""
    from vigil.capture import timestamp
    from vigil.store.tables import Checkpoint, CheckpointStamp

    with store.reads() as session:
        newest = session.execute(
            select(Checkpoint.id, Checkpoint.row_hash).order_by(Checkpoint.id.desc()).limit(1)
        ).first()
    if newest is None:
        raise VigilError("the store has no checkpoint yet")
    cp_id, cp_hash = int(newest[0]), str(newest[1])
    got = get_token(store, tsa_url, timestamp.message([cp_hash]), chain_pem)
    with store.sessions.begin() as session:
        got.record_blobs(session)
        append(
            session,
            CheckpointStamp(
                checkpoint_id=cp_id,
                tsa_url=tsa_url,
                digest=got.digest,
                token_sha256=got.token_sha256,
                chain_sha256=got.chain_sha256,
                created_at=custody.now(),
            ),
        )
    return cp_id, cp_hash
