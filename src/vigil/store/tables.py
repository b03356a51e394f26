"""Tables of the store. Evidence rows carry a hash chain (`prev_hash`, `row_hash`).

Each chained table lists the columns its hash covers in `HASHED`; `vigil
verify` recomputes them, so an edit made behind Vigil's back is found and
named. Lifecycle columns (`superseded_by`) are left out of the hash: they
are the only thing that may change after a row is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Chained:
    """A row of a hash chain. `ADDED` names columns that came after rows were first written: they join
    the hash only when set, so rows written before them still verify and rows after are covered."""

    HASHED: ClassVar[tuple[str, ...]] = ()
    ADDED: ClassVar[tuple[str, ...]] = ()
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))

    @classmethod
    def content_of(cls, values: Mapping[str, Any]) -> dict[str, Any]:
        """What a row with these values hashes: the HASHED columns, and the ADDED ones that are set
        (also for rows written past the ORM, as plain values)."""
        out = {k: values.get(k) for k in cls.HASHED}
        out.update({k: values[k] for k in cls.ADDED if values.get(k) is not None})
        return out

    def content(self) -> dict[str, Any]:
        return self.content_of({k: getattr(self, k) for k in (*self.HASHED, *self.ADDED)})


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
    ADDED = ("outcome", "published")
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
    # None: an ordinary source; else why it is not one ("HTTP 404 Not Found", "unextractable: …")
    outcome: Mapped[str | None] = mapped_column(Text)
    # the publication date the collector gave (`capture --published`), full or partial
    published: Mapped[str | None] = mapped_column(String(10))


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
    ADDED = ("case_id", "action", "object", "deadline", "quote_spans")
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
    # the case a person added this statement in; machine statements belong to no case
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # a demand's or commitment's act, its object and stated deadline, for the tracker
    action: Mapped[str | None] = mapped_column(String(40))
    object: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[str | None] = mapped_column(String(10))
    # the quoted passages as JSON [[start, end], …] into the document's text
    quote_spans: Mapped[str | None] = mapped_column(Text)


class EventRow(Chained, Base):
    """A narrated action read from a document (a report released, a visit made, people freed)."""

    __tablename__ = "events"
    HASHED = (
        "document_id",
        "local_id",
        "actor_id",
        "actor_name",
        "action",
        "object",
        "negated",
        "date",
        "span_start",
        "span_end",
        "statement_id",
        "extractor_version",
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    local_id: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id"))
    actor_name: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(40), index=True)
    object: Mapped[str | None] = mapped_column(Text)
    negated: Mapped[bool] = mapped_column(default=False)
    date: Mapped[str | None] = mapped_column(String(10))
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statements.id"))
    extractor_version: Mapped[str] = mapped_column(String(50))


class User(Base):
    """An account. `name_key` (NFKC, case-folded, look-alike letters folded) is what makes names unique."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    name_key: Mapped[str] = mapped_column(String(300), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(10))  # admin | editor | viewer
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[str | None] = mapped_column(String(40))
    attempt_seq: Mapped[int] = mapped_column(Integer, default=0)  # bumped by every sign-in attempt
    disabled: Mapped[bool] = mapped_column(default=False)
    require_2fa: Mapped[bool] = mapped_column(default=False)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # a TOTP code is good once
    recovery_codes: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of SHA-256 hex digests
    created_at: Mapped[str] = mapped_column(String(40))


class WebSession(Base):
    """A token the server knows by its SHA-256: a session, a half-done sign-in, or a trusted browser."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10), default="session")  # session | pending | device
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[str] = mapped_column(String(40))
    last_seen_at: Mapped[str] = mapped_column(String(40))


class SignInLimit(Base):
    """Failed sign-ins of one client address (or trusted browser) in a window, shared by every worker."""

    __tablename__ = "signin_limits"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # addr:<ip or /64> | device:<id>
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_end: Mapped[str] = mapped_column(String(40))


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
    # JSON list of user ids who alone may see this source in its case; None: every member
    restricted_to: Mapped[str | None] = mapped_column(Text)


class Review(Chained, Base):
    """A person's decision on a statement; the latest one for a statement is its reviewed state."""

    __tablename__ = "reviews"
    HASHED = ("statement_id", "action", "changes", "reviewer", "at")
    ADDED = ("case_id",)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), index=True)
    # a review is a case's decision: the same bytes in another case are reviewed apart
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
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


