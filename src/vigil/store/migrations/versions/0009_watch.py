"""Watches of feeds and sitemaps, their polls and validators; alert rules and the alerts they raised.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CHAINED = ("watches", "watch_events", "alert_rules", "alerts")


def _chain() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
    ]


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False, primary_key=True)


def _watches() -> None:
    op.create_table(
        "watches",
        _id(),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("every_minutes", sa.Integer(), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        *_chain(),
    )
    op.create_table(
        "watch_events",
        _id(),
        sa.Column("watch_id", sa.Integer(), sa.ForeignKey("watches.id"), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        *_chain(),
    )
    op.create_table(
        "watch_state",
        sa.Column("watch_id", sa.Integer(), sa.ForeignKey("watches.id"), primary_key=True, nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("polled_at", sa.String(40), nullable=True),
    )
    op.create_index("ix_watches_case_id", "watches", ["case_id"])
    op.create_index("ix_watch_events_watch_id", "watch_events", ["watch_id"])


def _alerts() -> None:
    op.create_table(
        "alert_rules",
        _id(),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("field", sa.String(20), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("webhook", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        *_chain(),
    )
    op.create_table(
        "alerts",
        _id(),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("rule_id", sa.Integer(), sa.ForeignKey("alert_rules.id"), nullable=False),
        sa.Column("watch_id", sa.Integer(), sa.ForeignKey("watches.id"), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("deliveries", sa.Text(), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        *_chain(),
    )
    op.create_index("ix_alert_rules_case_id", "alert_rules", ["case_id"])
    op.create_index("ix_alerts_case_id", "alerts", ["case_id"])


def upgrade() -> None:
    _watches()
    _alerts()
    for table in CHAINED:
        op.create_index(f"ux_{table}_prev_hash", table, ["prev_hash"], unique=True)


def downgrade() -> None:
    for table in ("alerts", "alert_rules", "watch_state", "watch_events", "watches"):
        op.drop_table(table)
