"""Monitoring across sources: given publication dates, events, judgements, tracker decisions.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _chain() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("captures") as b:
        b.add_column(sa.Column("published", sa.String(10), nullable=True))
    with op.batch_alter_table("statements") as b:
        b.add_column(sa.Column("action", sa.String(40), nullable=True))
        b.add_column(sa.Column("object", sa.Text(), nullable=True))
        b.add_column(sa.Column("deadline", sa.String(10), nullable=True))
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False, primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("local_id", sa.String(20), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("actors.id"), nullable=True),
        sa.Column("actor_name", sa.Text(), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("object", sa.Text(), nullable=True),
        sa.Column("negated", sa.Boolean(), nullable=False),
        sa.Column("date", sa.String(10), nullable=True),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), sa.ForeignKey("statements.id"), nullable=True),
        sa.Column("extractor_version", sa.String(50), nullable=False),
        *_chain(),
    )
    op.create_index("ix_events_document_id", "events", ["document_id"])
    op.create_index("ix_events_action", "events", ["action"])
    op.create_table(
        "judgements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False, primary_key=True),
        sa.Column("left", sa.Text(), nullable=False),
        sa.Column("right", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(10), nullable=False),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("at", sa.String(40), nullable=False),
        *_chain(),
    )
    op.create_table(
        "tracker_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False, primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("statement_id", sa.Integer(), sa.ForeignKey("statements.id"), nullable=True),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("events.id"), nullable=True),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        *_chain(),
    )
    op.create_index("ix_tracker_changes_case_id", "tracker_changes", ["case_id"])
    op.create_index("ix_tracker_changes_item", "tracker_changes", ["item"])
    for table in ("events", "judgements", "tracker_changes"):
        op.create_index(f"ux_{table}_prev_hash", table, ["prev_hash"], unique=True)


def downgrade() -> None:
    for table in ("tracker_changes", "judgements", "events"):
        op.drop_table(table)
    with op.batch_alter_table("statements") as b:
        for col in ("deadline", "object", "action"):
            b.drop_column(col)
    with op.batch_alter_table("captures") as b:
        b.drop_column("published")