class Judgement(Chained, Base):
    """That two names are one actor, two, or unsure: the latest judgement on a pair stands.

    Judgements hold across the store (one register); `case_id` says where a reviewer made one."""

    __tablename__ = "judgements"
    HASHED = ("left", "right", "verdict", "origin", "by", "note", "case_id", "at")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    left: Mapped[str] = mapped_column(Text)  # a register key or a folded name
    right: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(10))  # same | different | unsure
    origin: Mapped[str] = mapped_column(String(10))  # machine | reviewer
    by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[str] = mapped_column(String(40))


class TrackerChange(Chained, Base):
    """A reviewer's decision on a tracked item's status, with their evidence or note."""

    __tablename__ = "tracker_changes"
    HASHED = ("case_id", "item", "status", "note", "statement_id", "event_id", "origin", "by", "at")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    item: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(12))  # open | met | partly-met | refused | overdue | withdrawn
    note: Mapped[str] = mapped_column(Text, default="")
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statements.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    origin: Mapped[str] = mapped_column(String(10))  # reviewer | confirmed (a machine proposal accepted)
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[str] = mapped_column(String(40))


class CaseEvent(Chained, Base):
    """Who changed a case's membership or sources, when: the case tables are replayed from these."""

    __tablename__ = "case_events"
    HASHED = ("case_id", "action", "subject", "details", "by", "at")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # created | member | source | restricted
    action: Mapped[str] = mapped_column(String(20))
    subject: Mapped[int | None] = mapped_column(Integer)  # a user id or a capture id
    details: Mapped[str] = mapped_column(Text, default="{}")
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[str] = mapped_column(String(40))


class Supersession(Chained, Base):
    """A newer extraction of the same bytes replaces an older one (documents.superseded_by mirrors it)."""

    __tablename__ = "supersessions"
    HASHED = ("old_document_id", "new_document_id", "at")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    old_document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    new_document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    at: Mapped[str] = mapped_column(String(40))


class AuditEvent(Chained, Base):
    """Who read or changed what, from where, with what result: reads of case data are audited too."""

    __tablename__ = "audit_events"
    HASHED = ("at", "user_name", "address", "method", "route", "case_id", "records", "status")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(40), index=True)
    user_name: Mapped[str | None] = mapped_column(String(100), index=True)
    address: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(10))
    route: Mapped[str] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    records: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[int] = mapped_column(Integer)


class Checkpoint(Chained, Base):
    """The chains' heads after a commit, and a digest of the tables outside them (accounts, cases).

    Deleting a chain's last rows, re-hashing a chain or editing an account then disagrees with the
    newest checkpoint, whose own head is also kept outside the database (VIGIL_HOME/checkpoint)."""

    __tablename__ = "checkpoints"
    HASHED = ("at", "heads", "guarded")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(40))
    heads: Mapped[str] = mapped_column(Text)  # {table: [last id, last row_hash]} of what this commit wrote
    guarded: Mapped[str] = mapped_column(Text, default="{}")  # {table: sha256 of its rows}


class CheckpointStamp(Chained, Base):
    """An RFC 3161 token over a checkpoint's hash: proof, from outside, of the whole record at that time."""

    __tablename__ = "checkpoint_stamps"
    HASHED = ("checkpoint_id", "tsa_url", "digest", "token_sha256", "chain_sha256", "created_at")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoints.id"))
    tsa_url: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    token_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    chain_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    created_at: Mapped[str] = mapped_column(String(40))


