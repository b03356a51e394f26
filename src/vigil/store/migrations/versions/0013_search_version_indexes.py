"""Indexes for reads that searches and pages make.

Replaced documents: searches keep only current documents by probing this index for the few
replaced ones, not by reading every document of the store before ranking. A case's newest event:
an aggregate's freshness check reads it (every source added is one) instead of counting the case's
sources on each page. A statement aggregate's speaker and target names: a filter on a person
finds their statements among the case's tens of thousands by index, not by testing each.

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
    op.create_index("ix_digest_statements_speaker", "digest_statements", ["digest_id", "speaker_name"])
    op.create_index("ix_digest_statements_target", "digest_statements", ["digest_id", "target_name"])


def downgrade() -> None:
    op.drop_index("ix_digest_statements_target", "digest_statements")
    op.drop_index("ix_digest_statements_speaker", "digest_statements")
    op.drop_index("ix_case_events_latest", "case_events")
    op.drop_index("ix_documents_superseded_by", "documents")
