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
    append_capture,
    current_document,
    ensure_blob,
    http_outcome,
    log_event,
    media_type_of,
    save_extraction,
)
from vigil.store.tables import Capture


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


def prepare(store: Store, done: Done, who: str, when: str) -> Prepared:
    data = done.data if done.data is not None else done.item.data or b""
    info = warc.info_record(who, custody.tool(), done.item.note)
    fetched = done.fetched
    media = media_type_of(data, fetched.content_type if fetched else done.item.media_type)
    if fetched is not None:
        warc_bytes = warc.response_warc(fetched, info, when)
    else:
        warc_bytes = warc.resource_warc(done.item.uri, data, media, info, when)
    page_sha, warc_sha = store.blobs.put(data), store.blobs.put(warc_bytes)
    return Prepared(done, data, page_sha, media, warc_bytes, warc_sha)


def write_batch(store: Store, batch: list[Done], case: CaseTarget | None, earlier: list[int]) -> Written:
    """One transaction for the batch; a capture found stored by now (hash and source) is not doubled.

    `earlier` are captures skipped before they were sent out, added to the case here too, so a case
    is whole after a resumed run."""
    who, when = custody.collector(), custody.now()
    ready = [prepare(store, d, who, when) for d in batch]
    written = Written([], [])
    with store.sessions.begin() as session:
        for p in ready:
            found = stored_capture(session, p.done.item, p.sha)
            if found is not None:
                written.skipped.append(found)
                continue
            written.captured.append((p.done, write_one(session, p, who, when)))
        if case is not None:
            ids = [*earlier, *written.skipped, *(cid for _, cid in written.captured)]
            for cid in dict.fromkeys(ids):
                cases.add_source(session, case.case_id, cid, case.adder, case.by)
    return written


def stored_capture(session: Session, item: Item, sha: str) -> int | None:
    """The capture of these bytes from this source, if one is stored (a URL is its own source)."""
    q = select(Capture.id).where(Capture.page_sha256 == sha)
    if item.source is not None:
        q = q.where(Capture.source_path == item.source)
    else:
        q = q.where(Capture.requested_url == item.uri, Capture.method == "http")
    return session.scalar(q.limit(1))


def write_one(session: Session, p: Prepared, who: str, when: str) -> int:
    """The capture row, its custody event and its document, as `record_capture` writes them."""
    item, fetched = p.done.item, p.done.fetched
    outcome = http_outcome(fetched) or (f"unextractable: {p.done.error}" if p.done.error else None)
    ensure_blob(session, p.sha, len(p.data), p.media)
    ensure_blob(session, p.warc_sha, len(p.warc_bytes), "application/warc")
    method = "http" if item.method == "url" else item.method
    cap = append_capture(
        session,
        CaptureFacts(method, item.uri, item.source, fetched, who, when, item.note, item.published),
        Stored(p.sha, p.warc_sha, None, p.media, len(p.data)),
        batch=None,
        outcome=outcome,
    )
    log_event(session, "captured", event_details(p, outcome), capture_id=cap.id, actor=who, at=when)
    result = p.done.extraction
    if outcome is None and result is not None and current_document(session, p.sha) is None:
        save_extraction(session, p.sha, result)
    return cap.id


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