Index("ix_captures_source", Capture.source_path, Capture.page_sha256)
Index("ix_captures_page_sha256", Capture.page_sha256)
Index("ix_statements_speaker_name", StatementRow.speaker_name)
Index("ix_statements_target_name", StatementRow.target_name)
Index("ix_case_captures_capture", CaseCapture.capture_id)
Index("ix_documents_superseded_by", Document.superseded_by)
Index("ix_case_events_latest", CaseEvent.case_id, CaseEvent.id)
Index(
    "ix_case_captures_restricted",
    CaseCapture.case_id,
    sqlite_where=CaseCapture.restricted_to.is_not(None),
    postgresql_where=CaseCapture.restricted_to.is_not(None),
)

CHAINED: tuple[type[Chained], ...] = (
    Capture,
    Timestamp,
    CustodyEvent,
    Document,
    ActorRow,
    StatementRow,
    EventRow,
    Review,
    ActorMerge,
    Judgement,
    TrackerChange,
    CaseEvent,
    Supersession,
    AuditEvent,
    Checkpoint,
    CheckpointStamp,
)


class Watch(Chained, Base):
    """A feed or sitemap polled for new articles, each captured into the watch's case."""

    __tablename__ = "watches"
    HASHED = ("case_id", "url", "kind", "every_minutes", "by", "at")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))  # feed | sitemap
    every_minutes: Mapped[int] = mapped_column(Integer)
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[str] = mapped_column(String(40))


class WatchEvent(Chained, Base):
    """What became of a watch: each poll (answer, links seen, captures made) and its removal."""

    __tablename__ = "watch_events"
    HASHED = ("watch_id", "action", "details", "by", "at")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("watches.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))  # polled | removed
    details: Mapped[str] = mapped_column(Text, default="{}")
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[str] = mapped_column(String(40))


class WatchState(Base):
    """A watch's validators and last poll: a cache for conditional requests, not evidence (the polls
    themselves are chained watch events), so it is overwritten."""

    __tablename__ = "watch_state"
    watch_id: Mapped[int] = mapped_column(ForeignKey("watches.id"), primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    polled_at: Mapped[str | None] = mapped_column(String(40))


class AlertRule(Chained, Base):
    """What a case wants to hear of (an actor, a kind, a word, a tracker status) and where to send it."""

    __tablename__ = "alert_rules"
    HASHED = ("case_id", "field", "value", "webhook", "email", "by", "at")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    field: Mapped[str] = mapped_column(String(20))  # actor | kind | word | tracker-status
    value: Mapped[str] = mapped_column(Text)
    webhook: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[str] = mapped_column(String(40))


class Alert(Chained, Base):
    """A rule matched: what matched, the payload sent, and how each delivery went (failures too)."""

    __tablename__ = "alerts"
    HASHED = ("case_id", "rule_id", "watch_id", "subject", "payload", "deliveries", "at")
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("alert_rules.id"))
    watch_id: Mapped[int | None] = mapped_column(ForeignKey("watches.id"))
    subject: Mapped[str] = mapped_column(Text)  # "statement 12" | "tracker item 3f…"
    payload: Mapped[str] = mapped_column(Text)
    deliveries: Mapped[str] = mapped_column(Text, default="[]")
    at: Mapped[str] = mapped_column(String(40))


CHAINED += (Watch, WatchEvent, AlertRule, Alert)


# ---- derived aggregates: rebuilt from the records above, never evidence -------------------------------
class Digest(Base):
    """One built aggregate of a case as one member scope sees it (`scope`: a digest of the sources
    hidden from them, "" for all), valid while the records it was built from are unchanged (`version`).
    Rebuilt as a whole, like an index, the newest read and the one before kept a while for readers
    still on it: the records themselves stay as they are."""

    __tablename__ = "digests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    scope: Mapped[str] = mapped_column(String(64))
    part: Mapped[str] = mapped_column(String(20))  # actors | monitor
    version: Mapped[str] = mapped_column(Text)
    built_at: Mapped[str] = mapped_column(String(40))
    seconds: Mapped[float] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text, default="{}")


