"""Where the store lives and how it is opened.

`VIGIL_HOME` (default `./vigil-data`) holds the blobs and, by default, the
SQLite database (WAL mode). `VIGIL_DATABASE_URL=postgresql+psycopg://…`
puts the tables in PostgreSQL instead. Opening a store runs the Alembic
migrations up to the newest.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from vigil.capture.blobs import BlobStore
from vigil.errors import VigilError

MIGRATIONS = Path(__file__).parent / "migrations"
READ_ONLY = "vigil_read_only"


def home() -> Path:
    return Path(os.environ.get("VIGIL_HOME") or "vigil-data").resolve()


def database_url(root: Path) -> str:
    return os.environ.get("VIGIL_DATABASE_URL") or f"sqlite:///{root / 'vigil.db'}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # pysqlite's own BEGIN comes too late: Vigil emits it (_sqlite_begin)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    """Every transaction that may write takes SQLite's write lock at BEGIN, so two writers can never
    read the same chain head; sessions from `Store.reads` begin deferred and share the database."""
    read_only = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    # the workbench serves many requests at once from a thread pool: let each have a connection
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, pool_size=20, max_overflow=40)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30)


def _reader(engine: Engine) -> Engine:
    """The engine `Store.reads` sessions use. On PostgreSQL each of their statements runs on its own
    (autocommit): at READ COMMITTED a transaction gives a reader nothing more, and BEGIN and ROLLBACK
    cost two round trips for every read session, several per page."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(**{READ_ONLY: True}, isolation_level="AUTOCOMMIT")
    return engine.execution_options(**{READ_ONLY: True})


def _refuse_writes(session: Session, _ctx: Any, _instances: Any) -> None:
    """A read session never writes (on PostgreSQL it would commit at once): writes go through
    `Store.sessions`."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a read session was asked to write; use Store.sessions")


def migrate(engine: Engine) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@dataclass
class _Shared:
    """The read sessions of one unit of work (a request): opened at its first read, then lent to
    each of its reads, closed when it ends."""

    sessions: dict[int, Session] = field(default_factory=dict)
    memo: dict[Any, Any] = field(default_factory=dict)  # what it looked up once, until it writes


_shared: ContextVar[_Shared | None] = ContextVar("vigil_shared_reads", default=None)


class Reads:
    """`with store.reads() as s`: a read session. Inside `shared_reads()` every read of that unit of
    work borrows one session: a workbench page reads through several helpers, and a session, its
    connection and its transaction for each cost more than most of their queries."""

    def __init__(self, maker: sessionmaker[Session]) -> None:
        self.maker = maker

    def __call__(self) -> AbstractContextManager[Session]:
        shared = _shared.get()
        return self.maker() if shared is None else self._borrow(shared)

    @contextmanager
    def _borrow(self, shared: _Shared) -> Iterator[Session]:
        s = shared.sessions.get(id(self))
        if s is None:
            s = shared.sessions[id(self)] = self.maker()
        try:
            yield s
        except BaseException:
            s.rollback()
            raise


@contextmanager
def shared_reads() -> Iterator[None]:
    """Let the reads inside (in this thread, and in the threads it hands work to with its context)
    share one session per store."""
    token = _shared.set(_Shared())
    try:
        yield
    finally:
        shared = _shared.get()
        _shared.reset(token)
        for s in shared.sessions.values() if shared else ():
            s.close()


def refresh_reads(_committed: Session | None = None) -> None:
    """End the shared reads' transaction (if any), so that they see what was committed since: after
    each write of the unit of work (SQLite reads from the snapshot its transaction began with)."""
    shared = _shared.get()
    if shared is None:
        return
    shared.memo.clear()
    for s in shared.sessions.values():
        s.commit()  # a read session holds no changes: this only ends its transaction


def memo() -> dict[Any, Any] | None:
    """Inside `shared_reads()`, a dict for what the unit of work need look up only once (emptied
    whenever it writes); None outside."""
    shared = _shared.get()
    return shared.memo if shared is not None else None


@dataclass
class Store:
    """`sessions` may write (on SQLite each transaction holds the write lock); `reads` may not."""

    root: Path
    engine: Engine
    blobs: BlobStore
    sessions: sessionmaker[Session]
    reads: Reads

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name


def open_store(root: Path | None = None, url: str | None = None) -> Store:
    """Open (creating and migrating if needed) the store under `root`."""
    root = root or home()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VigilError(f"cannot create the data home {root}: {exc.strerror}") from None
    engine = make_engine(url or database_url(root))
    try:
        migrate(engine)
    except Exception as exc:  # a database that cannot be reached or upgraded: one line
        raise VigilError(
            f"cannot open the database: {exc.__class__.__name__}: {str(exc).splitlines()[0]}"
        ) from None
    from vigil.store import checkpoint

    sessions = sessionmaker(engine, expire_on_commit=False)
    checkpoint.watch(sessions, root)
    event.listen(sessions, "after_commit", refresh_reads)
    reads = sessionmaker(_reader(engine), expire_on_commit=False, autoflush=False)
    event.listen(reads, "before_flush", _refuse_writes)
    return Store(root=root, engine=engine, blobs=BlobStore(root), sessions=sessions, reads=Reads(reads))
