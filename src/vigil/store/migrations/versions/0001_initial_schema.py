"""Initial schema: blobs, captures, timestamps, custody, documents, actors, statements, full-text search

Revision ID: 0001
Revises:
Create Date: 2026-11-27 20:49:51.048470
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "captures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("requested_url", sa.Text(), nullable=True),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("source_path", sa.Text(), nullable=True),
        sa.Column("server_ip", sa.String(length=64), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("hops", sa.Text(), nullable=False),
        sa.Column("collector", sa.String(length=200), nullable=False),
        sa.Column("machine", sa.Text(), nullable=False),
        sa.Column("tool", sa.String(length=50), nullable=False),
        sa.Column("tool_version", sa.String(length=50), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("captured_at", sa.String(length=40), nullable=False),
        sa.Column("page_sha256", sa.String(length=64), nullable=False),
        sa.Column("warc_sha256", sa.String(length=64), nullable=False),
        sa.Column("screenshot_sha256", sa.String(length=64), nullable=True),
        sa.Column("media_type", sa.String(length=200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("batch", sa.String(length=64), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_sha256"],
            ["blobs.sha256"],
        ),
        sa.ForeignKeyConstraint(
            ["screenshot_sha256"],
            ["blobs.sha256"],
        ),
        sa.ForeignKeyConstraint(
            ["warc_sha256"],
            ["blobs.sha256"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.create_index("ix_captures_source", ["source_path", "page_sha256"], unique=False)

    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("extractor_version", sa.String(length=50), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("subtitle", sa.Text(), nullable=True),
        sa.Column("published", sa.String(length=10), nullable=True),
        sa.Column("published_from", sa.String(length=20), nullable=True),
        sa.Column("authors", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("captions", sa.Text(), nullable=False),
        sa.Column("removed", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("superseded_by", sa.Integer(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["blob_sha256"],
            ["blobs.sha256"],
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["documents.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_blob_sha256"), ["blob_sha256"], unique=False)

    op.create_table(
        "actors",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("local_id", sa.String(length=20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("titles", sa.Text(), nullable=False),
        sa.Column("mentions", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actors_document_id"), ["document_id"], unique=False)

    op.create_table(
        "custody_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["capture_id"],
            ["captures.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "timestamps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=False),
        sa.Column("tsa_url", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("chain_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["capture_id"],
            ["captures.id"],
        ),
        sa.ForeignKeyConstraint(
            ["chain_sha256"],
            ["blobs.sha256"],
        ),
        sa.ForeignKeyConstraint(
            ["token_sha256"],
            ["blobs.sha256"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "statements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("local_id", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("speaker_actor_id", sa.Integer(), nullable=True),
        sa.Column("speaker_name", sa.Text(), nullable=True),
        sa.Column("target_actor_id", sa.Integer(), nullable=True),
        sa.Column("target_name", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("cue", sa.Text(), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("extractor_version", sa.String(length=50), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
        ),
        sa.ForeignKeyConstraint(
            ["speaker_actor_id"],
            ["actors.id"],
        ),
        sa.ForeignKeyConstraint(
            ["target_actor_id"],
            ["actors.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statements_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_statements_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_statements_kind"), ["kind"], unique=False)
    _full_text_up()


STATEMENT_FTS_COLUMNS = "text, quote, speaker_name, target_name, cue"


def _full_text_up() -> None:
    """SQLite: FTS5 tables kept in step by triggers. PostgreSQL: GIN indexes on tsvector expressions."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"CREATE VIRTUAL TABLE statements_fts USING fts5({STATEMENT_FTS_COLUMNS}, "
            "content='statements', content_rowid='id', tokenize='porter unicode61')"
        )
        op.execute(
            "CREATE TRIGGER statements_ai AFTER INSERT ON statements BEGIN "
            f"INSERT INTO statements_fts(rowid, {STATEMENT_FTS_COLUMNS}) VALUES "
            "(new.id, new.text, new.quote, new.speaker_name, new.target_name, new.cue); END"
        )
        op.execute(
            "CREATE TRIGGER statements_ad AFTER DELETE ON statements BEGIN "
            f"INSERT INTO statements_fts(statements_fts, rowid, {STATEMENT_FTS_COLUMNS}) VALUES "
            "('delete', old.id, old.text, old.quote, old.speaker_name, old.target_name, old.cue); END"
        )
        op.execute(
            "CREATE TRIGGER statements_au AFTER UPDATE ON statements BEGIN "
            f"INSERT INTO statements_fts(statements_fts, rowid, {STATEMENT_FTS_COLUMNS}) VALUES "
            "('delete', old.id, old.text, old.quote, old.speaker_name, old.target_name, old.cue); "
            f"INSERT INTO statements_fts(rowid, {STATEMENT_FTS_COLUMNS}) VALUES "
            "(new.id, new.text, new.quote, new.speaker_name, new.target_name, new.cue); END"
        )
        op.execute(
            "CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', "
            "content_rowid='id', tokenize='porter unicode61')"
        )
        op.execute(
            "CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN "
            "INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
        )
        op.execute(
            "CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN "
            "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
            "VALUES ('delete', old.id, old.title, old.text); END"
        )
    else:
        op.execute(
            "ALTER TABLE statements ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector("
            "'english', coalesce(text, '') || ' ' || coalesce(quote, '') || ' ' "
            "|| coalesce(speaker_name, '') || ' ' || coalesce(target_name, '') || ' ' "
            "|| coalesce(cue, ''))) STORED"
        )
        op.execute("CREATE INDEX ix_statements_fts ON statements USING gin (search_vector)")
        op.execute(
            "CREATE INDEX ix_documents_fts ON documents USING gin (to_tsvector('english', "
            "coalesce(title, '') || ' ' || coalesce(text, '')))"
        )


def _full_text_down() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("statements_ai", "statements_ad", "statements_au", "documents_ai", "documents_ad"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS statements_fts")
        op.execute("DROP TABLE IF EXISTS documents_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_statements_fts")
        op.execute("ALTER TABLE statements DROP COLUMN IF EXISTS search_vector")
        op.execute("DROP INDEX IF EXISTS ix_documents_fts")


def downgrade() -> None:
    _full_text_down()
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statements_kind"))
        batch_op.drop_index(batch_op.f("ix_statements_document_id"))
        batch_op.drop_index(batch_op.f("ix_statements_date"))

    op.drop_table("statements")
    op.drop_table("timestamps")
    op.drop_table("custody_events")
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actors_document_id"))

    op.drop_table("actors")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_blob_sha256"))

    op.drop_table("documents")
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.drop_index("ix_captures_source")

    op.drop_table("captures")
    op.drop_table("blobs")
