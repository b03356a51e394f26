"""Polling feeds and sitemaps for new articles, each captured into the watch's case as evidence.

Everything goes through the guarded fetcher (capture/fetch.py): the feed or
sitemap itself, with If-None-Match / If-Modified-Since from the last answer
(a 304 is "nothing new"), and every article, whose bytes are then recorded
by `capture_url` with the same custody as `vigil capture`. feedparser and
trafilatura only ever read bytes we fetched; neither is let onto the
network. Links are normalised with courlan (tracking parameters such as
utm_* and fragments dropped) and taken once per watch; an article whose
bytes the case already holds is not recorded again. New statements and
tracker status changes are matched against the case's alert rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urldefrag, urljoin

from vigil.capture import custody
from vigil.capture.fetch import FetchResult, fetch
from vigil.capture.intake import Options, capture_url
from vigil.connect import alerts
from vigil.errors import VigilError
from vigil.store import watch as db
from vigil.store.db import Store
from vigil.store.tables import Case, Watch, WatchState

KINDS = ("feed", "sitemap")
MAX_CHILD_SITEMAPS = 10


@dataclass
class Polled:
    """What one poll of one watch did; also what its chained `polled` event records."""

    watch: int
    url: str
    status: int | None = None
    links: int = 0
    captured: dict[str, int] = field(default_factory=dict)  # normalised URL → capture id
    duplicates: list[str] = field(default_factory=list)  # fetched, but the case holds these bytes
    failures: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    undelivered: list[str] = field(default_factory=list)  # alerts whose webhook or e-mail failed
    statements: int = 0
    documents: list[int] = field(default_factory=list)  # of the captures made
    validators: tuple[str | None, str | None] | None = None  # the listing's ETag and Last-Modified
    case: str = ""

    def details(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "status": self.status,
            "links": self.links,
            "captured": self.captured,
            "duplicates": self.duplicates,
            "failures": self.failures[:50],
            "alerts": self.alerts,
            "undelivered": self.undelivered,
        }


def normalise(url: str, base: str | None = None) -> str | None:
    """The URL as we fetch and remember it: absolute, no fragment, no tracking parameters; None when
    it is not an http(s) URL courlan can read."""
    from courlan import normalize_url

    absolute = urljoin(base, url.strip()) if base else url.strip()
    if not absolute.startswith(("http://", "https://")):
        return None
    try:
        return urldefrag(normalize_url(absolute)).url
    except (ValueError, UnicodeError):
        return None


def unique(links: Iterable[str], base: str | None = None) -> list[str]:
    """Normalised links in first-seen order, each once."""
    return list(dict.fromkeys(n for n in (normalise(u, base) for u in links) if n))


def conditional(etag: str | None, last_modified: str | None) -> list[tuple[str, str]]:
    out = [("If-None-Match", etag)] if etag else []
    return out + ([("If-Modified-Since", last_modified)] if last_modified else [])


def header(result: FetchResult, name: str) -> str | None:
    return next((v for k, v in result.headers if k.lower() == name.lower()), None)


def feed_links(body: bytes, base: str) -> list[str]:
    """Entry links of an RSS or Atom feed, parsed from our bytes (bytes are never a URL to feedparser)."""
    import feedparser  # type: ignore[import-untyped]

    parsed = feedparser.parse(body, response_headers={"content-location": base})
    links: list[str] = []
    for entry in parsed.entries:
        link = entry.get("link") or next(
            (lk.get("href") for lk in entry.get("links", []) if lk.get("href")), None
        )
        if isinstance(link, str):
            links.append(link)
    return links


def sitemap_links(body: bytes, url: str) -> tuple[list[str], list[str]]:
    """(pages, child sitemaps) of a sitemap, read by trafilatura's SitemapObject from our bytes: its
    `process()` only reads `content`, so its own fetching is never used."""
    from courlan import extract_domain
    from trafilatura.sitemaps import SitemapObject

    sm = SitemapObject(url, extract_domain(url, fast=True) or "", [], external=True)
    sm.content = body.decode("utf-8", errors="replace")
    sm.current_url = url
    sm.process()
    return sm.urls, sm.sitemap_urls


def _guarded(url: str, opts: Options, headers: list[tuple[str, str]] | None = None) -> FetchResult:
    return fetch(
        url,
        allow_private=opts.allow_private,
        allowed=opts.allowed,
        max_bytes=opts.max_bytes,
        timeout=opts.timeout,
        headers=headers or [],
    )


def listed(w: Watch, result: FetchResult, opts: Options) -> list[str]:
    """The article links a feed or sitemap answer names (a sitemap index's children fetched too)."""
    if w.kind == "feed":
        return feed_links(result.body, result.final_url)
    pages, children = sitemap_links(result.body, result.final_url)
    for child in children[:MAX_CHILD_SITEMAPS]:
        try:
            pages += sitemap_links(_guarded(child, opts).body, child)[0]
        except VigilError:
            continue  # one broken child sitemap leaves the others
    return pages


def _read_listing(store: Store, w: Watch, opts: Options, polled: Polled) -> list[str] | None:
    """The listing's links, or None when it is unchanged (304), refused or failed."""
    with store.reads() as s:
        st = s.get(WatchState, w.id)
        headers = conditional(st.etag, st.last_modified) if st is not None else []
    try:
        result = _guarded(w.url, opts, headers)
    except VigilError as exc:
        polled.failures.append(f"{w.url}: {exc}")
        return None
    polled.status = result.status
    if result.status == 304 or not 200 <= result.status < 300:
        if result.status != 304:
            polled.failures.append(f"{w.url}: HTTP {result.status} {result.reason}")
        return None
    polled.validators = (header(result, "ETag"), header(result, "Last-Modified"))
    return listed(w, result, opts)


def _take(store: Store, w: Watch, url: str, opts: Options, polled: Polled) -> int | None:
    """Fetch one article; record it unless the case holds its bytes. The capture id, or None."""
    try:
        result = _guarded(url, opts)
        sha = hashlib.sha256(result.body).hexdigest()
        with store.reads() as s:
            if db.case_holds(s, w.case_id, sha):
                polled.duplicates.append(url)
                return None
        note = f"watch {w.id} ({w.kind} {w.url})"
        done = capture_url(store, url, replace(opts, note=note), fetched=result)
    except VigilError as exc:
        polled.failures.append(f"{url}: {exc}")
        return None
    except OSError as exc:
        polled.failures.append(f"{url}: {exc.strerror or exc}")
        return None
    with store.sessions.begin() as s:  # into the case at once: a crash later leaves it held
        db.add_to_case(s, w.case_id, [done.capture.id], custody.collector())
    polled.captured[url] = done.capture.id
    polled.statements += done.statements
    if done.document is not None:
        polled.documents.append(done.document.id)
    if done.error:
        polled.failures.append(f"{url}: recorded as capture {done.capture.id}, not a source: {done.error}")
    return done.capture.id


def tracker_statuses(store: Store, case_id: int) -> dict[str, tuple[str, str]]:
    """Each tracker item of the case: {id: (status, what)}, as `vigil tracker --case` shows them."""
    from vigil.connect.monitor import assemble
    from vigil.store import monitor

    with store.reads() as s:
        rec = monitor.load(s, monitor.case_documents(s, case_id), case_id)
    m = assemble(rec.names, rec.statements, rec.events, rec.judgements, rec.decisions)
    return {i.id: (i.status, i.what) for i in m.tracker()}


def _new_statements(store: Store, case_id: int, doc_ids: list[int]) -> list[Any]:
    from vigil.store import monitor

    with store.reads() as s:
        return list(monitor.load(s, doc_ids, case_id).statements)


def raise_alerts(
    store: Store,
    w: Watch,
    rules: list[alerts.Rule],
    polled: Polled,
    before: dict[str, tuple[str, str]] | None,
    allow_private: bool,
) -> None:
    """Match the poll's new statements (and tracker changes) to the rules; deliver, then record each
    alert with how its deliveries went."""
    from vigil.capture.notify import deliver

    statements = _new_statements(store, w.case_id, polled.documents) if polled.documents else []
    changes = alerts.status_changes(before, tracker_statuses(store, w.case_id)) if before is not None else []
    context = {"case": polled.case, "watch": {"id": w.id, "url": w.url, "kind": w.kind}}
    hits = alerts.matches(rules, statements, changes, context)
    sent = [
        (
            h,
            deliver(
                h.payload,
                f"Vigil alert: {alerts.summary(h)}",
                h.rule.webhook,
                h.rule.email,
                allow_private=allow_private,
            ),
        )
        for h in hits
    ]
    if not sent:
        return
    with store.sessions.begin() as s:
        for h, done in sent:
            db.record_alert(s, h.rule, w.id, h.subject, h.payload, done)
            polled.alerts.append(f"{h.rule.describe()}: {alerts.summary(h)}")
            polled.undelivered += [f"alert to {d['to']}: {d['detail']}" for d in done if not d["ok"]]


def poll(store: Store, w: Watch, opts: Options) -> Polled:
    """Poll one watch: read its listing, capture what is new, raise alerts, record the poll."""
    polled = Polled(w.id, w.url)
    with store.reads() as s:
        rules = db.rules(s, w.case_id)
        seen = db.seen_urls(s, w)
        case = s.get(Case, w.case_id)
        polled.case = case.name if case is not None else str(w.case_id)
    links = unique(_read_listing(store, w, opts, polled) or [], w.url)
    polled.links = len(links)
    fresh = [u for u in links if u not in seen]
    wants_tracker = any(r.field == "tracker-status" for r in rules)
    before = tracker_statuses(store, w.case_id) if fresh and wants_tracker else None
    for url in fresh:
        _take(store, w, url, opts, polled)
    if rules and polled.captured:
        raise_alerts(store, w, rules, polled, before, opts.allow_private)
    finish(store, w, polled)
    return polled


def finish(store: Store, w: Watch, polled: Polled) -> None:
    """Record the poll; keep the listing's validators only when every article was taken, so a
    poll that failed part-way reads the whole listing again next time instead of getting a 304."""
    with store.sessions.begin() as s:
        db.log(s, w.id, "polled", polled.details(), custody.collector())
        st = db.state(s, w.id)
        st.polled_at = custody.now()
        if polled.validators is not None and not polled.failures:
            st.etag, st.last_modified = polled.validators


def due(store: Store, now: dt.datetime | None = None, every: bool = False) -> list[Watch]:
    """The active watches whose interval has passed since their last poll (all of them with `every`)."""
    moment = now or dt.datetime.now(dt.UTC)
    with store.reads() as s:
        active = db.watches(s)
        return [w for w in active if every or db.is_due(s.get(WatchState, w.id), w.every_minutes, moment)]


def seconds_to_next(store: Store, now: dt.datetime | None = None) -> float:
    """How long the loop may sleep before a watch falls due (at most a minute, to see new watches)."""
    moment = now or dt.datetime.now(dt.UTC)
    waits = [60.0]
    with store.reads() as s:
        for w in db.watches(s):
            st = s.get(WatchState, w.id)
            if st is None or st.polled_at is None:
                return 0.0
            nxt = dt.datetime.fromisoformat(st.polled_at) + dt.timedelta(minutes=w.every_minutes)
            waits.append((nxt - moment).total_seconds())
    return max(0.0, min(waits))


def run(
    store: Store,
    opts: Options,
    *,
    once: bool = False,
    every_watch: bool = False,
    report: Callable[[Polled], None] = lambda _p: None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Poll due watches (every active one with `every_watch`); with `once` a single round, else on
    their schedules until interrupted. Returns the number of polls."""
    polls = 0
    while True:
        for w in due(store, every=every_watch):
            report(poll(store, w, opts))
            polls += 1
        if once:
            return polls
        every_watch = False
        sleep(max(1.0, seconds_to_next(store)))
