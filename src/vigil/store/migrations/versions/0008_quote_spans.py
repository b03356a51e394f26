"""Statements keep their quoted passages as spans, so a quote is always the source's own words.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("statements") as b:
        b.add_column(sa.Column("quote_spans", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("statements") as b:
        b.drop_column("quote_spans")
