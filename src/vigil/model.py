"""The domain as plain data: what extraction returns and what the store keeps.

No I/O here, so the same objects travel between the CLI, the web app and
distributed workers unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

StatementKind = Literal["accuse", "deny", "demand", "commit", "assert"]
ActorKind = Literal["person", "organization", "state", "group", "place"]
KINDS: tuple[StatementKind, ...] = ("accuse", "deny", "demand", "commit", "assert")


@dataclass
class Caption:
    text: str
    credit: str | None = None


@dataclass
class Source:
    sha256: str
    text: str
    url: str | None = None
    title: str | None = None
    subtitle: str | None = None
    published: str | None = None
    published_from: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str = "en"
    captions: list[Caption] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class Actor:
    id: str
    name: str
    kind: ActorKind
    aliases: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Statement:
    id: str
    kind: StatementKind
    speaker: str | None
    speaker_name: str | None
    target: str | None
    target_name: str | None
    text: str
    span: tuple[int, int]
    quote: str | None
    cue: str
    date: str | None
    confidence: float
    # for a demand or commitment: the act asked or promised ("release"), its object, and a stated deadline
    action: str | None = None
    object: str | None = None
    deadline: str | None = None
    # every quoted passage of the statement, [start, end) into source.text: the anchor sentence's
    # and those of the paragraphs that carry it on; `quote` is the first of them, verbatim
    quote_spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Event:
    """A narrated action: the reporter's or one a statement reports ("she said she had arrived")."""

    id: str
    actor: str | None
    actor_name: str | None
    action: str
    object: str | None
    negated: bool
    date: str | None
    span: tuple[int, int]
    statement: str | None = None


@dataclass
class Extraction:
    vigil_version: str
    source: Source
    actors: list[Actor]
    statements: list[Statement]
    events: list[Event] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `vigil extract --json` (spans as lists)."""
        d = asdict(self)
        for a in d["actors"]:
            a["mentions"] = [list(m) for m in a["mentions"]]
        for s in d["statements"]:
            s["span"] = list(s["span"])
            s["quote_spans"] = [list(q) for q in s["quote_spans"]]
        for e in d["events"]:
            e["span"] = list(e["span"])
        return d


# ---- across sources: what the connect layer reads and returns ------------------------------------
Verdict = Literal["same", "different", "unsure", "rename", "kind", "delete", "restore"]
# corrections of one actor (left: its register key; right: the new name, the new kind, or "")
CORRECTIONS = ("rename", "kind", "delete", "restore")
Origin = Literal["machine", "reviewer"]


@dataclass
class NameRecord:
    """An actor as one document names it (one stored actor row)."""

    row: int
    document: int
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)


@dataclass
class Judgement:
    """That two names (or register ids) are one actor, two, or unsure; the latest on a pair stands."""

    left: str
    right: str
    verdict: Verdict
    origin: Origin
    by: str
    at: str
    note: str = ""


@dataclass
class Link:
    """A relation that keeps two actors apart but connected: a ministry of its state, an office's head."""

    key: str
    relation: Literal["part_of", "heads"]


@dataclass
class RegisterActor:
    id: str
    name: str
    kind: str
    aliases: list[str]
    titles: list[str]
    rows: list[int]
    documents: list[int]
    links: list[Link] = field(default_factory=list)
    judgements: list[Judgement] = field(default_factory=list)


@dataclass
class SourceRef:
    document: int
    sha256: str
    url: str | None
    title: str | None
    published: str | None


@dataclass
class StatementRecord:
    """A stored statement with its speaker and target in the register, as the tracker reads it."""

    id: int
    kind: str
    speaker: str | None
    speaker_name: str | None
    target: str | None
    target_name: str | None
    text: str
    date: str | None
    source: SourceRef
    action: str | None = None
    object: str | None = None
    deadline: str | None = None
    review: str | None = None  # accepted | edited | rejected | added, the case's latest
    speaker_row: int | None = None  # the stored actor rows, before the register gives keys
    target_row: int | None = None


@dataclass
class EventRecord:
    id: int
    actor: str | None
    actor_name: str | None
    action: str
    object: str | None
    negated: bool
    date: str | None
    text: str  # the sentence
    source: SourceRef
    statement: int | None = None
    actor_row: int | None = None


@dataclass
class Decision:
    """A reviewer's status for a tracked item (a stored tracker change)."""

    item: str
    status: str
    note: str
    by: str
    at: str
    statement: int | None = None
    event: int | None = None
