"""Index captures by page digest: the workbench joins statements to captures through it.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_captures_page_sha256", "captures", ["page_sha256"])


def downgrade() -> None:
    op.drop_index("ix_captures_page_sha256", table_name="captures")
