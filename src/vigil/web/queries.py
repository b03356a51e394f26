"""What the workbench reads, always through a case the user belongs to."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from sqlalchemy import Integer, bindparam, column, func, literal_column, or_, select, text
from sqlalchemy.orm import Bundle, Session

from vigil.connect.text import stem
from vigil.store import digest
from vigil.store.search import fts5_query
from vigil.store.tables import (
    Capture,
    Case,
    CaseCapture,
    CaseMember,
    Digest,
    DigestStatement,
    Document,
    Review,
    StatementRow,
    User,
)
from vigil.web.kept import Kept

WRITE_ROLES = ("owner", "editor")


@dataclass(frozen=True)
class Scope:
    """What one member sees of one case: its sources less those restricted to other members.

    Reviews, person-added statements and merges are read through the case alone, so identical
    bytes held by another case never show that case's work."""

    case_id: int
    user_id: int
    hidden: frozenset[int] = frozenset()


_RESTRICTED = select(CaseCapture.capture_id, CaseCapture.restricted_to).where(
    CaseCapture.case_id == bindparam("case"), CaseCapture.restricted_to.is_not(None)
)
_MEMBERSHIP = (
    select(Case.id, Case.name, Case.description, Case.created_by, Case.created_at, CaseMember.role)
    .join(CaseMember, CaseMember.case_id == Case.id)
    .where(Case.id == bindparam("case"), CaseMember.user_id == bindparam("user"))
)


def scope_for(session: Session, case_id: int, user_id: int) -> Scope:
    rows = session.execute(_RESTRICTED, {"case": case_id}).all()
    hidden = frozenset(cap for cap, users in rows if user_id not in json.loads(users or "[]"))
    return Scope(case_id, user_id, hidden)


def _visible(q: Any, scope: Scope) -> Any:
    return q.where(CaseCapture.capture_id.not_in(scope.hidden)) if scope.hidden else q


def membership(session: Session, user_id: int, case_id: int) -> tuple[Any, str] | None:
    """The case (a row: `.id`, `.name`, `.description`…) and the user's role in it, or None (which
    the app answers with 404). Asked on every page of a case: one prebuilt statement, no object."""
    row = session.execute(_MEMBERSHIP, {"case": case_id, "user": user_id}).first()
    return (row, row.role) if row else None


def member_ids(session: Session, case_id: int) -> list[tuple[str, int]]:
    return [
        (n, i)
        for n, i in session.execute(
            select(User.name, User.id)
            .join(CaseMember, CaseMember.user_id == User.id)
            .where(CaseMember.case_id == case_id)
        )
    ]


def restricted_names(session: Session, case_id: int, capture_id: int) -> list[str] | None:
    users = session.scalar(
        select(CaseCapture.restricted_to).where(
            CaseCapture.case_id == case_id, CaseCapture.capture_id == capture_id
        )
    )
    if users is None:
        return None
    ids = set(json.loads(users))
    return sorted(n for n, i in member_ids(session, case_id) if i in ids)


def cases_of(session: Session, user: User) -> list[tuple[Case, str, int]]:
    """The user's cases, their role and how many sources each holds (counted on the key's index
    per case: a join and GROUP BY over every case's sources took three times as long)."""
    held = (
        select(func.count())
        .select_from(CaseCapture)
        .where(CaseCapture.case_id == Case.id)
        .correlate(Case)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Case, CaseMember.role, held)
        .join(CaseMember, CaseMember.case_id == Case.id)
        .where(CaseMember.user_id == user.id)
        .order_by(Case.id)
    ).all()
    return [(r[0], r[1], int(r[2])) for r in rows]


def capture_in_case(session: Session, scope: Scope, capture_id: int) -> Capture | None:
    if capture_id in scope.hidden:
        return None
    return session.scalar(
        select(Capture)
        .join(CaseCapture, CaseCapture.capture_id == Capture.id)
        .where(CaseCapture.case_id == scope.case_id, Capture.id == capture_id)
    )


def source_with_bytes(session: Session, case_id: int, sha: str) -> int | None:
    """The case's first source with these exact bytes (a second capture of them is not a new source)."""
    return session.scalar(
        select(func.min(Capture.id))
        .join(CaseCapture, CaseCapture.capture_id == Capture.id)
        .where(CaseCapture.case_id == case_id, Capture.page_sha256 == sha)
    )


