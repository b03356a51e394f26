"""Checkpoints: every commit that writes evidence records the chains' new heads in a chained row.

A hash chain alone cannot show that its last rows were deleted, or that the whole chain was
re-hashed after an edit. A checkpoint written in the same transaction as the rows it covers can:
`vigil verify` finds each table's checkpointed head (same id, same hash) and no row past it. The
newest checkpoint's own id and hash are also written to `VIGIL_HOME/checkpoint`, outside the
database, so deleting checkpoints too is found. Tables that are not chains (accounts, cases) are
covered by a digest of their rows, written by the commits that change them ("{}" in the others:
the last digest written still stands, and `vigil verify` checks the tables against it).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from vigil.capture import custody
from vigil.store.tables import Case, CaseCapture, CaseMember, Chained, Checkpoint, User

HEAD_FILE = "checkpoint"
HEAD_SIZE = 128  # bytes: the head line padded, so each write covers the last one whole
# account columns that change with every sign-in attempt: not part of what an account is
VOLATILE = frozenset({"failed_logins", "locked_until", "attempt_seq", "totp_last_step"})
GUARDED: tuple[type[Any], ...] = (User, Case, CaseMember, CaseCapture)


def digest(session: Session, model: type[Any]) -> str:
    """SHA-256 over a table's rows (volatile account columns left out), in key order."""
    cols = [c for c in inspect(model).columns if c.key not in VOLATILE]
    keys = [c for c in inspect(model).primary_key]
    h = hashlib.sha256()
    for row in session.execute(select(*cols).order_by(*keys)):
        h.update(custody.canonical(list(row)) + b"\n")
    return h.hexdigest()


def guarded(session: Session) -> dict[str, str]:
    return {m.__tablename__: digest(session, m) for m in (User, Case)}


def heads(session: Session, models: tuple[type[Chained], ...]) -> dict[str, list[Any]]:
    """Each table's last (id, row_hash): what a first checkpoint of an existing store covers."""
    out: dict[str, list[Any]] = {}
    for model in models:
        m: Any = model
        row = session.execute(select(m.id, m.row_hash).order_by(m.id.desc()).limit(1)).first()
        if row is not None:
            out[m.__tablename__] = [row[0], row[1]]
    return out


def write(session: Session, written: dict[str, list[Any]], changed: bool) -> Checkpoint:
    """The checkpoint of this transaction; `changed`: it wrote accounts or cases, whose digest it
    then carries. Recomputing that digest in every commit would cost each audited request a read
    of every account and case, and would take in an edit made behind Vigil's back as if it were
    Vigil's own."""
    from vigil.store.records import append_all, chain_head, dumps

    session.info["checkpointing"] = True
    try:
        chain_head(session, Checkpoint)  # lock first: the digest must see every commit before this one
        digests = dumps(guarded(session)) if changed else "{}"
        cp = Checkpoint(at=custody.now(), heads=dumps(written), guarded=digests)
        append_all(session, [cp])  # past the unit of work: a flush costs more than the rest
        return cp
    finally:
        session.info["checkpointing"] = False


def wrote(session: Session, table: str, row_id: int, row_hash: str) -> None:
    """Note a chained row this transaction wrote, for its checkpoint: rows inserted past the unit of
    work (`records.append_all`) are noted by their writer, the others on flush."""
    written: dict[str, list[Any]] = session.info.setdefault("written", {})
    last = written.get(table)
    if last is None or row_id > last[0]:
        written[table] = [row_id, row_hash]


def _after_flush(session: Session, _ctx: Any) -> None:
    for obj in session.new:
        if isinstance(obj, Chained) and not isinstance(obj, Checkpoint):
            m: Any = obj
            wrote(session, m.__tablename__, m.id, m.row_hash)
    if any(isinstance(o, GUARDED) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info["guarded_changed"] = True


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete:
        state.session.info["guarded_changed"] = True


def _before_commit(session: Session) -> None:
    if session.info.get("checkpointing"):
        return
    session.flush()
    written = session.info.get("written") or {}
    changed = bool(session.info.get("guarded_changed"))
    if written or changed:
        session.info["checkpoint"] = write(session, dict(written), changed)


def _after_commit(session: Session, root: Path) -> None:
    cp = session.info.get("checkpoint")
    _reset(session)
    if cp is not None:
        record_head(root, cp.id, cp.row_hash)


def _reset(session: Session, *_args: Any) -> None:
    for key in ("written", "guarded_changed", "checkpoint", "chain_heads"):
        session.info.pop(key, None)


def watch(sessions: sessionmaker[Session], root: Path) -> None:
    """Checkpoint every commit of these sessions that writes chained rows or guarded tables."""
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "do_orm_execute", _on_execute)
    event.listen(sessions, "before_commit", _before_commit)
    event.listen(sessions, "after_commit", lambda s: _after_commit(s, root))
    event.listen(sessions, "after_rollback", _reset)


def record_head(root: Path, cp_id: int, row_hash: str) -> None:
    """Keep the newest checkpoint's id and hash outside the database (never move it backwards).

    Written in place, one short line padded to a fixed size, under a lock across processes: every
    commit that checkpoints writes it, and a rename over the old file cost each of them a forced
    flush of the new one's data (ext4 does that for a replace-by-rename)."""
    line = (json.dumps({"id": cp_id, "row_hash": row_hash}).ljust(HEAD_SIZE - 1) + "\n").encode()
    fd = os.open(root / HEAD_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        current = _parse_head(os.pread(fd, 4096, 0))
        if current is not None and current[0] >= cp_id:
            return
        os.pwrite(fd, line, 0)
        if os.fstat(fd).st_size > len(line):
            os.ftruncate(fd, len(line))
    finally:
        os.close(fd)  # closing releases the lock


def read_head(root: Path) -> tuple[int, str] | None:
    try:
        return _parse_head((root / HEAD_FILE).read_bytes())
    except OSError:
        return None


def _parse_head(data: bytes) -> tuple[int, str] | None:
    try:
        got = json.loads(data)
        return int(got["id"]), str(got["row_hash"])
    except (ValueError, KeyError, TypeError):
        return None
