"""The case aggregates' tables: read a page of them by index, or replace one aggregate whole.

An aggregate (`Digest`) is derived from the records and rebuilt from them when they change; it is
never evidence, so replacing it rewrites nothing that `vigil verify` checks. Readers page through
it with LIMIT on indexed columns: no request folds the case's records itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from vigil.capture.custody import now
from vigil.store.tables import Digest, DigestActor, DigestItem, DigestName, DigestStatement


@dataclass
class Built:
    """What one rebuild produced, before it is written."""

    summary: dict[str, Any] = field(default_factory=dict)
    actors: list[DigestActor] = field(default_factory=list)
    names: list[tuple[str, str, str]] = field(default_factory=list)  # folded, name, key
    items: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # part, status, payload
    statements: list[dict[str, Any]] = field(default_factory=list)  # digest_statements rows, less the id


_CURRENT = (
    select(Digest.id, Digest.version, Digest.seconds)
    .where(
        Digest.case_id == bindparam("case"),
        Digest.scope == bindparam("scope"),
        Digest.part == bindparam("part"),
    )
    .order_by(Digest.id.desc())
    .limit(1)
)


def current(session: Session, case_id: int, scope: str, part: str) -> Any:
    """The newest build's id, version and seconds (a row), or None: asked on every page, so one
    prebuilt statement and no object loaded."""
    return session.execute(_CURRENT, {"case": case_id, "scope": scope, "part": part}).first()


TABLES = {
    "actors": ("digest_actors", "digest_names"),
    "statements": ("digest_statements",),
    "monitor": ("digest_items",),
}


def analyze(engine: Engine, part: str) -> None:
    """Refresh PostgreSQL's statistics of a part's tables after a rebuild. Each build's rows come
    under a new digest id the planner has never seen; it would guess a handful of rows and sort
    tens of thousands for a page of fifty, where the index gives them in order."""
    if engine.dialect.name != "postgresql":
        return  # SQLite's planner reads the indexes as they are
    with engine.begin() as conn:
        conn.execute(text(f"ANALYZE digests, {', '.join(TABLES[part])}"))


def replace(
    session: Session, case_id: int, scope: str, part: str, version: str, seconds: float, built: Built
) -> int:
    """Write a rebuilt aggregate (in the caller's transaction) and drop all but the one before it,
    which a reader that looked it up a moment ago may still be paging through; the new one's id."""
    d = Digest(
        case_id=case_id,
        scope=scope,
        part=part,
        version=version,
        built_at=now(),
        seconds=round(seconds, 3),
        summary=json.dumps(built.summary),
    )
    session.add(d)
    session.flush()
    for a in built.actors:
        a.digest_id = d.id
    session.add_all(built.actors)
    rows = [{"digest_id": d.id, "folded": f, "name": n, "key": k} for f, n, k in built.names]
    if rows:
        session.execute(insert(DigestName), rows)
    items = [
        {
            "digest_id": d.id,
            "part": p,
            "position": i,
            "status": st,
            "ref": str(body.get("id", ""))[:64],
            "payload": json.dumps(body),
        }
        for i, (p, st, body) in enumerate(built.items)
    ]
    if items:
        session.execute(insert(DigestItem), items)
    for chunk in range(0, len(built.statements), 5000):
        rows = [{**r, "digest_id": d.id} for r in built.statements[chunk : chunk + 5000]]
        session.execute(insert(DigestStatement), rows)
    _drop_older(session, case_id, scope, part, keep=2)
    return d.id


def _drop_older(session: Session, case_id: int, scope: str, part: str, keep: int) -> None:
    q = select(Digest.id).where(Digest.case_id == case_id, Digest.scope == scope, Digest.part == part)
    old = list(session.scalars(q.order_by(Digest.id.desc()).offset(keep)))
    if old:
        for table in (DigestActor, DigestName, DigestItem, DigestStatement):
            session.execute(delete(table).where(table.digest_id.in_(old)))
        session.execute(delete(Digest).where(Digest.id.in_(old)))


def actors(session: Session, digest_id: int, offset: int, limit: int) -> list[DigestActor]:
    q = select(DigestActor).where(DigestActor.digest_id == digest_id).order_by(DigestActor.rank)
    return list(session.scalars(q.offset(offset).limit(limit)))


def actor_count(session: Session, digest_id: int) -> int:
    """From the build's summary (counting tens of thousands of rows on every page costs more)."""
    known = summary(session, digest_id).get("actors")
    if isinstance(known, int):
        return known
    q = select(func.count()).select_from(DigestActor).where(DigestActor.digest_id == digest_id)
    return int(session.scalar(q) or 0)


def actor_names(session: Session, digest_id: int, limit: int, speakers: bool) -> list[str]:
    """The names of the highest-ranked actors (only those who said something, with `speakers`):
    a menu needs the names, not the whole rows."""
    q = select(DigestActor.name).where(DigestActor.digest_id == digest_id)
    if speakers:
        q = q.where(DigestActor.said > 0)
    return list(session.scalars(q.order_by(DigestActor.rank).limit(limit)))


def actor(session: Session, digest_id: int, key: str) -> DigestActor | None:
    q = select(DigestActor).where(DigestActor.digest_id == digest_id, DigestActor.key == key)
    return session.scalar(q.limit(1))


def keys_named(session: Session, digest_id: int, folded: Iterable[str]) -> list[str]:
    """The actors found under any of these folded names."""
    wanted = sorted(set(folded))
    if not wanted:
        return []
    q = select(DigestName.key).where(DigestName.digest_id == digest_id, DigestName.folded.in_(wanted))
    return sorted(set(session.scalars(q.distinct())))


def names_of(session: Session, digest_id: int, keys: Iterable[str]) -> list[str]:
    """Every spelling under which these actors appear: their names, aliases and statements' names."""
    wanted = sorted(set(keys))
    if not wanted:
        return []
    q = select(DigestName.name).where(DigestName.digest_id == digest_id, DigestName.key.in_(wanted))
    return sorted(set(session.scalars(q.distinct())))


def said_names(session: Session, digest_id: int, role: str) -> list[str]:
    """The distinct speaker (or target) names of a statement aggregate's statements."""
    q = select(DigestName.name).where(DigestName.digest_id == digest_id, DigestName.key == role)
    return list(session.scalars(q))


def items(
    session: Session, digest_id: int, part: str, status: str | None, offset: int, limit: int
) -> list[dict[str, Any]]:
    return [json.loads(p) for p in payloads(session, digest_id, part, status, offset, limit)]


def payloads(
    session: Session, digest_id: int, part: str, status: str | None, offset: int, limit: int
) -> list[str]:
    """A page of items as the JSON they were stored as: the API sends them on without decoding."""
    q = select(DigestItem.payload).where(DigestItem.digest_id == digest_id, DigestItem.part == part)
    if status:
        q = q.where(DigestItem.status == status)
    return list(session.scalars(q.order_by(DigestItem.position).offset(offset).limit(limit)))


def status_counts(session: Session, digest_id: int, part: str) -> dict[str, int]:
    q = (
        select(DigestItem.status, func.count())
        .where(DigestItem.digest_id == digest_id, DigestItem.part == part)
        .group_by(DigestItem.status)
    )
    return {s: int(n) for s, n in session.execute(q)}


def _item(digest_id: int, part: str, ref: str, column: Any) -> Any:
    where = (DigestItem.digest_id == digest_id, DigestItem.part == part, DigestItem.ref == ref[:64])
    return select(column).where(*where).limit(1)


def has_item(session: Session, digest_id: int, part: str, ref: str) -> bool:
    """Whether the item is there, without reading its payload (an item's can be 100 KB)."""
    return session.scalar(_item(digest_id, part, ref, DigestItem.id)) is not None


def item(session: Session, digest_id: int, part: str, ref: str) -> dict[str, Any] | None:
    found = session.scalar(_item(digest_id, part, ref, DigestItem.payload))
    return json.loads(found) if found is not None else None


def summary(session: Session, digest_id: int) -> dict[str, Any]:
    d = session.get(Digest, digest_id)
    return json.loads(d.summary) if d is not None else {}