def source_count(session: Session, scope: Scope, cap: int | None = None) -> int:
    """How many sources the member sees in the case (at most `cap`: enough to know a menu is too long)."""
    q = _visible(select(CaseCapture.capture_id).where(CaseCapture.case_id == scope.case_id), scope)
    return int(session.scalar(select(func.count()).select_from(q.limit(cap).subquery())) or 0)


# a source as the lists show it: plain rows, as with STATEMENT (a page of 50 loaded as objects
# cost 2 ms)
SOURCE: Bundle[Any] = Bundle(
    "capture",
    *(
        getattr(Capture, c)
        for c in (
            "id",
            "method",
            "final_url",
            "captured_at",
            "collector",
            "page_sha256",
            "warc_sha256",
            "outcome",
        )
    ),
)
SOURCE_DOCUMENT: Bundle[Any] = Bundle("document", Document.id, Document.title, Document.published)


def sources(
    session: Session, scope: Scope, offset: int = 0, limit: int | None = None
) -> list[tuple[Any, Any]]:
    """The case's captures with their current documents (None where there is none), in one query."""
    page = _visible(select(CaseCapture.capture_id).where(CaseCapture.case_id == scope.case_id), scope)
    rows = session.execute(
        select(SOURCE, SOURCE_DOCUMENT)
        .join(CaseCapture, CaseCapture.capture_id == Capture.id)
        .outerjoin(Document, (Document.blob_sha256 == Capture.page_sha256) & Document.superseded_by.is_(None))
        .where(CaseCapture.case_id == scope.case_id)
        .where(Capture.id.in_(page.order_by(CaseCapture.capture_id).offset(offset).limit(limit)))
        .order_by(Capture.id, Document.id.desc())
    ).all()
    out: dict[int, tuple[Any, Any]] = {}
    for cap, doc in rows:
        out.setdefault(cap.id, (cap, doc if doc.id is not None else None))
    return list(out.values())


def statement_counts(session: Session, doc_ids: list[int]) -> dict[int, int]:
    """Machine statements per document (person-added ones belong to their case, shown on the source)."""
    if not doc_ids:
        return {}
    rows = session.execute(
        select(StatementRow.document_id, func.count())
        .where(StatementRow.document_id.in_(doc_ids), StatementRow.origin != "person")
        .group_by(StatementRow.document_id)
    ).all()
    return {int(d): int(n) for d, n in rows}


def reviewed_counts(session: Session, scope: Scope, doc_ids: list[int]) -> dict[int, int]:
    """Statements per document that this case has reviewed (any decision, the added ones too)."""
    if not doc_ids:
        return {}
    rows = session.execute(
        select(StatementRow.document_id, func.count(func.distinct(StatementRow.id)))
        .where(StatementRow.document_id.in_(doc_ids), StatementRow.id.in_(case_reviews(scope)))
        .group_by(StatementRow.document_id)
    ).all()
    return {int(d): int(n) for d, n in rows}


def kind_counts(session: Session, index: int) -> dict[str, int]:
    """The case's machine statements by kind, from its statement aggregate (counted when it was
    built, and kept: a built aggregate never changes)."""
    return dict(Kept.of(session, "kind counts", 200).recall(index, lambda: _kind_counts(session, index)))


def _kind_counts(session: Session, index: int) -> dict[str, int]:
    summary = session.scalar(select(Digest.summary).where(Digest.id == index))
    known = json.loads(summary).get("kinds") if summary is not None else None
    if isinstance(known, dict):
        return {k: int(n) for k, n in known.items()}
    D = DigestStatement
    q = select(D.kind, func.count()).where(D.digest_id == index).group_by(D.kind)
    return {k: int(n) for k, n in session.execute(q)}


def current_document(session: Session, sha: str) -> Document | None:
    return session.scalar(
        select(Document)
        .where(Document.blob_sha256 == sha, Document.superseded_by.is_(None))
        .order_by(Document.id.desc())
        .limit(1)
    )


