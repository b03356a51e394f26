"""The same claim across outlets: one speaker, one kind, the same content, several sources.

Quotebank groups a quote only when its words are identical; outlets
paraphrase, so statements group when their content words overlap enough
(Jaccard at least `SAME`), or when they carry the same quotation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from vigil.connect.text import sort_key, when, words
from vigil.connect.tracker import source_json
from vigil.model import StatementRecord

SAME = 0.5


@dataclass
class Claim:
    id: str
    speaker: str
    speaker_name: str | None
    kind: str
    statements: list[StatementRecord] = field(default_factory=list)
    vocabulary: set[str] = field(default_factory=set)

    @property
    def documents(self) -> set[int]:
        return {s.source.document for s in self.statements}


def _similar(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= SAME


def build(statements: Iterable[StatementRecord], min_sources: int = 2) -> list[Claim]:
    rows = sorted(
        (s for s in statements if s.speaker and s.review != "rejected"),
        key=lambda s: sort_key(when(s.date, s.source)[0]),
    )
    claims: list[Claim] = []
    for s in rows:
        mine = words(s.text) - words(s.speaker_name)
        home = next(
            (
                c
                for c in claims
                if c.speaker == s.speaker and c.kind == s.kind and _similar(mine, c.vocabulary)
            ),
            None,
        )
        if home is None:
            digest = hashlib.sha256(f"{s.speaker}|{s.kind}|{s.id}".encode()).hexdigest()[:16]
            home = Claim(digest, s.speaker or "", s.speaker_name, s.kind, vocabulary=set(mine))
            claims.append(home)
        home.statements.append(s)
    return [c for c in claims if len(c.documents) >= min_sources]


def to_json(c: Claim) -> dict[str, Any]:
    days = [when(s.date, s.source)[0] for s in c.statements]
    known = sorted(d for d in days if d)
    return {
        "id": c.id,
        "speaker": c.speaker_name,
        "kind": c.kind,
        "text": c.statements[0].text,
        "first_seen": known[0] if known else None,
        "last_seen": known[-1] if known else None,
        "sources": [source_json(s.source) for s in c.statements],
        "statements": [s.id for s in c.statements],
    }
