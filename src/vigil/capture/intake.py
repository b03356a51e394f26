"""One capture from one source: a URL, a file or standard input, as the CLI and the web app ask for it."""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

from vigil.capture.fetch import FetchResult, fetch
from vigil.errors import InputError
from vigil.extract.reader import max_bytes
from vigil.store.db import Store
from vigil.store.records import Captured, already_captured, record_capture


@dataclass
class Options:
    note: str | None = None
    allow_private: bool = False
    allowed: frozenset[str] = frozenset()
    max_bytes: int = 25 * 1024 * 1024
    timeout: float = 30.0
    screenshot: bool = False
    tsa_url: str | None = None
    tsa_chain: bytes | None = None
    extract: bool = True
    collector: str | None = None
    published: str | None = None  # YYYY-MM-DD, given by the collector


def is_url(item: str) -> bool:
    return item.startswith(("http://", "https://"))


def capture_url(
    store: Store, url: str, opts: Options, batch: str | None = None, fetched: FetchResult | None = None
) -> Captured:
    """Fetch and record a URL; `fetched` is a response our fetcher already got for it under the same
    options (a watch reads the bytes first, to skip content it holds), recorded as it is."""
    result = fetched or fetch(
        url,
        allow_private=opts.allow_private,
        allowed=opts.allowed,
        max_bytes=opts.max_bytes,
        timeout=opts.timeout,
    )
    shot = None
    if opts.screenshot:
        from vigil.capture.screenshot import screenshot

        shot = screenshot(result.body, result.final_url, result.content_type or None, timeout=opts.timeout)
    done = record_capture(
        store,
        result.body,
        method="http",
        uri=url,
        note=opts.note,
        fetched=result,
        batch=batch,
        screenshot=shot,
        extract=opts.extract,
        collector=opts.collector,
        published=opts.published,
    )
    stamp(store, done, opts)
    return done


def capture_file(
    store: Store, path: Path, opts: Options, batch: str | None = None, resume: bool = False
) -> Captured | None:
    """Capture one file; with `resume`, a file already captured with the same bytes is skipped (None)."""
    size = path.stat().st_size
    if size > max(opts.max_bytes, max_bytes()):
        raise InputError(f"{path} is {size:,} bytes; the limit is {max(opts.max_bytes, max_bytes()):,}")
    data = path.read_bytes()
    if not data:
        raise InputError(f"{path} is empty")
    source = str(path.resolve())
    if resume and already_captured(store, source, hashlib.sha256(data).hexdigest()):
        return None
    done = record_capture(
        store,
        data,
        method="file",
        uri=path.resolve().as_uri(),
        source_path=source,
        note=opts.note,
        batch=batch,
        extract=opts.extract,
        published=opts.published,
    )
    stamp(store, done, opts)
    return done


def capture_stdin(store: Store, opts: Options) -> Captured:
    data = sys.stdin.buffer.read(opts.max_bytes + 1)
    if len(data) > opts.max_bytes:
        raise InputError(f"standard input is over the {opts.max_bytes:,}-byte limit")
    if not data:
        raise InputError("standard input is empty")
    done = record_capture(
        store,
        data,
        method="stdin",
        uri="urn:vigil:stdin",
        note=opts.note,
        extract=opts.extract,
        published=opts.published,
    )
    stamp(store, done, opts)
    return done


def stamp(store: Store, done: Captured, opts: Options) -> None:
    if not opts.tsa_url:
        return
    from vigil.store.records import add_timestamp, stamp_checkpoint

    add_timestamp(store, done.capture, opts.tsa_url, opts.tsa_chain)
    stamp_checkpoint(store, opts.tsa_url, opts.tsa_chain)  # the whole record as it stands, this capture in it
