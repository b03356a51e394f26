"""Indexes that pages read on every view: a case's restricted sources (what to hide from whom), and
the statement aggregate's ids with their kind (a word and a kind filtered together count by index).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

RESTRICTED = sa.text("restricted_to IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_case_captures_restricted",
        "case_captures",
        ["case_id"],
        sqlite_where=RESTRICTED,
        postgresql_where=RESTRICTED,
    )
    op.drop_index("ix_digest_statements_id", "digest_statements")
    op.create_index("ix_digest_statements_id", "digest_statements", ["digest_id", "statement_id", "kind"])


def downgrade() -> None:
    op.drop_index("ix_digest_statements_id", "digest_statements")
    op.create_index("ix_digest_statements_id", "digest_statements", ["digest_id", "statement_id"])
    op.drop_index("ix_case_captures_restricted", "case_captures")