@dataclass
class StatementView:
    id: int
    document_id: int
    kind: str
    speaker: str | None
    target: str | None
    date: str | None
    text: str
    quote: str | None
    span: tuple[int, int]
    confidence: float
    origin: str
    status: str  # machine | accepted | edited | rejected | added
    reviewer: str | None = None
    reviewed_at: str | None = None
    machine: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    capture_id: int | None = None
    published: str | None = None  # the source's publication date
    cue: str | None = None  # the word the extractor read the statement from

    @property
    def when(self) -> str | None:
        """When it was said: its own date, else the publication's (never the capture's)."""
        if self.date and not self.date.startswith("--"):
            return self.date
        return self.published or self.date  # a day without its year only when nothing better is known


class Said(NamedTuple):
    """A statement's columns as the pages read them: a plain tuple, quick to read field by field
    (a row of the database's answer looks each one up by name) and kept by workers (ROWS)."""

    id: int
    document_id: int
    kind: str
    speaker_name: str | None
    target_name: str | None
    date: str | None
    text: str
    quote: str | None
    span_start: int
    span_end: int
    confidence: float
    origin: str
    cue: str | None


# a statement's columns as a plain row: pages read tens to hundreds of them, and loading each as an
# ORM object (identity map, instance state) cost half again as much
STATEMENT: Bundle[Any] = Bundle("statement", *(getattr(StatementRow, c) for c in Said._fields))
ROWS = 10_000  # statement rows kept by (aggregate, statement): neither ever changes
COUNTS = 2_000  # filtered counts kept by (aggregate, filters, the case's newest review)


def case_reviews(scope: Scope) -> Any:
    return select(Review.statement_id).where(Review.case_id == scope.case_id)


def case_statements(scope: Scope, document: Document | None = None) -> Any:
    """Statements of the case's current documents, with each one's title and capture, as one query.

    Machine statements come with the bytes; a person's statement only with the case it was added in."""
    added = case_reviews(scope).where(Review.action == "added")
    q = (
        select(STATEMENT, Document.title, Capture.id, Document.published)
        .join(Document, Document.id == StatementRow.document_id)
        .join(Capture, Capture.page_sha256 == Document.blob_sha256)
        .join(CaseCapture, (CaseCapture.capture_id == Capture.id) & (CaseCapture.case_id == scope.case_id))
        # current documents, and reviewed statements of earlier extractions: a review stands
        .where(Document.superseded_by.is_(None) | StatementRow.id.in_(case_reviews(scope)))
        .where((StatementRow.origin != "person") | StatementRow.id.in_(added))
    )
    q = _visible(q, scope)
    if document is not None:  # the bytes named on both sides: read from them, not from the case's sources
        q = q.where(Document.blob_sha256 == document.blob_sha256, Capture.page_sha256 == document.blob_sha256)
    return q.order_by(StatementRow.document_id, StatementRow.span_start, StatementRow.id, Capture.id)


def statement_view(session: Session, scope: Scope, statement_id: int) -> StatementView | None:
    """One statement as the case now reads it (after its latest review), or None outside the case."""
    rows = session.execute(case_statements(scope, None).where(StatementRow.id == statement_id)).all()
    views = _views(session, scope, rows)
    return views[0] if views else None


def next_unreviewed(session: Session, scope: Scope, index: int, after: int | None) -> tuple[int, int] | None:
    """(capture, statement) of the case's first statement no one has reviewed, in page order after
    the statement `after` (from the start when none is after it); None when all are reviewed."""
    D = DigestStatement
    todo = select(D.capture_id, D.statement_id).where(
        D.digest_id == index, D.statement_id.not_in(case_reviews(scope))
    )
    start = None
    if after is not None:
        start = session.scalar(select(D.position).where(D.digest_id == index, D.statement_id == after))
    if start is not None:
        row = session.execute(todo.where(D.position > start).order_by(D.position).limit(1)).first()
        if row is not None:
            return int(row[0]), int(row[1])
    row = session.execute(todo.order_by(D.position).limit(1)).first()
    return (int(row[0]), int(row[1])) if row is not None else None


def statement_visible(session: Session, scope: Scope, statement_id: int) -> bool:
    q = case_statements(scope, None).where(StatementRow.id == statement_id).limit(1)
    return session.execute(q).first() is not None


def statement_views(session: Session, scope: Scope, document: Document | None = None) -> list[StatementView]:
    return _views(session, scope, session.execute(case_statements(scope, document)).all())


