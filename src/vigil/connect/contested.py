"""Allegations against a party paired with that party's denials or counter-accounts.

An accusation names its target; a response is a denial (or a counter-account,
which extraction already reads as a denial) whose speaker is the accused, or
an institution of the accused, or the accused's state. They are about the
same matter when they share content words, or when the response follows the
accusation in the same article. One contested claim gathers, per accused
party and matter, every accusation and response across the sources.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from vigil.connect.text import not_before, sort_key, stems, when, words
from vigil.connect.tracker import source_json
from vigil.model import StatementRecord

MIN_SHARED = 2  # matter words an answer in another article must share with the allegations
CUE_STEMS = ("accus", "critici", "condemn", "denounc", "alleg", "blame", "deni", "reject", "said", "saying")


@dataclass
class Contested:
    id: str
    accused: str
    accused_name: str | None
    accusations: list[StatementRecord] = field(default_factory=list)
    responses: list[StatementRecord] = field(default_factory=list)
    vocabulary: Counter[str] = field(default_factory=Counter)

    @property
    def topic(self) -> str:
        """The first allegation's matter words in its own order, those the responses share first."""
        first = self.accusations[0]
        said = words(" ".join(r.text for r in self.responses))
        skip = words(first.speaker_name) | words(first.target_name)
        seq = [(st, raw) for st, raw in stems(first.text) if st not in skip and not st.startswith(CUE_STEMS)]
        seq = sorted(dict(seq).items(), key=lambda p: p[0] not in said)  # stable: shared words first
        return " ".join(raw for _, raw in seq[:5])

    @property
    def last_seen(self) -> str:
        return max(sort_key(when(s.date, s.source)[0]) for s in [*self.accusations, *self.responses])


def build(statements: Iterable[StatementRecord], parents: dict[str, str] | None = None) -> list[Contested]:
    """`parents` maps an actor to the one it belongs to (a ministry to its state), from the register."""
    parents = parents or {}
    rows = [s for s in statements if s.review != "rejected"]
    rows.sort(key=lambda s: (sort_key(when(s.date, s.source)[0]), s.source.document, s.id))
    claims: list[Contested] = []
    against: dict[str, list[Contested]] = {}  # claims by the accused, and by the accused's state
    for s in rows:
        if s.kind == "accuse" and s.target:
            _place(claims, against, s, s.target, parents.get(s.target))
    for s in rows:
        if s.kind != "deny" or not s.speaker:
            continue
        for party in {s.speaker, parents.get(s.speaker, s.speaker)}:
            _respond(against.get(party, []), s, party, parents)
    out = [c for c in claims if c.accusations and c.responses]
    out.sort(key=lambda c: c.last_seen, reverse=True)
    return out


def _place(
    claims: list[Contested],
    against: dict[str, list[Contested]],
    s: StatementRecord,
    accused: str,
    parent: str | None,
) -> None:
    mine = words(s.text) - words(s.speaker_name) - words(s.target_name)
    best, score = None, 0
    for c in against.get(accused, []):
        if c.accused != accused:
            continue
        shared = len(mine & set(c.vocabulary))
        if shared > score:
            best, score = c, shared
    if best is None or score < 2:
        digest = hashlib.sha256(f"{accused}|{s.id}".encode()).hexdigest()[:16]
        best = Contested(digest, accused, s.target_name)
        claims.append(best)
        against.setdefault(accused, []).append(best)
        if parent is not None:  # the accused's state answers for its police
            against.setdefault(parent, []).append(best)
    best.accusations.append(s)
    best.vocabulary.update(mine)


def _respond(claims: list[Contested], s: StatementRecord, party: str, parents: dict[str, str]) -> None:
    """A response joins claims against its party, or against an institution of its party's state."""
    mine = words(s.text) - words(s.speaker_name)
    for c in claims:
        if party not in (c.accused, parents.get(c.accused)) or any(r is s for r in c.responses):
            continue
        day = when(s.date, s.source)[0]
        same_article = any(a.source.document == s.source.document and a.id < s.id for a in c.accusations)
        later = any(
            a.source.document != s.source.document and not_before(day, when(a.date, a.source)[0])
            for a in c.accusations
        )
        if same_article or (later and len(mine & set(c.vocabulary)) >= MIN_SHARED):
            c.responses.append(s)


def to_json(c: Contested) -> dict[str, Any]:
    def one(s: StatementRecord, response: bool) -> dict[str, Any]:
        d: dict[str, Any] = {"id": s.id, "speaker": s.speaker_name}
        if response:
            d["kind"] = s.kind
        else:
            d["target"] = s.target_name
        d.update({"sentence": s.text, "source": source_json(s.source), "date": when(s.date, s.source)[0]})
        return d

    return {
        "id": c.id,
        "topic": c.topic,
        "accused": c.accused_name,
        "accusations": [one(s, False) for s in c.accusations],
        "responses": [one(s, True) for s in c.responses],
    }
