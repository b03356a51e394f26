"""Inside `shared_reads()` (each workbench request) the reads share one session, and see the writes
that the unit of work commits meanwhile; outside it each read has its own."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from tests.store.conftest import Env
from vigil.store.db import memo, shared_reads
from vigil.store.tables import User
from vigil.web.auth import add_user


def _users(s) -> int:  # type: ignore[no-untyped-def]
    return int(s.scalar(select(func.count()).select_from(User)) or 0)


def test_reads_share_a_session_and_see_the_units_own_writes(store_env: Env) -> None:
    store = store_env.open()
    try:
        with shared_reads():
            with store.reads() as a:
                before = _users(a)
            with store.reads() as b:
                assert b is a
            memo()["looked up"] = 1  # type: ignore[index]
            with store.sessions.begin() as w:
                add_user(w, "ana", "a long passphrase 1", "editor")
            assert memo() == {}  # what was looked up before the write is looked up again
            with store.reads() as c:
                assert c is a and _users(c) == before + 1
        assert memo() is None
        with store.reads() as d, store.reads() as e:
            assert d is not e
    finally:
        store.engine.dispose()


def test_another_threads_reads_keep_their_own_session(store_env: Env) -> None:
    """A thread started by a request (a rebuild behind, a capture job) does not carry its context."""
    store = store_env.open()
    seen: list[object] = []
    try:
        with shared_reads():
            with store.reads() as mine:
                _users(mine)

            def other() -> None:
                with store.reads() as theirs:
                    _users(theirs)
                    seen.append(theirs)

            t = threading.Thread(target=other)
            t.start()
            t.join()
            assert seen and seen[0] is not mine
    finally:
        store.engine.dispose()
