"""Tampering behind Vigil's back, at the ends of the chains and outside them, is named by `vigil verify`."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from vigil.capture.custody import chain_hash
from vigil.store import cases
from vigil.store.db import Store, open_store
from vigil.store.records import record_capture, reextract
from vigil.store.tables import AuditEvent, Review, StatementRow, Supersession
from vigil.store.verify import verify
from vigil.web.auth import add_user

SEED = Path(__file__).parent.parent / "data" / "seed_un_xinjiang_visit.txt"
OTHER = (
    b"Observers said the hearing was postponed.\n\n"
    b"The ministry denied that any journalist had been detained, a spokeswoman said on Friday."
)


def _open(root: Path) -> Store:
    return open_store(root, f"sqlite:///{root / 'vigil.db'}")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with captures, a case with members and sources, a review and a re-extraction."""
    root = tmp_path_factory.mktemp("pristine")
    store = _open(root)
    seed = record_capture(store, SEED.read_bytes(), method="upload", uri="urn:upload:seed").capture
    other = record_capture(store, OTHER, method="upload", uri="urn:upload:other").capture
    with store.sessions.begin() as s:
        alice = add_user(s, "alice", "correct horse battery", "editor").id
        add_user(s, "mallory", "correct horse battery", "viewer")
        case = cases.create(s, "A", "", alice, "alice")
        cases.add_source(s, case.id, seed.id, alice, "alice")
        cases.add_source(s, case.id, other.id, alice, "alice")
        st = s.scalars(select(StatementRow).order_by(StatementRow.id)).first()
        assert st is not None
        from vigil.store.records import append

        append(
            s,
            Review(
                statement_id=st.id, case_id=case.id, action="accepted", changes="{}", reviewer="alice", at="t"
            ),
        )
    assert reextract(store, everything=True) == (2, 0)
    with store.sessions() as s:
        assert s.scalars(select(Supersession)).first() is not None
    assert list(verify(store)) == []
    store.engine.dispose()
    return root


def tampered(pristine: Path, tmp_path: Path, edit: Callable[[sqlite3.Connection, Path], None]) -> list[str]:
    root = tmp_path / "copy"
    shutil.copytree(pristine, root)
    conn = sqlite3.connect(root / "vigil.db")  # foreign keys off, as a tamperer's tool has them
    edit(conn, root)
    conn.commit()
    conn.close()
    store = _open(root)
    try:
        return [str(p) for p in verify(store)]
    finally:
        store.engine.dispose()


def _last(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0])


def delete_last(table: str) -> Callable[[sqlite3.Connection, Path], None]:
    return lambda conn, _root: conn.execute(f"DELETE FROM {table} WHERE id = {_last(conn, table)}")


def delete_last_capture(conn: sqlite3.Connection, _root: Path) -> None:
    cap = _last(conn, "captures")
    conn.execute(f"DELETE FROM custody_events WHERE capture_id = {cap}")
    conn.execute(f"DELETE FROM case_captures WHERE capture_id = {cap}")
    conn.execute(f"DELETE FROM captures WHERE id = {cap}")


def delete_warc_and_its_row(conn: sqlite3.Connection, root: Path) -> None:
    sha = conn.execute("SELECT warc_sha256 FROM captures ORDER BY id LIMIT 1").fetchone()[0]
    conn.execute("DELETE FROM blobs WHERE sha256 = ?", (sha,))
    for path in (root / "blobs").rglob(sha + "*"):
        path.chmod(0o600)
        path.unlink()


def rehash_statements(conn: sqlite3.Connection, _root: Path) -> None:
    """Edit a statement's text, then recompute every hash after it, as a careful forger would."""
    conn.execute("UPDATE statements SET text = 'nothing was said' WHERE id = 2")
    rows = conn.execute("SELECT * FROM statements ORDER BY id").fetchall()
    names = [d[0] for d in conn.execute("SELECT * FROM statements LIMIT 1").description]
    prev = "0" * 64
    for values in rows:
        row = dict(zip(names, values, strict=True))
        content = {k: row[k] for k in StatementRow.HASHED}
        content.update({k: row[k] for k in StatementRow.ADDED if row[k] is not None})
        h = chain_hash(prev, content)
        conn.execute("UPDATE statements SET prev_hash = ?, row_hash = ? WHERE id = ?", (prev, h, row["id"]))
        prev = h


CASES: dict[str, tuple[Callable[[sqlite3.Connection, Path], None], str]] = {
    "last review": (delete_last("reviews"), "reviews row"),
    "last statement": (delete_last("statements"), "statements row"),
    "last capture and its events": (delete_last_capture, "captures row"),
    "supersession": (
        lambda conn, _r: conn.execute("UPDATE documents SET superseded_by = NULL"),
        "superseded_by differs",
    ),
    "membership": (
        lambda conn, _r: conn.execute(
            "INSERT INTO case_members VALUES (1, (SELECT id FROM users WHERE name = 'mallory'), 'owner')"
        ),
        "membership differs",
    ),
    "case sources": (
        lambda conn, _r: conn.execute(
            f"DELETE FROM case_captures WHERE capture_id = {_last(conn, 'captures')}"
        ),
        "case sources differ",
    ),
    "an account's role": (
        lambda conn, _r: conn.execute("UPDATE users SET role = 'admin' WHERE name = 'mallory'"),
        "table users",
    ),
    "a WARC file with its blob row": (delete_warc_and_its_row, "WARC blob"),
    "a re-hashed chain": (rehash_statements, "re-hashed"),
    "the checkpoints too": (
        lambda conn, _r: (
            conn.execute("DELETE FROM reviews WHERE id = (SELECT max(id) FROM reviews)"),
            conn.execute("DELETE FROM checkpoints WHERE id > (SELECT max(id) - 3 FROM checkpoints)"),
        ),
        "checkpoints were deleted",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_verify_names_each_tampering(pristine: Path, tmp_path: Path, name: str) -> None:
    edit, expected = CASES[name]
    problems = tampered(pristine, tmp_path, edit)
    assert any(expected in p for p in problems), problems


def test_an_untouched_copy_verifies(pristine: Path, tmp_path: Path) -> None:
    assert tampered(pristine, tmp_path, lambda conn, _r: None) == []
    head = json.loads((pristine / "checkpoint").read_text())
    assert head["id"] > 1


def test_later_commits_do_not_take_in_an_edited_account(pristine: Path, tmp_path: Path) -> None:
    """Commits that write no account or case (each audited request is one) carry no digest of
    those tables, so they cannot vouch for an edit made behind Vigil's back before them."""
    from vigil.store import audit

    root = tmp_path / "copy"
    shutil.copytree(pristine, root)
    conn = sqlite3.connect(root / "vigil.db")
    conn.execute("UPDATE users SET role = 'admin' WHERE name = 'mallory'")
    conn.commit()
    conn.close()
    store = _open(root)
    try:
        for n in range(3):
            with store.sessions.begin() as s:
                entry = audit.Entry("alice", "127.0.0.1", "GET", f"/cases/{n}", None, {}, 200)
                audit.record_all(s, [entry, entry])
        problems = [str(p) for p in verify(store)]
        assert any("table users" in p for p in problems), problems
        assert not any("audit_events" in p or "checkpoints" in p for p in problems), problems
        with store.sessions() as s:
            written = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(6)).all()
        assert [e.route for e in written] == [
            "/cases/2",
            "/cases/2",
            "/cases/1",
            "/cases/1",
            "/cases/0",
            "/cases/0",
        ]
    finally:
        store.engine.dispose()
