"""An index of replaced documents: searches keep only current documents by probing it for the few
replaced ones, not by reading every document of the store before ranking.

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_documents_superseded_by", "documents", ["superseded_by"])


def downgrade() -> None:
    op.drop_index("ix_documents_superseded_by", "documents")
