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


@dataclass
class Extraction:
    vigil_version: str
    source: Source
    actors: list[Actor]
    statements: list[Statement]

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `vigil extract --json` (spans as lists)."""
        d = asdict(self)
        for a in d["actors"]:
            a["mentions"] = [list(m) for m in a["mentions"]]
        for s in d["statements"]:
            s["span"] = list(s["span"])
        return d