def _views(session: Session, scope: Scope, rows: Any) -> list[StatementView]:
    """Statement rows (with title and capture) as views carrying their latest review in this case."""
    ids = [r[0].id for r in rows]
    reviews: dict[int, Review] = {}
    for chunk in range(0, len(ids), 5000):
        for rev in session.scalars(
            select(Review)
            .where(Review.statement_id.in_(ids[chunk : chunk + 5000]), Review.case_id == scope.case_id)
            .order_by(Review.id)
        ):
            reviews[rev.statement_id] = rev
    out = []
    seen: set[int] = set()
    for row, title, capture_id, published in rows:
        r = row if isinstance(row, Said) else Said(*row)
        if r.id in seen:
            continue
        seen.add(r.id)
        v = StatementView(
            r.id,
            r.document_id,
            r.kind,
            r.speaker_name,
            r.target_name,
            r.date,
            r.text,
            r.quote,
            (r.span_start, r.span_end),
            r.confidence,
            r.origin,
            "added" if r.origin == "person" else "machine",
            machine={"kind": r.kind, "speaker": r.speaker_name, "target": r.target_name, "date": r.date},
            title=title,
            capture_id=capture_id,
            published=published,
            cue=r.cue,
        )
        found = reviews.get(r.id)
        if found is not None:
            v.status, v.reviewer, v.reviewed_at = found.action, found.reviewer, found.at
            if found.action == "edited":
                changes = json.loads(found.changes)
                v.kind = _edited(changes, "kind", v.kind) or v.kind
                v.speaker = _edited(changes, "speaker", v.speaker)
                v.target = _edited(changes, "target", v.target)
                v.date = _edited(changes, "date", v.date)
        out.append(v)
    return out


def _edited(changes: Any, key: str, default: str | None) -> str | None:
    """An edited value, if it is one a person could have typed (older records were not validated)."""
    if not isinstance(changes, dict) or key not in changes:
        return default
    value = changes[key]
    return value if value is None or isinstance(value, str) else default


def _named(value: str | None, wanted: str, names: set[str] | None) -> bool:
    low = (value or "").lower()
    return wanted.lower() in low or bool(names and low in names)


def matches(v: StatementView, params: dict[str, str], names: dict[str, set[str]] | None = None) -> bool:
    """The workbench's filters on a statement as reviewed (kind, speaker… after any edit)."""
    # the same words the full-text index finds (porter stems): "torture" finds "torturing"
    words = {stem(w) for w in re.findall(r"\w+", params.get("q", "").lower())}
    hay_text = " ".join(x or "" for x in (v.text, v.quote, v.speaker, v.target)).lower()
    hay = {stem(w) for w in re.findall(r"\w+", hay_text)}
    names = names or {}
    speakers, targets = names.get("speaker"), names.get("target")
    reviewed = params.get("reviewed")
    until = params.get("until")
    return not (
        (words and not words <= hay)
        or (params.get("kind") and v.kind != params["kind"])
        or (params.get("speaker") and not _named(v.speaker, params["speaker"], speakers))
        or (params.get("target") and not _named(v.target, params["target"], targets))
        or (params.get("source") and str(v.capture_id) != params["source"])
        or (reviewed == "yes" and v.status == "machine")
        or (reviewed == "no" and v.status != "machine")
        or (params.get("since") and not (v.date and v.date >= params["since"]))
        or (until and not (v.date and (v.date <= until or v.date.startswith(until))))
    )


def by_date(v: StatementView) -> tuple[Any, ...]:
    return (v.when is None, (v.when or "").startswith("--"), v.when or "", v.document_id, v.span[0])


def by_place(v: StatementView) -> tuple[Any, ...]:
    return (v.document_id, v.span[0], v.id)


COUNT_CAP = 1_000  # beyond this a filtered count says "more than", rather than count every match


class Found(NamedTuple):
    """A page of statements and how many the filters keep: `exact` False when counting stopped at
    COUNT_CAP (then `total` is where it stopped: "more than")."""

    rows: list[StatementView]
    total: int
    exact: bool = True


