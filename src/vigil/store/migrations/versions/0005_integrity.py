"""Case-scoped work, chains that hold (one successor per row, checkpoints), chained case records, audit.

Reviews and person-added statements now belong to a case. Reviews written before this revision
belonged to no case; they are carried into each case that held their source and that had their
reviewer as a member (else the first case that held it) as new review records pointing at the old
ones — the old rows stay as they were. Case membership, case sources and supersession become
chained records, back-filled from the tables as they stand.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from vigil.capture.custody import chain_hash, now

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CHAINED = (
    "captures",
    "timestamps",
    "custody_events",
    "documents",
    "actors",
    "statements",
    "reviews",
    "actor_merges",
    "case_events",
    "supersessions",
    "audit_events",
    "checkpoints",
)


def _chained(*cols: sa.Column[Any]) -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False, primary_key=True),
        *cols,
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
    ]


def upgrade() -> None:
    op.add_column("captures", sa.Column("outcome", sa.Text(), nullable=True))
    op.add_column("statements", sa.Column("case_id", sa.Integer(), nullable=True))
    op.add_column("reviews", sa.Column("case_id", sa.Integer(), nullable=True))
    op.add_column("case_captures", sa.Column("restricted_to", sa.Text(), nullable=True))
    op.create_index("ix_statements_case_id", "statements", ["case_id"])
    op.create_index("ix_reviews_case_id", "reviews", ["case_id"])
    op.create_table(
        "case_events",
        *_chained(
            sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False, index=True),
            sa.Column("action", sa.String(20), nullable=False),
            sa.Column("subject", sa.Integer(), nullable=True),
            sa.Column("details", sa.Text(), nullable=False),
            sa.Column("by", sa.String(100), nullable=False),
            sa.Column("at", sa.String(40), nullable=False),
        ),
    )
    op.create_table(
        "supersessions",
        *_chained(
            sa.Column("old_document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False),
            sa.Column("new_document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False),
            sa.Column("at", sa.String(40), nullable=False),
        ),
    )
    op.create_table(
        "audit_events",
        *_chained(
            sa.Column("at", sa.String(40), nullable=False, index=True),
            sa.Column("user_name", sa.String(100), nullable=True, index=True),
            sa.Column("address", sa.String(64), nullable=True),
            sa.Column("method", sa.String(10), nullable=False),
            sa.Column("route", sa.Text(), nullable=False),
            sa.Column("case_id", sa.Integer(), nullable=True, index=True),
            sa.Column("records", sa.Text(), nullable=False),
            sa.Column("status", sa.Integer(), nullable=False),
        ),
    )
    op.create_table(
        "checkpoints",
        *_chained(
            sa.Column("at", sa.String(40), nullable=False),
            sa.Column("heads", sa.Text(), nullable=False),
            sa.Column("guarded", sa.Text(), nullable=False),
        ),
    )
    conn = op.get_bind()
    _backfill_case_events(conn)
    _backfill_supersessions(conn)
    _carry_reviews(conn)
    for table in CHAINED:
        _one_successor(conn, table)
    _first_checkpoint(conn)


def _first_checkpoint(conn: sa.Connection) -> None:
    """The chains as they stand are the first checkpoint's heads (accounts are digested from the next)."""
    heads: dict[str, list[Any]] = {}
    for table in CHAINED[:-1]:
        row = conn.execute(sa.text(f"SELECT id, row_hash FROM {table} ORDER BY id DESC LIMIT 1")).first()
        if row is not None:
            heads[table] = [row[0], row[1]]
    content = {"at": now(), "heads": json.dumps(heads, sort_keys=True), "guarded": "{}"}
    _append(conn, "checkpoints", content)


def _one_successor(conn: sa.Connection, table: str) -> None:
    """A fork is impossible by constraint: no two rows follow the same row. A store already forked
    (by the old race) keeps its fork for `vigil verify` to name, without the constraint."""
    forked = conn.execute(
        sa.text(f"SELECT prev_hash FROM {table} GROUP BY prev_hash HAVING count(*) > 1 LIMIT 1")
    ).first()
    if forked is None:
        op.create_index(f"ux_{table}_prev_hash", table, ["prev_hash"], unique=True)


