"""`vigil ingest`: many sources at once, extracted on a Dask cluster, written by one writer.

Workers do what is slow and pure: fetching a URL (through the same SSRF-guarded fetcher) and
extraction. The client reads the inputs, asks the store what it holds already, and writes every
result itself, a batch per transaction: SQLite has one writer anyway, and PostgreSQL's hash chains
take a lock per table, so one writer is what both want. A run killed at any moment leaves whole
batches; since skipping goes by SHA-256 and source, the same command run again carries on.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from vigil.capture.sources import Entry, Item, PassedOver, Unreadable
from vigil.capture.writer import CaseTarget, Done, sha256, stored_capture, write_batch
from vigil.errors import VigilError
from vigil.store.db import Store
from vigil.store.records import current_document
from vigil.store.tables import Capture


@dataclass(frozen=True)
class Settings:
    allow_private: bool = False
    timeout: float = 30.0
    batch_size: int = 20
    in_flight: int = 0  # items out at once; 0: four chunks per worker thread, at least two batches
    chunk: int = 4  # items per Dask task: each task costs the scheduler and the client their own work
    case: CaseTarget | None = None


@dataclass
class Summary:
    captured: int = 0
    skipped: int = 0
    passed_over: int = 0
    statements: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (item, reason)

    def reasons(self) -> list[tuple[str, int]]:
        """Failures by kind of reason, most frequent first."""
        return Counter(reason_kind(r) for _, r in self.failures).most_common()


def work(item: Item, allow_private: bool, timeout: float, extract: bool) -> Done:
    """On a worker: fetch a URL if it is one, then extract. Pure: nothing here touches the store."""
    from vigil.capture.fetch import fetch
    from vigil.extract.pipeline import extract_bytes
    from vigil.store.records import http_outcome

    done = Done(item=item, data=item.data)
    if item.data is None:
        try:
            done.fetched = fetch(item.uri, allow_private=allow_private, timeout=timeout)
        except VigilError as exc:
            done.refused = str(exc)
            return done
        done.data = done.fetched.body
        if http_outcome(done.fetched) is not None:
            return done  # an error page is evidence of the answer, not a source
    if not extract:
        return done
    url = done.fetched.final_url if done.fetched else (item.uri if item.method in ("warc", "wacz") else None)
    if item.method == "jsonl" and not item.uri.startswith("file:"):
        url = item.uri
    try:
        done.extraction = extract_bytes(done.data or b"", url=url, published=item.published)
    except VigilError as exc:
        done.error = str(exc)
    return done


def work_all(items: list[tuple[Item, bool]], allow_private: bool, timeout: float) -> list[Done]:
    """`work` for a chunk of items; one item's unforeseen error is that item's failure alone."""
    done = []
    for item, extract in items:
        try:
            done.append(work(item, allow_private, timeout, extract))
        except Exception as exc:
            done.append(Done(item=item, refused=f"worker error: {exc.__class__.__name__}: {exc}"))
    return done


def stored_before(store: Store, item: Item) -> tuple[int | None, bool]:
    """(the capture already stored for this item, whether its bytes still need extracting).

    A URL counts as stored once it was fetched with a 2xx answer: its bytes are known only after
    fetching, and a bulk run is not the tool to watch a page change (`vigil watch` is)."""
    with store.reads() as session:
        if item.data is None:
            q = select(Capture.id).where(
                Capture.requested_url == item.uri, Capture.method == "http", Capture.outcome.is_(None)
            )
            return session.scalar(q.limit(1)), True
        sha = sha256(item.data)
        found = stored_capture(session, item, sha)
        return found, found is None and current_document(session, sha) is None


def ingest(
    store: Store,
    entries: Iterable[Entry],
    client: Any,
    settings: Settings,
    advance: Callable[[str], None] = lambda _label: None,
) -> Summary:
    """Send what is not stored yet to the cluster, and write the results back a batch at a time."""
    import distributed

    run = _Run(store, settings, Summary(), advance)
    pending: Any = getattr(distributed, "as_completed")()  # noqa: B009  (untyped: keep mypy strict here)
    size = max(1, settings.chunk)
    window = settings.in_flight or max(2 * settings.batch_size, 4 * size * _threads(client))
    chunk: list[tuple[Item, bool]] = []
    sent: dict[Any, list[Item]] = {}  # what each task holds, to name them if it is lost

    def send() -> None:
        future = client.submit(work_all, list(chunk), settings.allow_private, settings.timeout, pure=False)
        sent[future] = [item for item, _ in chunk]
        pending.add(future)
        chunk.clear()
        while pending.count() * size >= window:
            done = next(pending)
            run.take(done, sent.pop(done))

    for one in run.to_send(entries):
        chunk.append(one)
        if len(chunk) >= size:
            send()
    if chunk:
        send()
    for future in pending:
        run.take(future, sent.pop(future))
    run.flush()
    return run.summary


def _threads(client: Any) -> int:
    try:
        return max(1, int(sum(client.nthreads().values())))
    except Exception:  # a scheduler that does not answer yet: a small window is safe
        return 1


@dataclass
class _Run:
    """The client's side of one run: what to send, what came back, the batch being filled."""

    store: Store
    settings: Settings
    summary: Summary
    advance: Callable[[str], None]
    batch: list[Done] = field(default_factory=list)
    earlier: list[int] = field(default_factory=list)  # skipped before sending: still added to the case

    def to_send(self, entries: Iterable[Entry]) -> Iterator[tuple[Item, bool]]:
        """The items to send out, and whether their bytes still need extracting."""
        for entry in entries:
            if isinstance(entry, Unreadable):
                self.summary.failures.append((entry.label, entry.reason))
            elif isinstance(entry, PassedOver):
                self.summary.passed_over += 1
            else:
                found, needs_extract = stored_before(self.store, entry)
                if found is None:
                    yield entry, needs_extract
                    continue
                self.summary.skipped += 1
                self.earlier.append(found)
            self.advance(getattr(entry, "label", ""))

    def take(self, future: Any, items: list[Item]) -> None:
        try:
            chunk: list[Done] = future.result()
        except Exception as exc:  # a worker that died, and the task with it
            for item in items:
                self.summary.failures.append((item.label, f"worker error: {exc.__class__.__name__}: {exc}"))
                self.advance(item.label)
            return
        for done in chunk:
            if done.refused is not None:
                self.summary.failures.append((done.item.label, done.refused))
                self.advance(done.item.label)
                continue
            self.batch.append(done)
            if len(self.batch) >= self.settings.batch_size:
                self.flush()

    def flush(self) -> None:
        if not self.batch and not (self.earlier and self.settings.case):
            return
        batch, self.batch = self.batch, []
        written = write_batch(self.store, batch, self.settings.case, self.earlier)
        self.earlier = []
        self.summary.skipped += len(written.skipped)
        for done, cid in written.captured:
            self.summary.captured += 1
            self.summary.statements += len(done.extraction.statements) if done.extraction else 0
            why = _not_a_source(done)
            if why:
                self.summary.failures.append((done.item.label, f"recorded as capture {cid}, {why}"))
        for done in batch:
            self.advance(done.item.label)


