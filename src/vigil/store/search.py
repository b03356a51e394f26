"""Full-text search over statements: SQLite FTS5 or PostgreSQL text search, ranked.

Filters (kind, speaker, target, date range) apply on top; partial dates
compare by their known prefix, so `--since 2022-03` keeps `2022-03`.
Only statements of current documents are searched unless asked otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, column, func, literal_column, or_, select, table, text
from sqlalchemy.orm import Session, aliased

from vigil.store.tables import Capture, Document, StatementRow

WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Hit:
    statement_id: int
    kind: str
    speaker: str | None
    target: str | None
    date: str | None
    text: str
    quote: str | None
    document_id: int
    title: str | None
    url: str | None
    blob_sha256: str
    rank: float


def fts5_query(query: str) -> str:
    """User words as quoted FTS5 terms (all must match), so punctuation can never break the syntax."""
    words = WORD.findall(query)
    return " ".join(f'"{w}"' for w in words)


def search(
    session: Session,
    query: str = "",
    *,
    kind: str | None = None,
    speaker: str | None = None,
    target: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 50,
    include_superseded: bool = False,
    window: bool = True,
) -> list[Hit]:
    """Statements matching the words and filters, best first. With very many matches only the newest
    RANK_WINDOW are ranked (`window`); a filtered search that finds fewer than `limit` there ranks
    them all, so a filter that keeps only old statements still finds them.

    Statements are ranked on their own table and only the page's hits read with their documents:
    joining documents before the ranking made the database read every document of the store."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    words = fts5_query(query)
    if query.strip() and not words:
        return []
    S, stmt, rank, windowed = _matching(session, dialect, words, query, window)
    if not include_superseded:
        replaced = select(Document.id).where(
            Document.id == S.document_id, Document.superseded_by.is_not(None)
        )
        stmt = stmt.where(~replaced.exists())
    stmt = _filtered(stmt, S, kind, speaker, target, since, until)
    order = (rank.desc(), S.id) if words else (S.id,)
    ranked = [(int(i), float(r or 0.0)) for i, r in session.execute(stmt.order_by(*order).limit(limit))]
    filters = kind or speaker or target or since or until
    if windowed and len(ranked) < limit and filters:
        return search(
            session,
            query,
            kind=kind,
            speaker=speaker,
            target=target,
            since=since,
            until=until,
            limit=limit,
            include_superseded=include_superseded,
            window=False,
        )
    return _hits(session, ranked)


def _matching(session: Session, dialect: str, words: str, query: str, window: bool) -> tuple[Any, ...]:
    """The statements with every word, to filter (as the entity returned), with their rank, and
    whether only the newest RANK_WINDOW of them are taken (`window`, when there are more): FTS5 on
    SQLite, the stored tsvector on PostgreSQL (migration 0001); every statement without words."""
    S: Any = StatementRow
    if not words:
        return S, select(S.id, literal_column("0.0")), literal_column("0.0"), False
    if dialect == "sqlite":
        rank: Any = literal_column("-bm25(statements_fts)")
        fts = table("statements_fts", column("rowid"))
        stmt = select(S.id, rank).select_from(S).join(fts, fts.c.rowid == S.id)
        stmt = stmt.where(text("statements_fts MATCH :q")).params(q=words)
        floor = _window_floor(session, words) if window else None
        if floor is not None:  # very many matches: the best of the newest RANK_WINDOW of them
            stmt = stmt.where(literal_column("statements_fts.rowid") >= floor)
        return S, stmt, rank, floor is not None
    vector: Any = literal_column("statements.search_vector")
    tsq = func.websearch_to_tsquery("english", query)
    if not window:
        rank = func.ts_rank(vector, tsq)
        return S, select(S.id, rank).where(vector.op("@@")(tsq)), rank, False
    # the newest matches by the key's index, in one pass: the database stops at RANK_WINDOW of them
    newest = select(S, vector.label("search_vector")).where(vector.op("@@")(tsq))
    inner = newest.order_by(S.id.desc()).limit(RANK_WINDOW).subquery("newest")
    W: Any = aliased(StatementRow, inner)
    rank = func.ts_rank(inner.c.search_vector, tsq)
    return W, select(W.id, rank), rank, True


