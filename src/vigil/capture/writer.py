"""The one writer of `vigil ingest`: many captures, with extractions made elsewhere, per transaction.

`record_capture` extracts and commits one capture at a time; a bulk run extracts on Dask workers and
commits a batch at once, so a run killed at any moment leaves whole batches. The rows and custody
event of each capture are the same as `record_capture` writes; archive records add where they were
found (the archive, the record's WARC-Record-ID and target URI) to the event.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.capture import custody, warc
from vigil.capture.fetch import FetchResult
from vigil.capture.sources import Item
from vigil.model import Extraction
from vigil.store import cases
from vigil.store.db import Store
from vigil.store.records import (
    CaptureFacts,
    Stored,
    append_all,
    capture_row,
    custody_event,
    documented,
    ensure_blobs,
    http_outcome,
    media_type_of,
    save_extraction,
)
from vigil.store.tables import Capture

Key = tuple[str, str, str]  # (sha, "source" or "url", the source): what skipping goes by


@dataclass
class Done:
    """What a worker sends back: the bytes (fetched, for a URL), and the extraction or why there is none."""

    item: Item
    data: bytes | None = None
    fetched: FetchResult | None = None
    extraction: Extraction | None = None
    error: str | None = None  # extraction failed: still captured, as not a source
    refused: str | None = None  # nothing to capture (a fetch refused or broken)


@dataclass
class Prepared:
    """A capture's blobs, stored before the transaction opens (the slow part)."""

    done: Done
    data: bytes
    sha: str
    media: str
    warc_bytes: bytes
    warc_sha: str


@dataclass(frozen=True)
class CaseTarget:
    case_id: int
    adder: int  # the account the sources are added as
    by: str


@dataclass
class Written:
    captured: list[tuple[Done, int]]  # with the new capture's id
    skipped: list[int]  # ids of captures found already stored at write time


def prepare(store: Store, batch: list[Done], who: str, when: str) -> list[Prepared]:
    """Each capture's page and WARC record, stored as blobs together (their fsyncs overlap)."""
    pages, warcs, media = [], [], []
    for done in batch:
        data = done.data if done.data is not None else done.item.data or b""
        fetched = done.fetched
        kind = media_type_of(data, fetched.content_type if fetched else done.item.media_type)
        info = warc.info_record(who, custody.tool(), done.item.note)
        if fetched is not None:
            warcs.append(warc.response_warc(fetched, info, when))
        else:
            warcs.append(warc.resource_warc(done.item.uri, data, kind, info, when))
        pages.append(data)
        media.append(kind)
    shas = store.blobs.put_all([*pages, *warcs])
    n = len(batch)
    return [Prepared(d, pages[i], shas[i], media[i], warcs[i], shas[n + i]) for i, d in enumerate(batch)]


def write_batch(store: Store, batch: list[Done], case: CaseTarget | None, earlier: list[int]) -> Written:
    """One transaction for the batch; a capture found stored by now (hash and source) is not doubled,
    nor one that comes twice in the batch.

    `earlier` are captures skipped before they were sent out, added to the case here too, so a case
    is whole after a resumed run."""
    who, when = custody.collector(), custody.now()
    ready = prepare(store, batch, who, when)
    written = Written([], [])
    with store.sessions.begin() as session:
        found = stored_captures(session, ready)
        fresh: dict[Key, Prepared] = {}
        again: list[Key] = []  # a key that came earlier in this batch
        for p in ready:
            key = source_key(p.done.item, p.sha)
            if key in found:
                written.skipped.append(found[key])
            elif key in fresh:
                again.append(key)
            else:
                fresh[key] = p
        ids = write_new(session, list(fresh.values()), who, when)
        written.captured = list(zip((p.done for p in fresh.values()), ids, strict=True))
        new = dict(zip(fresh, ids, strict=True))
        written.skipped += [new[key] for key in again]
        if case is not None:
            listed = [*earlier, *written.skipped, *ids]
            for cid in dict.fromkeys(listed):
                cases.add_source(session, case.case_id, cid, case.adder, case.by)
    return written


def source_key(item: Item, sha: str) -> Key:
    """What a capture is the same as another by: its bytes and its source (a URL is its own source)."""
    return (sha, "source", item.source) if item.source is not None else (sha, "url", item.uri)


def stored_captures(session: Session, ready: list[Prepared]) -> dict[Key, int]:
    """The first stored capture of each key among these bytes: one query for the batch."""
    q = (
        select(Capture.id, Capture.page_sha256, Capture.source_path, Capture.requested_url, Capture.method)
        .where(Capture.page_sha256.in_({p.sha for p in ready}))
        .order_by(Capture.id.desc())
    )
    found: dict[Key, int] = {}
    for cid, sha, source, url, method in session.execute(q):
        if source is not None:
            found[(sha, "source", source)] = cid
        if method == "http" and url is not None:
            found[(sha, "url", url)] = cid
    return found


def stored_capture(session: Session, item: Item, sha: str) -> int | None:
    """The capture of these bytes from this source, if one is stored (a URL is its own source)."""
    q = select(Capture.id).where(Capture.page_sha256 == sha)
    if item.source is not None:
        q = q.where(Capture.source_path == item.source)
    else:
        q = q.where(Capture.requested_url == item.uri, Capture.method == "http")
    return session.scalar(q.limit(1))


def write_new(session: Session, fresh: list[Prepared], who: str, when: str) -> list[int]:
    """The capture rows, their custody events and documents, as `record_capture` writes them, a
    table at a time: each chain still holds the batch in order."""
    outcomes = [outcome_of(p) for p in fresh]
    ensure_blobs(
        session,
        [(p.sha, len(p.data), p.media) for p in fresh]
        + [(p.warc_sha, len(p.warc_bytes), "application/warc") for p in fresh],
    )
    machine = custody.machine()
    caps = append_all(
        session,
        [
            capture_row(facts(p, who, when), stored(p), None, o, machine)
            for p, o in zip(fresh, outcomes, strict=True)
        ],
    )
    events = [
        custody_event("captured", event_details(p, o), capture_id=c.id, actor=who, at=when)
        for p, o, c in zip(fresh, outcomes, caps, strict=True)
    ]
    append_all(session, events)
    read = documented(session, [p.sha for p in fresh])
    for p, o in zip(fresh, outcomes, strict=True):
        result = p.done.extraction
        if o is None and result is not None and p.sha not in read:
            save_extraction(session, p.sha, result)
            read.add(p.sha)
    return [c.id for c in caps]


def outcome_of(p: Prepared) -> str | None:
    return http_outcome(p.done.fetched) or (f"unextractable: {p.done.error}" if p.done.error else None)


def facts(p: Prepared, who: str, when: str) -> CaptureFacts:
    item = p.done.item
    method = "http" if item.method == "url" else item.method
    return CaptureFacts(method, item.uri, item.source, p.done.fetched, who, when, item.note, item.published)


def stored(p: Prepared) -> Stored:
    return Stored(p.sha, p.warc_sha, None, p.media, len(p.data))


def event_details(p: Prepared, outcome: str | None) -> dict[str, Any]:
    item = p.done.item
    details: dict[str, Any] = {
        "page_sha256": p.sha,
        "warc_sha256": p.warc_sha,
        "size": len(p.data),
        "method": "http" if item.method == "url" else item.method,
        "uri": item.uri,
        **item.details,
    }
    if p.done.error:
        details["extraction_error"] = p.done.error
    if outcome:
        details["outcome"] = outcome
    return details


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
