"""Derived aggregates of a case (actor list, tracker, contested claims) and background capture jobs.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False, primary_key=True)


def _digest() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "digest_id", sa.Integer(), sa.ForeignKey("digests.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "digests",
        _id(),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("part", sa.String(20), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("built_at", sa.String(40), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
    )
    op.create_index("ix_digests_case", "digests", ["case_id", "scope", "part"])
    op.create_table(
        "digest_actors",
        _id(),
        _digest(),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("titles", sa.Text(), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("merges", sa.Text(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("said", sa.Integer(), nullable=False),
        sa.Column("about", sa.Integer(), nullable=False),
    )
    op.create_index("ix_digest_actors_rank", "digest_actors", ["digest_id", "rank"])
    op.create_index("ix_digest_actors_key", "digest_actors", ["digest_id", "key"])
    op.create_table(
        "digest_names",
        _id(),
        _digest(),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
    )
    op.create_index("ix_digest_names_folded", "digest_names", ["digest_id", "folded"])
    op.create_table(
        "digest_items",
        _id(),
        _digest(),
        sa.Column("part", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
    )
    op.create_index("ix_digest_items_page", "digest_items", ["digest_id", "part", "status", "position"])
    op.create_index("ix_digest_items_all", "digest_items", ["digest_id", "part", "position"])
    op.create_index("ix_digest_items_ref", "digest_items", ["digest_id", "part", "ref"])
    # the actor page finds an actor's statements by the names they give it
    op.create_index("ix_statements_speaker_name", "statements", ["speaker_name"])
    op.create_index("ix_statements_target_name", "statements", ["target_name"])
    op.create_table(
        "digest_statements",
        _id(),
        _digest(),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("chrono", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("said_on", sa.String(10), nullable=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("speaker_name", sa.Text(), nullable=True),
        sa.Column("target_name", sa.Text(), nullable=True),
        sa.Column("date", sa.String(10), nullable=True),
    )
    op.create_index("ix_digest_statements_place", "digest_statements", ["digest_id", "position"])
    op.create_index("ix_digest_statements_date", "digest_statements", ["digest_id", "chrono"])
    op.create_index("ix_digest_statements_kind", "digest_statements", ["digest_id", "kind", "position"])
    op.create_index("ix_digest_statements_id", "digest_statements", ["digest_id", "statement_id"])
    op.create_table(
        "jobs",
        _id(),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_jobs_case_id", "jobs", ["case_id"])


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_index("ix_statements_target_name", "statements")
    op.drop_index("ix_statements_speaker_name", "statements")
    for t in ("digest_statements", "digest_items", "digest_names", "digest_actors", "digests"):
        op.drop_table(t)