def _filtered(
    stmt: Any,
    S: Any,
    kind: str | None,
    speaker: str | None,
    target: str | None,
    since: str | None,
    until: str | None,
) -> Any:
    if kind:
        stmt = stmt.where(S.kind == kind)
    if speaker:
        stmt = stmt.where(func.lower(S.speaker_name).contains(speaker.lower()))
    if target:
        stmt = stmt.where(func.lower(S.target_name).contains(target.lower()))
    if since:
        stmt = stmt.where(and_(S.date.is_not(None), S.date >= since[: len(since)]))
    if until:
        stmt = stmt.where(
            and_(
                S.date.is_not(None),
                or_(S.date <= until, S.date.startswith(until)),
            )
        )
    return stmt


def _hits(session: Session, ranked: list[tuple[int, float]]) -> list[Hit]:
    """The ranked statements with their documents, in rank order: one query for the rows and one
    for the addresses of documents that carry none (their first capture's)."""
    if not ranked:
        return []
    S = StatementRow
    cols = (S.id, S.kind, S.speaker_name, S.target_name, S.date, S.text, S.quote, Document.id)
    q = select(*cols, Document.title, Document.url, Document.blob_sha256).join(
        Document, Document.id == S.document_id
    )
    rows = {r[0]: tuple(r) for r in session.execute(q.where(S.id.in_([i for i, _ in ranked])))}
    urls = _capture_urls(session, {str(r[-1]) for r in rows.values() if not r[-2]})
    hits = []
    for i, score in ranked:
        if i in rows:
            sid, kind, speaker, target, date, said, quote, doc, title, url, sha = rows[i]
            hits.append(
                Hit(
                    sid,
                    kind,
                    speaker,
                    target,
                    date,
                    said,
                    quote,
                    doc,
                    title,
                    url or urls.get(sha),
                    sha,
                    score,
                )
            )
    return hits


RANK_WINDOW = 5_000


def _window_floor(session: Session, words: str) -> int | None:
    """The rowid of the RANK_WINDOW-th newest matching statement, when there are more matches than
    that (SQLite: the full-text index reads its rowids in order).

    Ranking scores every match, so its cost grows with the store; past RANK_WINDOW matches (a word
    in every other statement) only the newest are ranked, which keeps a search's time flat as the
    store grows."""
    q = text(
        "SELECT rowid FROM statements_fts WHERE statements_fts MATCH :q ORDER BY rowid DESC LIMIT 1 OFFSET :n"
    ).bindparams(q=words, n=RANK_WINDOW - 1)
    found = session.execute(q).scalar()
    return int(found) if found is not None else None


def _capture_urls(session: Session, shas: set[str]) -> dict[str, str | None]:
    """Each page's address as its first capture fetched it."""
    out: dict[str, str | None] = {}
    if shas:
        q = select(Capture.page_sha256, Capture.final_url).where(Capture.page_sha256.in_(sorted(shas)))
        for sha, url in session.execute(q.order_by(Capture.id.desc())):
            out[sha] = url  # the lowest id is read last and stands
    return out


def search_documents(session: Session, query: str, limit: int = 20) -> list[tuple[int, str | None, float]]:
    """Documents whose title or text match, best first: (id, title, rank)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    words = fts5_query(query)
    if not words:
        return []
    if dialect == "sqlite":
        rows = session.execute(
            text(
                "SELECT documents.id, documents.title, -bm25(documents_fts) AS r FROM documents_fts "
                "JOIN documents ON documents.id = documents_fts.rowid WHERE documents_fts MATCH :q "
                "AND documents.superseded_by IS NULL ORDER BY r DESC LIMIT :n"
            ),
            {"q": words, "n": limit},
        ).all()
    else:
        rows = session.execute(
            text(
                "SELECT id, title, ts_rank(to_tsvector('english', "
                "coalesce(title, '') || ' ' || coalesce(text, '')), "
                "websearch_to_tsquery('english', :q)) AS r FROM documents WHERE to_tsvector('english', "
                "coalesce(title, '') || ' ' || coalesce(text, '')) @@ websearch_to_tsquery('english', :q) "
                "AND superseded_by IS NULL ORDER BY r DESC LIMIT :n"
            ),
            {"q": query, "n": limit},
        ).all()
    return [(int(r[0]), r[1], float(r[2])) for r in rows]
