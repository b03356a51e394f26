"""Capturing into a case from the workbench: one item now (the API), or a list as a background job.

A capture fetches, stores and extracts, which takes seconds per URL; a form that waited for a
pasted list of fifty would time out. So the form starts a job and answers at once; the job runs
in a thread of the serving process, writes its progress after every item, and the case page
shows it (polling while it runs). Each capture goes through the same SSRF-guarded fetch and the
same case checks as a single one; when the job ends the case's aggregates are rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException
from sqlalchemy.orm import Session

from vigil.capture.fetch import preflight
from vigil.capture.intake import Options, capture_url
from vigil.errors import VigilError
from vigil.store import cases
from vigil.store import jobs as job_rows
from vigil.store.db import Store
from vigil.store.records import log_event, record_capture
from vigil.store.tables import Capture
from vigil.web import aggregates, queries
from vigil.web.deps import Identity

UPLOAD_LIMIT = 25 * 1024 * 1024
MAX_URLS = 500
RUNNING = threading.BoundedSemaphore(2)  # jobs capturing at once in one process; the rest queue
log = logging.getLogger("vigil.jobs")


def add_capture(s: Session, who: Identity, case_id: int, capture_id: int) -> int | None:
    """Add a capture to the case; the case's existing source when it holds the same bytes already."""
    cap = s.get(Capture, capture_id)
    assert cap is not None
    same = queries.source_with_bytes(s, case_id, cap.page_sha256)
    if same is not None and same != capture_id:
        return same
    if cases.add_source(s, case_id, capture_id, who[0], who[1]):
        log_event(s, "transferred", {"into_case": case_id}, capture_id=capture_id, actor=who[1])
    return None


def do_capture(
    st: Store,
    allow_private: bool,
    who: Identity,
    case_id: int,
    url: str | None,
    upload: bytes | None,
    filename: str | None,
    note: str | None,
) -> tuple[int, str | None]:
    """Capture into the case: (the source's capture id, a notice when it is not a new source)."""
    if upload:
        with st.reads() as s:
            same = queries.source_with_bytes(s, case_id, hashlib.sha256(upload).hexdigest())
        if same is not None:
            return same, "these bytes are already a source of this case"
    try:
        if url:
            got = capture_url(
                st, url.strip(), Options(note=note, allow_private=allow_private, collector=who[1])
            )
        elif upload:
            if len(upload) > UPLOAD_LIMIT:
                raise VigilError("the file is over the 25 MB limit")
            got = record_capture(
                st,
                upload,
                collector=who[1],
                method="upload",
                uri=f"urn:upload:{filename or 'file'}",
                source_path=None,
                note=note,
            )
        else:
            raise VigilError("give a URL or a file")
    except VigilError as exc:
        raise HTTPException(422, str(exc)) from None
    with st.sessions.begin() as s:
        same = add_capture(s, who, case_id, got.capture.id)
    if same is not None:
        return same, f"captured again as capture {got.capture.id}: the same bytes as this source"
    return got.capture.id, got.error and f"recorded, not a source: {got.error}"


@dataclass(frozen=True)
class Asked:
    """What a job captures: URLs, or one uploaded file (kept in memory until it is stored)."""

    urls: list[str]
    upload: bytes | None = None
    filename: str | None = None
    note: str | None = None


def urls_of(text: str) -> list[str]:
    """One URL per line of a pasted list; blank lines and repeats dropped, order kept."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        if line.strip():
            seen.setdefault(line.strip(), None)
    return list(seen)


def start(st: Store, allow_private: bool, who: Identity, case_id: int, req: Asked) -> int:
    """Record the job and start it; its id. Refuses at once what could never succeed."""
    if not req.urls and not req.upload:
        raise HTTPException(422, "give a URL, a list of URLs or a file")
    if len(req.urls) > MAX_URLS:
        raise HTTPException(422, f"at most {MAX_URLS} URLs at a time; `vigil ingest` takes more")
    if req.upload is not None and len(req.upload) > UPLOAD_LIMIT:
        raise HTTPException(422, "the file is over the 25 MB limit")
    if len(req.urls) == 1 and not req.upload:  # one URL: a refusal is said on the form, not queued
        try:
            preflight(req.urls[0], allow_private=allow_private)
        except VigilError as exc:
            raise HTTPException(422, str(exc)) from None
    items = req.urls if not req.upload else [req.filename or "file"]
    with st.sessions.begin() as s:
        job = job_rows.create(s, case_id, "upload" if req.upload else "urls", items, req.note, who[1])
        job_id = job.id
    args = (st, allow_private, who, case_id, job_id, req)
    threading.Thread(target=run, args=args, name=f"vigil-job-{job_id}", daemon=True).start()
    return job_id


def run(st: Store, allow_private: bool, who: Identity, case_id: int, job_id: int, req: Asked) -> None:
    """Capture each item in turn, recording each outcome as it comes; never raises."""
    with RUNNING:
        _advance(st, job_id, None, "running")
        ok = 0
        items: list[str | None] = list(req.urls) if not req.upload else [None]
        for url in items:
            result = _one(st, allow_private, who, case_id, url, req)
            ok += "capture_id" in result
            _advance(st, job_id, result, "running")
        _advance(st, job_id, None, "done" if ok else "failed")
    try:
        aggregates.rebuild(st, case_id)
    except Exception:  # the aggregates are rebuilt on the next view anyway
        log.exception("aggregates of case %s not rebuilt after job %s", case_id, job_id)


def _one(
    st: Store, allow_private: bool, who: Identity, case_id: int, url: str | None, req: Asked
) -> dict[str, Any]:
    item = url or req.filename or "file"
    try:
        cap, notice = do_capture(st, allow_private, who, case_id, url, req.upload, req.filename, req.note)
    except HTTPException as exc:
        return {"item": item, "error": str(exc.detail)}
    except Exception as exc:  # one item's failure is that item's outcome, not the job's end
        log.exception("job item %s failed", item)
        return {"item": item, "error": f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:200]}"}
    return {"item": item, "capture_id": cap, "notice": notice}


def _advance(st: Store, job_id: int, result: dict[str, Any] | None, state: str) -> None:
    try:
        with st.sessions.begin() as s:
            job_rows.advance(s, job_id, result, state)
    except Exception:  # progress not written: the job is shown as interrupted, its captures stand
        log.exception("progress of job %s not written", job_id)
