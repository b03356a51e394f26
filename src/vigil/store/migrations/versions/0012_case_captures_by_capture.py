"""An index of which cases hold a capture: the sources a case page offers to add (those in the
member's other cases, or in none) are checked capture by capture against it, not by a list of
every case's sources built for each view.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_captures_capture", "case_captures", ["capture_id"])


def downgrade() -> None:
    op.drop_index("ix_case_captures_capture", "case_captures")