def statement_page(
    session: Session,
    scope: Scope,
    index: int,
    params: dict[str, str],
    offset: int,
    limit: int,
    order: str = "place",
    names: dict[str, set[str]] | None = None,
    kinds: dict[str, int] | None = None,
    count: bool = True,
) -> Found:
    """One page of the case's statements under the filters, and how many there are (a filtered
    count stops at COUNT_CAP: "more than COUNT_CAP").

    `index`: the case's statement aggregate (`aggregates.ensure(…, STATEMENTS)`); `names`: for a
    speaker or target filter, every name of the actors it names (from the actor list); `kinds`:
    the aggregate's statements by kind, which count an unfiltered page without reading its rows;
    `count` False: the caller shows no count (the total is then 0). Statements no one has reviewed
    are filtered, counted and paged by the aggregate's indexes; reviewed ones (few) are read whole
    and filtered as reviewed, then the two are merged in order."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    names = names or {}
    D = DigestStatement
    base = select(D.statement_id, D.document_id, D.span_start, D.said_on).where(
        D.digest_id == index, D.statement_id.not_in(case_reviews(scope))
    )
    if params.get("reviewed") == "yes":
        base = base.where(D.id.is_(None))
    spelled = {k: _spellings(session, index, k, params[k], names.get(k)) for k in ROLES if params.get(k)}
    machine = _digest_filters(base, params, dialect, spelled)
    # a page of a common word: each statement in page order asked of the index, not all its matches read
    paged = (
        _digest_filters(base, params, dialect, spelled, probe=True) if _common(session, params) else machine
    )
    total, exact = (
        _machine_total(session, scope, index, (machine, spelled), params, kinds) if count else (0, True)
    )
    done: list[StatementView] = []
    if params.get("reviewed") != "no":
        done = [v for v in reviewed_views(session, scope) if matches(v, params, names)]
        total += len(done)
    place: Any = D.chrono if order == "date" else D.position
    if by_name(spelled):
        place = place + 0  # an expression: sorted after the lookup, not read in order through them all
    chosen = _merged_page(session, paged.order_by(place), done, order, offset, limit)
    wanted = [v for v in chosen if isinstance(v, int)]
    found = {v.id: v for v in _views(session, scope, _rows_of(session, index, wanted))}
    rows = [
        v if isinstance(v, StatementView) else found[v]
        for v in chosen
        if not isinstance(v, int) or v in found
    ]
    return Found(rows, total, exact)


Keyed = tuple[tuple[Any, ...], int | StatementView]


def _merged_page(
    session: Session, machine: Any, done: list[StatementView], order: str, offset: int, limit: int
) -> list[int | StatementView]:
    """Rows `offset` to `offset + limit` of the machine statements (ids, in `machine`'s order) merged
    with the reviewed ones (views). At most len(done) reviewed ones come before the page, so the
    first offset - len(done) machine rows surely do too: the database skips them, not Python."""
    reviewed: list[Keyed] = [(by_date(v) if order == "date" else by_place(v), v) for v in done]
    skip = max(0, offset - len(done))
    fetched = _keyed(session, machine.offset(skip).limit(offset + limit - skip), order)
    if skip and not fetched:  # past the machine rows: where the page starts needs them all
        skip, fetched = 0, _keyed(session, machine.limit(offset + limit), order)
    before = [kv for kv in reviewed if kv[0] < fetched[0][0]] if skip else []
    rest = sorted(
        fetched + [kv for kv in reviewed if skip == 0 or kv[0] >= fetched[0][0]], key=lambda kv: kv[0]
    )
    start = offset - skip - len(before)  # the page's place in `rest`
    return [v for _, v in rest[start : start + limit]]


def _keyed(session: Session, q: Any, order: str) -> list[Keyed]:
    return [
        ((w is None, (w or "").startswith("--"), w or "", d, p) if order == "date" else (d, p, sid), sid)
        for sid, d, p, w in session.execute(q)
    ]


FILTERS = ("q", "speaker", "target", "source", "since", "until")  # beyond kind and review state


def _machine_total(
    session: Session,
    scope: Scope,
    index: int,
    filtered: tuple[Any, dict[str, Spelled]],
    params: dict[str, str],
    kinds: dict[str, int] | None,
) -> tuple[int, bool]:
    """How many unreviewed statements the page's filters keep: by kind from the aggregate's counts,
    less the reviewed ones among them (few), else counted by index up to the cap; and whether the
    figure is the whole count. A counted figure is kept (COUNTS) for the same aggregate, filters
    and reviews: each page of a search counted the same matches again, the most costly part of it."""
    D = DigestStatement
    machine, spelled = filtered
    if kinds is not None and params.get("reviewed") != "yes" and not any(params.get(k) for k in FILTERS):
        kind = params.get("kind")
        whole = kinds.get(kind, 0) if kind else sum(kinds.values())
        held = select(func.count()).where(D.digest_id == index, D.statement_id.in_(case_reviews(scope)))
        return whole - int(session.scalar(held.where(D.kind == kind) if kind else held) or 0), True
    reviewed = session.scalar(select(func.max(Review.id)).where(Review.case_id == scope.case_id))
    wanted = tuple((k, params.get(k)) for k in (*FILTERS, "kind", "reviewed"))
    names = tuple(sorted((k, tuple(sorted(v.kept))) for k, v in spelled.items()))
    key = (index, wanted, names, reviewed)

    def count() -> tuple[int, bool]:
        counted = machine.with_only_columns(D.id).limit(COUNT_CAP + 1).subquery()
        n = int(session.scalar(select(func.count()).select_from(counted)) or 0)
        return min(n, COUNT_CAP), n <= COUNT_CAP

    return cast(tuple[int, bool], Kept.of(session, "counts", COUNTS).recall(key, count))


def _rows_of(session: Session, index: int, ids: list[int]) -> list[Any]:
    """Statement rows by id with their title and capture, as `case_statements` gives them; the
    aggregate already holds only the case's statements the member may see, so no case join. Rows
    read before are kept (in no particular order: callers key them by id)."""
    D = DigestStatement
    memo = Kept.of(session, "statement rows", ROWS)
    kept = memo.get_many((index, i) for i in ids)
    missing = [i for i in ids if (index, i) not in kept]
    for chunk in range(0, len(missing), 5000):
        q = (
            select(STATEMENT, Document.title, D.capture_id, Document.published)
            .join(Document, Document.id == StatementRow.document_id)
            .join(D, (D.statement_id == StatementRow.id) & (D.digest_id == index))
            .where(StatementRow.id.in_(missing[chunk : chunk + 5000]))
        )
        read = [((index, r[0].id), (Said(*r[0]), *r[1:])) for r in session.execute(q)]
        memo.put_many(read)
        kept.update(read)
    return list(kept.values())


def reviewed_views(session: Session, scope: Scope) -> list[StatementView]:
    """The case's reviewed statements (and those a person added), as reviewed."""
    q = case_statements(scope, None).where(StatementRow.id.in_(case_reviews(scope)))
    return _views(session, scope, session.execute(q).all())


ROLES = ("speaker", "target")


NARROW = 0.05  # a name filter keeping at most this share of the names is looked up by its index


class Spelled(NamedTuple):
    kept: set[str]
    narrow: bool  # few of the names: their statements are found by index, then ordered


def _spellings(session: Session, index: int, role: str, wanted: str, names: set[str] | None) -> Spelled:
    """The aggregate's spellings of speakers (or targets) the filter keeps: those holding its words,
    and every name of the actor it names (`names`, lower-cased). Chosen from the few thousand
    distinct names, not tested on each of the case's statements."""
    every = digest.said_names(session, index, role)
    kept = {n for n in every if _named(n, wanted, names)}
    return Spelled(kept, len(kept) <= NARROW * len(every))


def by_name(spelled: dict[str, Spelled]) -> str | None:
    """The narrow name filter (the narrower of two) whose index finds the page's statements."""
    narrow = sorted((len(v.kept), k) for k, v in spelled.items() if v.narrow)
    return narrow[0][1] if narrow else None


COMMON = 10_000  # a word matching more statements than this is paged by probes (`_common`)
PROBE = (
    "EXISTS (SELECT 1 FROM statements_fts WHERE statements_fts MATCH :fq "
    "AND statements_fts.rowid = digest_statements.statement_id)"
)


def _common(session: Session, params: dict[str, str]) -> bool:
    """Whether the words match more than COMMON statements of the store (SQLite). Reading every
    match costs time in proportion to them (60 ms for a word in 230,000 statements); asking the
    index of each statement in page order, until a page is full, costs in proportion to the page.
    The answer is kept until a statement is added (the index only grows with them): counting to
    COMMON took a millisecond for each page of a search."""
    words = fts5_query(params.get("q", ""))
    if not words or session.bind is None or session.bind.dialect.name != "sqlite":
        return False
    key = (words, COMMON, session.scalar(select(func.max(StatementRow.id))))

    def common() -> bool:
        capped = text(
            "SELECT count(*) FROM (SELECT rowid FROM statements_fts WHERE statements_fts MATCH :fq LIMIT :n)"
        ).bindparams(fq=words, n=COMMON + 1)
        return int(session.execute(capped).scalar() or 0) > COMMON

    return bool(Kept.of(session, "common words", 1_000).recall(key, common))


def _digest_filters(
    q: Any, params: dict[str, str], dialect: str, spelled: dict[str, Spelled], probe: bool = False
) -> Any:
    """The statement filters on the aggregate's columns (words through the full-text index: all
    its matches, or with `probe` one statement at a time); `spelled`: for a speaker or target
    filter, the names it keeps (`_spellings`). A narrow one is read by its index of names (SQLite,
    which keeps no statistics, would walk the page order's index through every statement); a
    broad one finds a page soon enough in page order."""
    D = DigestStatement
    words = fts5_query(params.get("q", ""))
    if words and probe:
        q = q.where(text(PROBE).bindparams(fq=words))
    elif words and dialect == "sqlite":  # the store's full-text index (migration 0001)
        hits = text("SELECT rowid FROM statements_fts WHERE statements_fts MATCH :fq").bindparams(fq=words)
        q = q.where(D.statement_id.in_(hits.columns(column("rowid", Integer))))
    elif words:
        tsq = func.websearch_to_tsquery("english", params["q"])
        hit = select(StatementRow.id).where(literal_column("statements.search_vector").op("@@")(tsq))
        q = q.where(D.statement_id.in_(hit))
    if params.get("kind"):
        q = q.where(D.kind == params["kind"])
    for key, col in (("speaker", D.speaker_name), ("target", D.target_name)):
        if key in spelled:
            named: Any = col if key == by_name(spelled) else col.concat("")  # an expression: no index
            q = q.where(named.in_(sorted(spelled[key].kept)))
    if params.get("source", "").isdigit():
        q = q.where(D.capture_id == int(params["source"]))
    if params.get("since"):
        q = q.where(D.date >= params["since"])
    if params.get("until"):
        until = params["until"]
        q = q.where(or_(D.date <= until, D.date.startswith(until)))
    return q


def statements_named(
    session: Session,
    scope: Scope,
    index: int,
    names: list[str],
    role: str,
    limit: int = 500,
    expected: int | None = None,
) -> list[StatementView]:
    """Statements by (role "speaker") or about (role "target") an actor, given every spelling of it
    the statements use (from the actor list), in page order: the first `limit` of the statement
    aggregate (`index`) by its index of names, with the reviewed ones (few) read whole and merged
    in. Read from the case's records, an actor in a tenth of the case cost a join of all of them.
    `expected`: how many there are (the actor list's count). Of N statements, the first `limit` of
    an actor's E come after reading about E of them by name, or about limit * N / E walking the
    page order: the walk is taken when that is fewer."""
    if not names:
        return []
    D = DigestStatement
    said = D.speaker_name if role == "speaker" else D.target_name
    first = select(D.statement_id).where(D.digest_id == index, said.in_(names))
    place: Any = D.position
    if expected is None or expected * expected <= limit * sum(kind_counts(session, index).values()):
        place = D.position + 0  # found by name, then sorted: fewer rows than walking to `limit` of them
    ids = list(session.scalars(first.order_by(place).limit(limit)))
    name_col = StatementRow.speaker_name if role == "speaker" else StatementRow.target_name
    reviewed = case_statements(scope, None).where(
        name_col.in_(names), StatementRow.id.in_(case_reviews(scope))
    )
    rows = {r[0].id: r for r in _rows_of(session, index, ids)}
    rows.update({r[0].id: r for r in session.execute(reviewed).all()})
    ordered = sorted(rows.values(), key=lambda r: (r[0].document_id, r[0].span_start, r[0].id))[:limit]
    return [v for v in _views(session, scope, ordered) if v.status != "rejected"]