def _append(conn: sa.Connection, table: str, content: dict[str, Any]) -> None:
    head = conn.execute(sa.text(f"SELECT row_hash FROM {table} ORDER BY id DESC LIMIT 1")).scalar()
    prev = head or "0" * 64
    row = {**content, "prev_hash": prev, "row_hash": chain_hash(prev, content)}
    cols = ", ".join(row)
    conn.execute(sa.text(f"INSERT INTO {table} ({cols}) VALUES ({', '.join(':' + c for c in row)})"), row)


def _case_event(conn: sa.Connection, case_id: int, action: str, subject: int | None, details: Any) -> None:
    content = {
        "case_id": case_id,
        "action": action,
        "subject": subject,
        "details": json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
        "by": "migration 0005",
        "at": now(),
    }
    _append(conn, "case_events", content)


def _backfill_case_events(conn: sa.Connection) -> None:
    for cid, name, by in conn.execute(sa.text("SELECT id, name, created_by FROM cases ORDER BY id")).all():
        _case_event(conn, cid, "created", by, {"name": name})
    members = conn.execute(
        sa.text("SELECT case_id, user_id, role FROM case_members ORDER BY case_id, user_id")
    )
    for cid, uid, role in members.all():
        _case_event(conn, cid, "member", uid, {"role": role})
    sources = conn.execute(
        sa.text("SELECT case_id, capture_id FROM case_captures ORDER BY case_id, capture_id")
    )
    for cid, cap in sources.all():
        _case_event(conn, cid, "source", cap, {})


def _backfill_supersessions(conn: sa.Connection) -> None:
    rows = conn.execute(
        sa.text("SELECT id, superseded_by FROM documents WHERE superseded_by IS NOT NULL ORDER BY id")
    )
    for old, new in rows.all():
        _append(conn, "supersessions", {"old_document_id": old, "new_document_id": new, "at": now()})


def _carry_reviews(conn: sa.Connection) -> None:
    """Each review of no case becomes, by a new record, a review of the case(s) it was made in."""
    rows = conn.execute(
        sa.text(
            "SELECT r.id, r.statement_id, r.action, r.changes, r.reviewer, r.at, s.document_id "
            "FROM reviews r JOIN statements s ON s.id = r.statement_id WHERE r.case_id IS NULL ORDER BY r.id"
        )
    ).all()
    for rid, sid, action, changes, reviewer, at, doc in rows:
        cases = (
            conn.execute(
                sa.text(
                    "SELECT DISTINCT cc.case_id FROM case_captures cc "
                    "JOIN captures c ON c.id = cc.capture_id "
                    "JOIN documents d ON d.blob_sha256 = c.page_sha256 WHERE d.id = :doc ORDER BY cc.case_id"
                ),
                {"doc": doc},
            )
            .scalars()
            .all()
        )
        members = set(
            conn.execute(
                sa.text(
                    "SELECT cm.case_id FROM case_members cm JOIN users u ON u.id = cm.user_id "
                    "WHERE u.name = :n"
                ),
                {"n": reviewer},
            ).scalars()
        )
        mine = [c for c in cases if c in members] or cases[:1]
        for cid in mine:
            carried = {**json.loads(changes or "{}")} if action == "edited" else {}
            carried["carried_from"] = rid
            content = {
                "statement_id": sid,
                "action": action,
                "changes": json.dumps(carried, ensure_ascii=False, sort_keys=True),
                "reviewer": reviewer,
                "at": at,
                "case_id": cid,
            }
            _append(conn, "reviews", content)


def downgrade() -> None:
    for table in CHAINED:
        op.execute(f"DROP INDEX IF EXISTS ux_{table}_prev_hash")
    for table in ("checkpoints", "audit_events", "supersessions", "case_events"):
        op.drop_table(table)
    op.drop_index("ix_reviews_case_id", table_name="reviews")
    op.drop_index("ix_statements_case_id", table_name="statements")
    with op.batch_alter_table("case_captures") as b:
        b.drop_column("restricted_to")
    with op.batch_alter_table("reviews") as b:
        b.drop_column("case_id")
    with op.batch_alter_table("statements") as b:
        b.drop_column("case_id")
    with op.batch_alter_table("captures") as b:
        b.drop_column("outcome")