class DigestActor(Base):
    """A row of the case's actor list, ranked by how much is said by and about the actor."""

    __tablename__ = "digest_actors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    aliases: Mapped[str] = mapped_column(Text, default="[]")
    titles: Mapped[str] = mapped_column(Text, default="[]")
    links: Mapped[str] = mapped_column(Text, default="[]")
    merges: Mapped[str] = mapped_column(Text, default="[]")  # reviewers' `same` judgements, to undo
    documents: Mapped[int] = mapped_column(Integer)
    said: Mapped[int] = mapped_column(Integer)
    about: Mapped[int] = mapped_column(Integer)


class DigestName(Base):
    """Every name (folded) under which an actor of the list is found (`key`: the actor's), a filter's
    lookup by index; in a statement aggregate, every distinct speaker and target name (`key`: the
    role), from which the statement filters choose."""

    __tablename__ = "digest_names"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"))
    folded: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(Text)


class DigestItem(Base):
    """A tracker item or a contested claim as its JSON, in the order the page lists them."""

    __tablename__ = "digest_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"))
    part: Mapped[str] = mapped_column(String(20))  # tracker | contested
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(64))  # the item's or claim's own id
    payload: Mapped[str] = mapped_column(Text)


class DigestStatement(Base):
    """A machine statement of the case's current documents, in page order (`position`: by source
    and place, `chrono`: by date), with the columns the statement filters read."""

    __tablename__ = "digest_statements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    chrono: Mapped[int] = mapped_column(Integer)
    statement_id: Mapped[int] = mapped_column(Integer)
    capture_id: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[int] = mapped_column(Integer)
    span_start: Mapped[int] = mapped_column(Integer)
    said_on: Mapped[str | None] = mapped_column(String(10))  # its date, else its source's publication
    kind: Mapped[str] = mapped_column(String(10))
    speaker_name: Mapped[str | None] = mapped_column(Text)
    target_name: Mapped[str | None] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(String(10))


Index("ix_digest_statements_place", DigestStatement.digest_id, DigestStatement.position)
Index("ix_digest_statements_date", DigestStatement.digest_id, DigestStatement.chrono)
Index("ix_digest_statements_kind", DigestStatement.digest_id, DigestStatement.kind, DigestStatement.position)
Index(
    "ix_digest_statements_id", DigestStatement.digest_id, DigestStatement.statement_id, DigestStatement.kind
)
Index("ix_digest_statements_speaker", DigestStatement.digest_id, DigestStatement.speaker_name)
Index("ix_digest_statements_target", DigestStatement.digest_id, DigestStatement.target_name)
Index("ix_digests_case", Digest.case_id, Digest.scope, Digest.part)
Index("ix_digest_actors_rank", DigestActor.digest_id, DigestActor.rank)
Index("ix_digest_actors_key", DigestActor.digest_id, DigestActor.key)
Index("ix_digest_names_folded", DigestName.digest_id, DigestName.folded)
Index("ix_digest_items_page", DigestItem.digest_id, DigestItem.part, DigestItem.status, DigestItem.position)
Index("ix_digest_items_all", DigestItem.digest_id, DigestItem.part, DigestItem.position)
Index("ix_digest_items_ref", DigestItem.digest_id, DigestItem.part, DigestItem.ref)


class Job(Base):
    """A capture started from the workbench, run in the background: its progress and outcome. The
    captures it makes are evidence (chained, with custody); this row only tracks the work."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # urls | upload
    items: Mapped[str] = mapped_column(Text)  # JSON: the URLs, or the upload's file name
    note: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(10))  # queued | running | done | failed
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer)
    results: Mapped[str] = mapped_column(Text, default="[]")  # per item: capture id or error
    updated_at: Mapped[str] = mapped_column(String(40))
