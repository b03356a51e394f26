"""Two indexes for reads that every search and every page make.

Replaced documents: searches keep only current documents by probing this index for the few
replaced ones, not by reading every document of the store before ranking. A case's newest event:
an aggregate's freshness check reads it (every source added is one) instead of counting the case's
sources on each page.

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
    op.create_index("ix_case_events_latest", "case_events", ["case_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_case_events_latest", "case_events")
    op.drop_index("ix_documents_superseded_by", "documents")
