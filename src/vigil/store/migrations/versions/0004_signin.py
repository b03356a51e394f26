"""Sign-in that resists: account columns for normalised names, disabling, second factor, session expiry.

Every session ends on upgrade: sessions made before had no idle expiry and no second factor. Locks
and failure counts start afresh, since their time stamps change format. Names that fold to one key
(`Alice` and `alice`) keep the key for the oldest account; the others get `<key>#<id>` as theirs,
the name to sign in with until an admin sorts them out.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _fill_name_keys() -> None:
    from vigil.web.auth import name_key  # the key sign-in computes, so old accounts are found by it

    conn = op.get_bind()
    taken: set[str] = set()
    for uid, name in conn.execute(sa.text("SELECT id, name FROM users ORDER BY id")).all():
        key = name_key(name)
        key = key if key not in taken else f"{key}#{uid}"
        taken.add(key)
        conn.execute(sa.text("UPDATE users SET name_key = :k WHERE id = :i"), {"k": key, "i": uid})


def upgrade() -> None:
    # only columns with plain defaults and an index: SQLite adds them in place, without copying the
    # table (a copy would trip the foreign keys that point at users)
    op.execute("DELETE FROM web_sessions")
    op.execute("UPDATE users SET failed_logins = 0, locked_until = NULL")
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("name_key", sa.String(length=300), nullable=False, server_default=""))
        batch.add_column(sa.Column("attempt_seq", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("disabled", sa.Boolean(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("require_2fa", sa.Boolean(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("recovery_codes", sa.Text(), nullable=False, server_default="[]"))
    _fill_name_keys()
    with op.batch_alter_table("users") as batch:
        batch.create_index("uq_users_name_key", ["name_key"], unique=True)
    with op.batch_alter_table("web_sessions") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=10), nullable=False, server_default="session"))
        batch.add_column(sa.Column("last_seen_at", sa.String(length=40), nullable=False, server_default=""))
    op.create_table(
        "signin_limits",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_end", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    # recreate="never": SQLite (3.35 and later) drops the columns in place, the foreign keys intact
    op.drop_table("signin_limits")
    op.execute("DELETE FROM web_sessions WHERE kind <> 'session'")  # else they would become sessions
    with op.batch_alter_table("web_sessions", recreate="never") as batch:
        batch.drop_column("last_seen_at")
        batch.drop_column("kind")
    with op.batch_alter_table("users", recreate="never") as batch:
        batch.drop_index("uq_users_name_key")
        for column in NEW_USER_COLUMNS:
            batch.drop_column(column)


NEW_USER_COLUMNS = (
    "recovery_codes",
    "totp_last_step",
    "totp_secret",
    "require_2fa",
    "disabled",
    "attempt_seq",
    "name_key",
)
