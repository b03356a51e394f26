"""Audit events written in group commits by the engine's own statements (`audit.append_events`), as
the workbench writes them: one chain with the events written through a session, each batch under
a checkpoint, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from itertools import pairwise

from sqlalchemy import delete, func, select

from tests.store.conftest import Env
from vigil.store import audit, checkpoint
from vigil.store.tables import AuditEvent, Checkpoint
from vigil.store.verify import verify


def entry(n: int, user: str = "alice") -> audit.Entry:
    return audit.Entry(
        user=user,
        address="10.0.0.1",
        method="GET",
        route="/cases/{case_id}/statements",
        case_id=1,
        records={"query": f"page_no={n}", "statements": list(range(n))},
        status=200,
    )


def test_batches_join_the_chain_under_checkpoints_and_verify(store_env: Env) -> None:
    store = store_env.open()
    audit.append_events(store, [entry(1), entry(2), entry(3)])
    with store.sessions.begin() as s:  # the other way events are written (`vigil user`, sign-in)
        audit.record(s, entry(4, "bob"))
    audit.append_events(store, [entry(5)])
    with store.sessions() as s:
        rows = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        newest = s.scalars(select(Checkpoint).order_by(Checkpoint.id.desc())).first()
    assert [audit.as_dict(r)["records"]["query"] for r in rows] == [f"page_no={n}" for n in range(1, 6)]
    assert rows[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.row_hash for a, b in pairwise(rows))
    assert newest is not None and checkpoint.read_head(store.root) == (newest.id, newest.row_hash)
    assert list(verify(store)) == []
    with store.sessions.begin() as s:  # the last event gone: its checkpoint tells
        s.execute(delete(AuditEvent).where(AuditEvent.id == rows[-1].id))
    assert any("audit_events" in str(p) for p in verify(store)), list(verify(store))


def test_writers_in_parallel_leave_one_unbroken_chain(store_env: Env) -> None:
    store = store_env.open()

    def write(k: int) -> None:
        for n in range(10):
            audit.append_events(store, [entry(n, f"user{k}")])

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 40
    assert list(verify(store)) == []
