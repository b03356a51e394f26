"""Tables of the store. Evidence rows carry a hash chain (`prev_hash`, `row_hash`).

Each chained table lists the columns its hash covers in `HASHED`; `vigil
verify` recomputes them, so an edit made behind Vigil's back is found and
named. Lifecycle columns (`superseded_by`) are left out of the hash: they
are the only thing that may change after a row is written.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Chained:
    HASHED: ClassVar[tuple[str, ...]] = ()
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))

    def content(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.HASHED}


class Blob(Base):
    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(40))


class Capture(Chained, Base):
    __tablename__ = "captures"
    HASHED = (
        "uid",
        "method",
        "requested_url",
        "final_url",
        "source_path",
        "server_ip",
        "status",
        "headers",
        "collector",
        "machine",
        "tool",
        "tool_version",
        "note",
        "captured_at",
        "page_sha256",
        "warc_sha256",
        "screenshot_sha256",
        "media_type",
        "size",
        "hops",
        "batch",
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    method: Mapped[str] = mapped_column(String(10))
    requested_url: Mapped[str | None] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    source_path: Mapped[str | None] = mapped_column(Text)
    server_ip: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)
    headers: Mapped[str] = mapped_column(Text, default="[]")
    hops: Mapped[str] = mapped_column(Text, default="[]")
    collector: Mapped[str] = mapped_column(String(200))
    machine: Mapped[str] = mapped_column(Text, default="{}")
    tool: Mapped[str] = mapped_column(String(50))
    tool_version: Mapped[str] = mapped_column(String(50))
    note: Mapped[str | None] = mapped_column(Text)
    captured_at: Mapped[str] = mapped_column(String(40))
    page_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    warc_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    screenshot_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    media_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    batch: Mapped[str | None] = mapped_column(String(64))


class Timestamp(Chained, Base):
    __tablename__ = "timestamps"
    HASHED = ("capture_id", "tsa_url", "digest", "token_sha256", "chain_sha256", "created_at")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id"))
    tsa_url: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    token_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    chain_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    created_at: Mapped[str] = mapped_column(String(40))


class CustodyEvent(Chained, Base):
    __tablename__ = "custody_events"
    HASHED = ("capture_id", "action", "actor", "at", "details")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    action: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[str] = mapped_column(String(40))
    details: Mapped[str] = mapped_column(Text, default="{}")


class Document(Chained, Base):
    __tablename__ = "documents"
    HASHED = (
        "blob_sha256",
        "extractor_version",
        "title",
        "subtitle",
        "published",
        "published_from",
        "authors",
        "url",
        "language",
        "text",
        "captions",
        "removed",
        "created_at",
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    extractor_version: Mapped[str] = mapped_column(String(50))
    title: Mapped[str | None] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))
    published_from: Mapped[str | None] = mapped_column(String(20))
    authors: Mapped[str] = mapped_column(Text, default="[]")
    url: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(10), default="en")
    text: Mapped[str] = mapped_column(Text)
    captions: Mapped[str] = mapped_column(Text, default="[]")
    removed: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[str] = mapped_column(String(40))
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))


class ActorRow(Chained, Base):
    __tablename__ = "actors"
    HASHED = ("document_id", "local_id", "name", "kind", "aliases", "titles", "mentions")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    local_id: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    aliases: Mapped[str] = mapped_column(Text, default="[]")
    titles: Mapped[str] = mapped_column(Text, default="[]")
    mentions: Mapped[str] = mapped_column(Text, default="[]")


class StatementRow(Chained, Base):
    __tablename__ = "statements"
    HASHED = (
        "document_id",
        "local_id",
        "kind",
        "speaker_actor_id",
        "speaker_name",
        "target_actor_id",
        "target_name",
        "text",
        "span_start",
        "span_end",
        "quote",
        "cue",
        "date",
        "confidence",
        "extractor_version",
        "origin",
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    local_id: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10), index=True)
    speaker_actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id"))
    speaker_name: Mapped[str | None] = mapped_column(Text)
    target_actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id"))
    target_name: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str | None] = mapped_column(Text)
    cue: Mapped[str] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(String(10), index=True)
    confidence: Mapped[float] = mapped_column(Float)
    extractor_version: Mapped[str] = mapped_column(String(50))
    origin: Mapped[str] = mapped_column(String(20), default="machine")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(10))  # admin | editor | viewer
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[str] = mapped_column(String(40))


class WebSession(Base):
    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[str] = mapped_column(String(40))


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[str] = mapped_column(String(40))


class CaseMember(Base):
    __tablename__ = "case_members"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))  # owner | editor | viewer


class CaseCapture(Base):
    __tablename__ = "case_captures"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id"), primary_key=True)
    added_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[str] = mapped_column(String(40))


class Review(Chained, Base):
    """A person's decision on a statement; the latest one for a statement is its reviewed state."""

    __tablename__ = "reviews"
    HASHED = ("statement_id", "action", "changes", "reviewer", "at")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))  # accepted | edited | rejected | added
    changes: Mapped[str] = mapped_column(Text, default="{}")
    reviewer: Mapped[str] = mapped_column(String(100))
    at: Mapped[str] = mapped_column(String(40))


class ActorMerge(Chained, Base):
    """Two names of one actor within a case, merged by a person (recorded, never a delete)."""

    __tablename__ = "actor_merges"
    HASHED = ("case_id", "from_key", "into_key", "by", "at")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_key: Mapped[str] = mapped_column(Text)
    into_key: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[str] = mapped_column(String(40))


Index("ix_captures_source", Capture.source_path, Capture.page_sha256)
Index("ix_captures_page_sha256", Capture.page_sha256)

CHAINED: tuple[type[Chained], ...] = (
    Capture,
    Timestamp,
    CustodyEvent,
    Document,
    ActorRow,
    StatementRow,
    Review,
    ActorMerge,
)
