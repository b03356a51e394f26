"""The case's maintained aggregates: its actor list, tracker, contested claims and dashboard figures.

Folding tens of thousands of names into one register, or following every demand across the case,
takes seconds on a case of 10,000 sources: too long for a request. So it happens once per change,
not once per request. Each aggregate carries the version of the records it was built from (counts
and newest ids, cheap to read by index); a request that finds it stale rebuilds it, outside any
write lock, and writes it in one short transaction that every worker process then shares. Pages
read a page of it by index. A capture job rebuilds them when it ends, so readers rarely wait.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import hashlib
import json
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, text
from sqlalchemy.orm import Session

from vigil import __version__
from vigil.connect import contested, register, tracker
from vigil.connect.gazetteer import fold
from vigil.connect.monitor import Monitor, assemble
from vigil.model import KINDS
from vigil.store import digest, monitor
from vigil.store.db import Store, memo, refresh_reads
from vigil.store.tables import (
    ActorMerge,
    CaseEvent,
    DigestActor,
    Document,
    EventRow,
    Review,
    StatementRow,
    TrackerChange,
)
from vigil.store.tables import (
    Capture as CaptureRow,
)
from vigil.store.tables import Judgement as JudgementRow
from vigil.web import queries
from vigil.web.kept import Kept
from vigil.web.queries import Scope, case_statements

ACTORS, MONITOR, STATEMENTS = "actors", "monitor", "statements"
SHAPE = 5  # the aggregates' layout: a change of it rebuilds them all
QUICK = 0.5  # seconds: an aggregate built faster than this is rebuilt before it is read
log = logging.getLogger("vigil.aggregates")
_locks: dict[tuple[int, str, str], threading.Lock] = {}
_guard = threading.Lock()


def scope_key(scope: Scope) -> str:
    """Members who may not see some sources get aggregates of their own."""
    if not scope.hidden:
        return ""
    return hashlib.sha256(json.dumps(sorted(scope.hidden)).encode()).hexdigest()


def version(s: Session, scope: Scope, part: str) -> str:
    """What the aggregate depends on; any new source, document, statement or judgement changes it,
    and for the tracker also a review, a decision, an event, and the day (deadlines pass)."""
    # one statement, not one per figure: a page checks this on every read
    figures = s.execute(_version_query(part), {"case": scope.case_id}).one()
    parts: list[Any] = [__version__, SHAPE, *figures]
    if part == MONITOR:
        parts.append(dt.date.today().isoformat())
    return json.dumps(parts)


@functools.cache
def _version_query(part: str) -> Any:
    """The newest id of each table an aggregate reads, by index; a case's sources by its newest case
    event, since every source added (or restricted) is one. Written once as SQL: built as an
    expression for each read, it cost more than the database's answer."""

    def newest(model: Any, of_case: bool = False) -> str:
        return f"(SELECT max(id) FROM {model.__tablename__}{' WHERE case_id = :case' if of_case else ''})"

    cols = [newest(CaseEvent, True), newest(Document), newest(StatementRow), newest(ActorMerge)]
    cols.append(newest(JudgementRow))
    if part == MONITOR:
        cols += [newest(Review, True), newest(TrackerChange, True), newest(EventRow)]
    return text("SELECT " + ", ".join(cols))


def ensure(st: Store, scope: Scope, part: str, fresh: bool = False) -> int:
    """The id of the aggregate to read. Rebuilt first when the records changed, if that is quick
    (under QUICK seconds last time) or `fresh` is asked (a reviewer's own change must show); a slow
    one is served as it stands while one thread rebuilds it behind, so readers never queue on it."""
    key = scope_key(scope)
    seen, k = memo(), (id(st), scope.case_id, key, part)
    if seen is not None and not fresh and k in seen:
        return int(seen[k])  # a page that reads an aggregate three times checks it once
    with st.reads() as s:
        wanted = version(s, scope, part)
        found = digest.current(s, scope.case_id, key, part)
    if found is not None and found.version == wanted:
        did = int(found.id)
    elif found is not None and not fresh and found.seconds >= QUICK:
        _behind(st, scope, part)
        did = int(found.id)
    else:
        rebuilt = _rebuild(st, scope, part)
        assert rebuilt is not None  # it waited for the lock
        did = rebuilt
    if seen is not None:
        seen[k] = did
    return did


def warm() -> None:
    """Load what a first build would (the register's gazetteer: a quarter of a second). A cold
    build of a small case would otherwise be timed as slow, and served stale from then on."""
    register.build([], [])


