"""Changes to a case (creation, members, sources, restrictions), each one a chained case event.

The tables `cases`, `case_members` and `case_captures` hold the current state for fast reads;
the chained `case_events` are the record. `vigil verify` replays the events and names any
difference, so a member added or a source moved behind Vigil's back is found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.capture import custody
from vigil.store.records import append, dumps
from vigil.store.tables import Case, CaseCapture, CaseEvent, CaseMember

ROLES = ("owner", "editor", "viewer")


def _event(s: Session, case_id: int, action: str, subject: int | None, details: Any, by: str) -> None:
    append(
        s,
        CaseEvent(
            case_id=case_id, action=action, subject=subject, details=dumps(details), by=by, at=custody.now()
        ),
    )


def create(s: Session, name: str, description: str, user_id: int, by: str) -> Case:
    case = Case(name=name, description=description, created_by=user_id, created_at=custody.now())
    s.add(case)
    s.flush()
    _event(s, case.id, "created", user_id, {"name": name, "description": description}, by)
    set_member(s, case.id, user_id, "owner", by)
    return case


def set_member(s: Session, case_id: int, user_id: int, role: str, by: str) -> None:
    existing = s.get(CaseMember, (case_id, user_id))
    if existing is None:
        s.add(CaseMember(case_id=case_id, user_id=user_id, role=role))
    elif existing.role == role:
        return
    else:
        existing.role = role
    _event(s, case_id, "member", user_id, {"role": role}, by)


def add_source(s: Session, case_id: int, capture_id: int, user_id: int, by: str) -> bool:
    """Add a capture to a case; False when the case holds it already."""
    if s.get(CaseCapture, (case_id, capture_id)) is not None:
        return False
    s.add(CaseCapture(case_id=case_id, capture_id=capture_id, added_by=user_id, added_at=custody.now()))
    _event(s, case_id, "source", capture_id, {}, by)
    return True


def restrict(s: Session, case_id: int, capture_id: int, users: list[int] | None, by: str) -> None:
    """Limit a source (and all extracted from it) to these members; None opens it to the whole case."""
    row = s.get(CaseCapture, (case_id, capture_id))
    if row is None:
        raise KeyError(capture_id)
    row.restricted_to = json.dumps(sorted(set(users))) if users is not None else None
    _event(
        s,
        case_id,
        "restricted",
        capture_id,
        {"users": row.restricted_to and json.loads(row.restricted_to)},
        by,
    )


@dataclass
class Replayed:
    """What the case tables should hold, from the events alone."""

    names: dict[int, str] = field(default_factory=dict)
    members: dict[tuple[int, int], str] = field(default_factory=dict)
    sources: dict[tuple[int, int], str | None] = field(default_factory=dict)


def replay(s: Session) -> Replayed:
    out = Replayed()
    for e in s.scalars(select(CaseEvent).order_by(CaseEvent.id)):
        d = json.loads(e.details)
        key = (e.case_id, e.subject or 0)
        if e.action == "created":
            out.names[e.case_id] = d.get("name", "")
        elif e.action == "member":
            out.members[key] = d["role"]
        elif e.action == "source":
            out.sources.setdefault(key, None)
        elif e.action == "restricted":
            users = d.get("users")
            out.sources[key] = json.dumps(users) if users is not None else None
    return out


def differences(s: Session) -> list[tuple[str, str]]:
    """(item, what) for every case row that the case events do not account for."""
    want = replay(s)
    found: list[tuple[str, str]] = []
    have_names = {c.id: c.name for c in s.scalars(select(Case))}
    for cid in sorted(set(want.names) | set(have_names)):
        if want.names.get(cid) != have_names.get(cid):
            found.append((f"case {cid}", "name or existence differs from its recorded events"))
    have_members = {(m.case_id, m.user_id): m.role for m in s.scalars(select(CaseMember))}
    for key in sorted(set(want.members) | set(have_members)):
        if want.members.get(key) != have_members.get(key):
            found.append((f"case {key[0]} member {key[1]}", "membership differs from its recorded events"))
    have_sources = {(c.case_id, c.capture_id): c.restricted_to for c in s.scalars(select(CaseCapture))}
    for key in sorted(set(want.sources) | set(have_sources)):
        if key not in have_sources or key not in want.sources:
            found.append((f"case {key[0]} source {key[1]}", "case sources differ from their recorded events"))
        elif _norm(want.sources[key]) != _norm(have_sources[key]):
            found.append((f"case {key[0]} source {key[1]}", "restriction differs from its recorded events"))
    return found


def _norm(value: str | None) -> Any:
    return json.loads(value) if value else None
