"""The register, the tracker, contested claims and claim groups, from one set of stored records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vigil.connect import claims, contested, register, tracker
from vigil.model import Decision, EventRecord, Judgement, NameRecord, StatementRecord


@dataclass
class Monitor:
    register: register.Register
    statements: list[StatementRecord]
    events: list[EventRecord]
    decisions: list[Decision]

    def related(self) -> dict[str, set[str]]:
        """Actors and those linked to them (head of, part of), both ways."""
        out: dict[str, set[str]] = {}
        for a in self.register.actors:
            for lk in a.links:
                out.setdefault(a.id, set()).add(lk.key)
                out.setdefault(lk.key, set()).add(a.id)
        return out

    def tracker(self, as_of: dt.date | None = None) -> list[tracker.Item]:
        return tracker.build(self.statements, self.events, self.decisions, as_of, self.related())

    def contested(self) -> list[contested.Contested]:
        parents = {a.id: lk.key for a in self.register.actors for lk in a.links if lk.relation == "part_of"}
        return contested.build(self.statements, parents)

    def claims(self, min_sources: int = 2) -> list[claims.Claim]:
        return claims.build(self.statements, min_sources)


def assemble(
    names: list[NameRecord],
    statements: list[StatementRecord],
    events: list[EventRecord],
    judgements: list[Judgement],
    decisions: list[Decision],
) -> Monitor:
    """Give every statement and event its speaker, target and actor in the one register."""
    reg = register.build(names, judgements)
    for s in statements:
        s.speaker = reg.key_of_row(s.speaker_row) or reg.key_of_name(s.speaker_name)
        s.target = reg.key_of_row(s.target_row) or reg.key_of_name(s.target_name)
        if s.speaker:
            s.speaker_name = _name(reg, s.speaker, s.speaker_name)
        if s.target:
            s.target_name = _name(reg, s.target, s.target_name)
    for e in events:
        e.actor = reg.key_of_row(e.actor_row) or reg.key_of_name(e.actor_name)
        if e.actor:
            e.actor_name = _name(reg, e.actor, e.actor_name)
    return Monitor(reg, statements, events, decisions)


def _name(reg: register.Register, key: str, fallback: str | None) -> str | None:
    a = reg.get(key)
    return a.name if a else fallback