def _not_a_source(done: Done) -> str | None:
    from vigil.store.records import http_outcome

    outcome = http_outcome(done.fetched)
    if outcome:
        return f"not a source: {outcome}"
    if done.error:
        return f"not a source: {done.error}"
    return None


KINDS: list[tuple[str, str]] = [
    (r"binary", "not an article (binary)"),
    (r"not valid UTF-8|is not valid .* \(bad byte", "not an article (not UTF-8 text)"),
    (r"no article text|no text layer|cannot parse", "not an article (no article text)"),
    (r"is empty", "empty"),
    (r"the limit is", "too large"),
    (r"extraction stopped", "extraction took too long"),
    (r"HTTP \d{3}", "not a source (HTTP error)"),
    (r"refused .* resolves to", "refused (private address)"),
    (r"timed out|took longer", "fetch timed out"),
    (r"cannot fetch|connection broke|redirects", "fetch failed"),
    (r"unreadable (WARC|WACZ)", "unreadable archive"),
    (r"not a dump line|not a date", "bad dump line"),
    (r"worker error", "worker error"),
]


def reason_kind(reason: str) -> str:
    """The kind of a failure, for the summary's one line per kind."""
    for pattern, kind in KINDS:
        if re.search(pattern, reason):
            return kind
    return reason.split(":")[0][:60]


@contextmanager
def cluster(workers: int | None, scheduler: str | None, threads: bool = False) -> Iterator[Any]:
    """A Dask client: of the cluster at `scheduler`, else of a local one, one thread per worker.

    Extraction holds the GIL, so local workers are processes unless `threads` (small runs, tests)."""
    import logging

    import distributed

    Client: Any = distributed.Client  # untyped
    LocalCluster: Any = distributed.LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=30)
        except (OSError, TimeoutError, ValueError) as exc:
            raise VigilError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield client
        return
    n = workers or os.cpu_count() or 1
    with (
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=not threads,
            dashboard_address=":0",  # a free port: never a clash with another cluster
            silence_logs=logging.ERROR,
        ) as local,
        Client(local) as client,
    ):
        yield client