def _lock(scope: Scope, part: str) -> threading.Lock:
    with _guard:
        return _locks.setdefault((scope.case_id, scope_key(scope), part), threading.Lock())


def _rebuild(st: Store, scope: Scope, part: str, wait: bool = True) -> int | None:
    """Build outside any write lock, write in one short transaction; one build at a time per case
    aggregate across this machine's processes. Without `wait`, None when another is building it."""
    key = scope_key(scope)
    with _lock(scope, part), _machine_lock(st, scope, part, wait) as mine:
        if not mine:
            return None
        refresh_reads()  # what the process that held the lock wrote must be seen
        with st.reads() as s:
            wanted = version(s, scope, part)
            found = digest.current(s, scope.case_id, key, part)
            if found is not None and found.version == wanted:
                return int(found.id)  # built by whoever held the lock before
            t0 = time.perf_counter()
            built = BUILDERS[part](s, scope)
            seconds = time.perf_counter() - t0
        with st.sessions.begin() as s:
            did = digest.replace(s, scope.case_id, key, part, wanted, seconds, built)
        digest.analyze(st.engine, part)
        return did


@contextmanager
def _machine_lock(st: Store, scope: Scope, part: str, wait: bool) -> Iterator[bool]:
    """A lock file per case aggregate under VIGIL_HOME. When the day turns, every worker process
    finds the tracker stale at once; each rebuilt it (seconds of CPU apiece) until this."""
    where = st.root / "locks"
    where.mkdir(exist_ok=True)
    name = f"aggregate-{scope.case_id}-{scope_key(scope)[:16] or 'all'}-{part}.lock"
    fd = os.open(where / name, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing releases the lock


def _behind(st: Store, scope: Scope, part: str) -> None:
    if _lock(scope, part).locked():
        return  # already being rebuilt here

    def work() -> None:
        try:
            _rebuild(st, scope, part, wait=False)
        except Exception:  # the next reader tries again
            log.exception("aggregate %s of case %s not rebuilt", part, scope.case_id)

    threading.Thread(target=work, name=f"vigil-aggregate-{part}", daemon=True).start()


def rebuild(st: Store, case_id: int) -> None:
    """Bring the case's aggregates up to date for members who see all of it (after a capture job)."""
    for part in BUILDERS:
        ensure(st, Scope(case_id, 0), part)


# ---- building ----------------------------------------------------------------------------------------
def build_actors(s: Session, scope: Scope) -> digest.Built:
    """The register of the case's names, with statements by and about each actor counted."""
    names = monitor.names(s, monitor.case_documents(s, scope.case_id, scope.hidden))
    reg = register.build(names, monitor.judgements(s))
    said: Counter[str] = Counter()
    about: Counter[str] = Counter()
    spelled: set[tuple[str, str]] = set()
    for col, counts in ((StatementRow.speaker_name, said), (StatementRow.target_name, about)):
        q = (
            case_statements(scope)
            .with_only_columns(col, func.count(func.distinct(StatementRow.id)))
            .where(col.is_not(None))
            .group_by(col)
            .order_by(None)
        )
        for name, n in s.execute(q):  # machine counts; reviews show on each actor's page
            k = reg.key_of_name(name)
            if k is not None and reg.get(k) is not None:
                counts[k] += int(n)
                spelled.add((name, k))
    ranked = sorted(reg.actors, key=lambda a: (-said[a.id] - about[a.id], a.name))
    out = digest.Built()
    for rank, a in enumerate(ranked):
        out.actors.append(
            DigestActor(
                rank=rank,
                key=a.id,
                name=a.name,
                kind=a.kind,
                aliases=json.dumps(a.aliases),
                titles=json.dumps(a.titles),
                links=json.dumps([{"key": lk.key, "relation": lk.relation} for lk in a.links]),
                merges=json.dumps(
                    [
                        {"left": j.left, "right": j.right, "by": j.by, "at": j.at}
                        for j in a.judgements
                        if j.verdict == "same" and j.origin == "reviewer"
                    ]
                ),
                documents=len(set(a.documents)),
                said=said[a.id],
                about=about[a.id],
            )
        )
        spelled.update((n, a.id) for n in [a.name, *a.aliases])
    out.names = sorted({(fold(n), n, k) for n, k in spelled if fold(n)})
    out.summary = {"actors": len(out.actors)}
    return out


def build_statements(s: Session, scope: Scope) -> digest.Built:
    """The case's machine statements of current documents in both page orders, with what the
    filters read: the statements pages then page and count by index."""
    q = (
        case_statements(scope)
        .where(Document.superseded_by.is_(None), StatementRow.origin != "person")
        .with_only_columns(
            StatementRow.id,
            CaptureRow.id,
            StatementRow.document_id,
            StatementRow.span_start,
            StatementRow.kind,
            StatementRow.speaker_name,
            StatementRow.target_name,
            StatementRow.date,
            Document.published,
        )
        .order_by(None)
        .order_by(StatementRow.document_id, StatementRow.span_start, StatementRow.id, CaptureRow.id)
    )
    rows: dict[int, dict[str, Any]] = {}
    for sid, cap, doc, start, kind, speaker, target, date, published in s.execute(q):
        if sid not in rows:  # the case's first capture of the bytes, as the pages link it
            own = date if date and not date.startswith("--") else None
            rows[sid] = {
                "statement_id": sid,
                "capture_id": cap,
                "document_id": doc,
                "span_start": start,
                "said_on": own or published or date,
                "kind": kind,
                "speaker_name": speaker,
                "target_name": target,
                "date": date,
            }
    place = list(rows.values())
    for i, r in enumerate(place):
        r["position"] = i
    for i, r in enumerate(sorted(place, key=date_key)):
        r["chrono"] = i
    kinds = dict(Counter(r["kind"] for r in place))
    said = {(r[f"{role}_name"], role) for r in place for role in queries.ROLES if r[f"{role}_name"]}
    names = [(name.lower(), name, role) for name, role in sorted(said)]  # the filters choose from these
    return digest.Built(summary={"total": len(place), "kinds": kinds}, names=names, statements=place)


def date_key(r: dict[str, Any]) -> tuple[Any, ...]:
    """Statement date, else the publication date; undated last; never by capture order."""
    when = r["said_on"]
    return (when is None, (when or "").startswith("--"), when or "", r["document_id"], r["span_start"])


BUILDERS = {ACTORS: build_actors, STATEMENTS: build_statements}


def load(s: Session, scope: Scope) -> Monitor:
    """The case's monitor, assembled from the records of the sources the member may see."""
    docs = monitor.case_documents(s, scope.case_id, scope.hidden)
    rec = monitor.load(s, docs, scope.case_id)
    return assemble(rec.names, rec.statements, rec.events, rec.judgements, rec.decisions)


def build_monitor(s: Session, scope: Scope) -> digest.Built:
    m = load(s, scope)
    out = digest.Built()
    out.items = [("tracker", i.status, tracker.to_json(i)) for i in m.tracker()]
    out.items += [("contested", "", contested_json(c)) for c in m.contested()]
    said = Counter(one.speaker for one in m.statements if one.speaker)
    active = []
    for k, n in said.most_common(8):
        a = m.register.get(k)
        if a is not None:
            active.append(
                {"key": k, "name": a.name, "kind": a.kind, "n": n, "sources": len(set(a.documents))}
            )
    out.summary = {"months": by_month(m), "total": len(m.statements), "active": active}
    return out


BUILDERS[MONITOR] = build_monitor


SHOWN = 20  # statements of each side a contested claim's page shows (the counts give the rest)


def contested_json(c: contested.Contested) -> dict[str, Any]:
    """The claim as the CLI prints it, each side cut to its first SHOWN statements."""
    body = contested.to_json(c)
    return {
        **body,
        "accused_key": c.accused,
        "accusations_total": len(body["accusations"]),
        "responses_total": len(body["responses"]),
        "accusations": body["accusations"][:SHOWN],
        "responses": body["responses"][:SHOWN],
    }


def by_month(m: Monitor) -> list[tuple[str, dict[str, int]]]:
    """Statements per month (their date, else the publication's) and kind, for the dashboard's plot."""
    counts: dict[str, Counter[str]] = {}
    for s in m.statements:
        day = s.date if s.date and not s.date.startswith("--") else s.source.published
        if day and s.review != "rejected":
            counts.setdefault(day[:7], Counter())[s.kind] += 1
    return [(month, {k: counts[month][k] for k in KINDS}) for month in sorted(counts)]


# ---- reading -----------------------------------------------------------------------------------------
@dataclass
class ActorView:
    key: str
    name: str
    kind: str
    aliases: list[str]
    titles: list[str]
    documents: int
    said: int = 0
    about: int = 0
    links: list[dict[str, str]] = field(default_factory=list)
    merges: list[dict[str, str]] = field(default_factory=list)


def view(row: DigestActor) -> ActorView:
    return ActorView(
        row.key,
        row.name,
        row.kind,
        json.loads(row.aliases),
        json.loads(row.titles),
        row.documents,
        row.said,
        row.about,
        json.loads(row.links),
        json.loads(row.merges),
    )


def actor_page(st: Store, scope: Scope, offset: int, limit: int) -> tuple[list[ActorView], int]:
    did = ensure(st, scope, ACTORS)
    with st.reads() as s:
        return [view(r) for r in digest.actors(s, did, offset, limit)], digest.actor_count(s, did)


def actor_names(st: Store, scope: Scope, limit: int, speakers: bool = False) -> list[str]:
    """The names of the case's highest-ranked actors, sorted, for a menu."""
    did = ensure(st, scope, ACTORS)
    with st.reads() as s:
        kept = Kept.of(s, "actor names", 200)  # a built aggregate never changes
        names = kept.recall(
            (did, limit, speakers), lambda: sorted(set(digest.actor_names(s, did, limit, speakers)))
        )
        return list(names)


def actor(st: Store, scope: Scope, key: str) -> ActorView | None:
    did = ensure(st, scope, ACTORS)
    with st.reads() as s:
        row = digest.actor(s, did, key)
        return view(row) if row is not None else None


def filter_names(st: Store, scope: Scope, params: dict[str, str]) -> dict[str, set[str]]:
    """For the speaker and target filters, every name of the actors each names: "Beijing" finds
    what China said under any name. One look at the actor list serves both filters."""
    wanted = {k: fold(params[k]) for k in ("speaker", "target") if params.get(k)}
    if not wanted:
        return {}
    did = ensure(st, scope, ACTORS)
    with st.reads() as s:
        return {
            k: {n.lower() for n in digest.names_of(s, did, digest.keys_named(s, did, [w]))} if w else set()
            for k, w in wanted.items()
        }


def statement_page(
    st: Store,
    scope: Scope,
    params: dict[str, str],
    offset: int,
    limit: int,
    order: str = "place",
    count: bool = True,
) -> queries.Found:
    """A page of the case's statements under the filters, through its statement aggregate, and how
    many there are (0 when `count` is False: the API shows no total)."""
    names = filter_names(st, scope, params)
    index = ensure(st, scope, STATEMENTS)
    with st.reads() as s:
        kinds = digest.summary(s, index).get("kinds")
        return queries.statement_page(s, scope, index, params, offset, limit, order, names, kinds, count)


def actors_named(st: Store, scope: Scope, name: str) -> list[ActorView]:
    """The actors found under this name (folded), for a reviewer who typed one."""
    did = ensure(st, scope, ACTORS)
    with st.reads() as s:
        rows = [digest.actor(s, did, k) for k in digest.keys_named(s, did, [fold(name)])]
        return [view(r) for r in rows if r is not None]


def spellings(st: Store, scope: Scope, key: str) -> list[str]:
    """The exact names statements give this actor, for an indexed lookup of its statements."""
    did = ensure(st, scope, ACTORS)
    with st.reads() as s:
        return digest.names_of(s, did, [key])


def items(
    st: Store, scope: Scope, part: str, status: str | None, offset: int, limit: int
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """A page of tracker items or contested claims, and how many there are by status."""
    did = ensure(st, scope, MONITOR)
    with st.reads() as s:
        return digest.items(s, did, part, status, offset, limit), digest.status_counts(s, did, part)


def payloads(st: Store, scope: Scope, part: str, status: str | None, offset: int, limit: int) -> str:
    """A page of tracker items or contested claims as one JSON array, built from the stored JSON."""
    did = ensure(st, scope, MONITOR)
    with st.reads() as s:
        return "[" + ",".join(digest.payloads(s, did, part, status, offset, limit)) + "]"


@dataclass
class Glance:
    """What the dashboard shows, read from one build of the monitor aggregate."""

    summary: dict[str, Any]
    counts: dict[str, int]
    overdue: list[dict[str, Any]]
    open_items: list[dict[str, Any]]
    contested: list[dict[str, Any]]


def glance(st: Store, scope: Scope, limit: int) -> Glance:
    did = ensure(st, scope, MONITOR)
    with st.reads() as s:
        return Glance(
            digest.summary(s, did),
            digest.status_counts(s, did, "tracker"),
            digest.items(s, did, "tracker", "overdue", 0, limit),
            digest.items(s, did, "tracker", "open", 0, limit),
            digest.items(s, did, "contested", None, 0, 5),
        )


def has_item(st: Store, scope: Scope, item: str) -> bool:
    did = ensure(st, scope, MONITOR)
    with st.reads() as s:
        return digest.has_item(s, did, "tracker", item)


def tracker_item(st: Store, scope: Scope, item: str) -> dict[str, Any] | None:
    did = ensure(st, scope, MONITOR)
    with st.reads() as s:
        return digest.item(s, did, "tracker", item)
