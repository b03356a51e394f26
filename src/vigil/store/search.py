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
from sqlalchemy.orm import Session

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
    them all, so a filter that keeps only old statements still finds them."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    windowed = False
    rank: Any = literal_column("0.0")
    stmt: Any
    words = fts5_query(query)
    if query.strip() and not words:
        return []
    if words and dialect == "sqlite":
        rank = literal_column("-bm25(statements_fts)")
        fts = table("statements_fts", column("rowid"))
        stmt = (
            select(StatementRow, Document, rank)
            .select_from(StatementRow)
            .join(fts, fts.c.rowid == StatementRow.id)
            .join(Document, Document.id == StatementRow.document_id)
            .where(text("statements_fts MATCH :q"))
            .params(q=words)
        )
    elif words:
        vector: Any = literal_column("statements.search_vector")  # stored and indexed (migration 0001)
        tsq = func.websearch_to_tsquery("english", query)
        rank = func.ts_rank(vector, tsq)
        stmt = (
            select(StatementRow, Document, rank)
            .join(Document, Document.id == StatementRow.document_id)
            .where(vector.op("@@")(tsq))
        )
    else:
        stmt = select(StatementRow, Document, rank).join(Document, Document.id == StatementRow.document_id)
    if words and window:
        floor = _window_floor(session, dialect, words, query)
        if floor is not None:  # very many matches: the best of the newest RANK_WINDOW of them
            newest = literal_column("statements_fts.rowid") if dialect == "sqlite" else StatementRow.id
            stmt = stmt.where(newest >= floor)
            windowed = True
    if not include_superseded:
        stmt = stmt.where(Document.superseded_by.is_(None))
    if kind:
        stmt = stmt.where(StatementRow.kind == kind)
    if speaker:
        stmt = stmt.where(func.lower(StatementRow.speaker_name).contains(speaker.lower()))
    if target:
        stmt = stmt.where(func.lower(StatementRow.target_name).contains(target.lower()))
    if since:
        stmt = stmt.where(and_(StatementRow.date.is_not(None), StatementRow.date >= since[: len(since)]))
    if until:
        stmt = stmt.where(
            and_(
                StatementRow.date.is_not(None),
                or_(StatementRow.date <= until, StatementRow.date.startswith(until)),
            )
        )
    stmt = (stmt.order_by(rank.desc(), StatementRow.id) if words else stmt.order_by(StatementRow.id)).limit(
        limit
    )
    hits = []
    for st, doc, score in session.execute(stmt).all():
        hits.append(
            Hit(
                st.id,
                st.kind,
                st.speaker_name,
                st.target_name,
                st.date,
                st.text,
                st.quote,
                doc.id,
                doc.title,
                doc.url or _capture_url(session, doc.blob_sha256),
                doc.blob_sha256,
                float(score or 0.0),
            )
        )
    if windowed and len(hits) < limit and (kind or speaker or target or since or until):
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
    return hits


RANK_WINDOW = 5_000


def _window_floor(session: Session, dialect: str, words: str, query: str) -> int | None:
    """The id of the RANK_WINDOW-th newest matching statement, when there are more matches than that.

    Ranking scores every match, so its cost grows with the store; past RANK_WINDOW matches (a word
    in every other statement) only the newest are ranked, which keeps a search's time flat as the
    store grows."""
    if dialect == "sqlite":
        q = text(
            "SELECT rowid FROM statements_fts WHERE statements_fts MATCH :q ORDER BY rowid DESC "
            "LIMIT 1 OFFSET :n"
        ).bindparams(q=words, n=RANK_WINDOW - 1)
        found = session.execute(q).scalar()
    else:
        vector: Any = literal_column("statements.search_vector")
        hit = vector.op("@@")(func.websearch_to_tsquery("english", query))
        found = session.scalar(
            select(StatementRow.id)
            .where(hit)
            .order_by(StatementRow.id.desc())
            .offset(RANK_WINDOW - 1)
            .limit(1)
        )
    return int(found) if found is not None else None


def _capture_url(session: Session, sha: str) -> str | None:
    return session.scalar(
        select(Capture.final_url).where(Capture.page_sha256 == sha).order_by(Capture.id).limit(1)
    )


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
