"""An index of a case's restricted sources, which every page of the case reads to know what to hide.

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


def downgrade() -> None:
    op.drop_index("ix_case_captures_restricted", "case_captures")
