"""Every demand and commitment as a tracked item, its status proposed from what later sources say.

A demand is met when its addressee is later said to do the act (an event
whose action fulfils it, about the same object), partly met when the event
says only part ("12 of the 40 detainees"), refused when the addressee
rejects or refuses it (an event or a statement saying it will not), withdrawn
when the demander drops it, and overdue when a stated deadline passes with
none of these. A commitment is the same with the promiser as the one to act.
Each proposal carries its sentence, source and date; a reviewer's decision
(stored as a tracker change) stands over the machine's, which is kept
beside it as `proposed`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from vigil.connect.text import end_of, not_before, sort_key, when, words
from vigil.extract.events import lexicon
from vigil.model import Decision, EventRecord, SourceRef, StatementRecord

STATUSES = ("open", "met", "partly-met", "refused", "overdue", "withdrawn")
REFUSAL = re.compile(
    r"\b(?:will not|won['’]t|would not|wouldn['’]t|cannot|can['’]t|refus\w*|reject\w*|rul\w* out|never)\b",
    re.I,
)
WITHDRAWAL = re.compile(
    r"\b(?:withdr[ae]w\w*|dropp?\w*|abandon\w*)\b[^.]{0,40}\b(?:call|demand|request)", re.I
)
PARTIAL = re.compile(
    r"\b(?:(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|dozens|some|several|a few|half|most|part)"
    r" of (?:the|its|their|those)|partly|partially)\b",
    re.I,
)
ASK_NOUNS = frozenset({"call", "demand", "request", "appeal", "plea", "recommendation"})


@dataclass
class Evidence:
    status: str
    sentence: str
    source: SourceRef | None
    date: str | None
    origin: str  # machine | reviewer
    statement: int | None = None
    event: int | None = None
    by: str | None = None
    note: str = ""


@dataclass
class Item:
    id: str
    kind: str
    action: str
    object: str | None
    of_key: str | None
    of: str | None
    opened: str | None
    deadline: str | None
    statements: list[StatementRecord] = field(default_factory=list)
    by_keys: list[str] = field(default_factory=list)
    by: list[str] = field(default_factory=list)
    history: list[Evidence] = field(default_factory=list)
    status: str = "open"
    status_date: str | None = None
    proposed: str = "open"

    @property
    def what(self) -> str:
        return f"{self.action} {self.object}" if self.object else self.action

    _matter: tuple[str, str | None, set[str]] | None = None

    @property
    def matter(self) -> set[str]:
        """What the act is about (computed once per action and object)."""
        if self._matter is None or self._matter[:2] != (self.action, self.object):
            self._matter = (self.action, self.object, matter(self.action, self.object))
        return self._matter[2]


def matter(action: str, obj: str | None) -> set[str]:
    """What an act is about, without the words that name the act ("visit" in "a visit")."""
    return {w for w in words(obj) if w not in _naming(action)}


@cache
def _naming(action: str) -> frozenset[str]:
    lex = lexicon()
    return frozenset(w for w, a in [*lex.actions.items(), *lex.act_nouns.items()] if lex.same_act(action, a))


@cache
def _acts(action: str) -> frozenset[str]:
    lex = lexicon()
    return frozenset({a for a in lex.actions.values() if lex.same_act(action, a)} | {action})


def item_id(kind: str, of: str | None, action: str, obj: str | None) -> str:
    raw = f"{kind}|{of or ''}|{action}|{' '.join(sorted(words(obj)))}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def build(
    statements: Iterable[StatementRecord],
    events: Iterable[EventRecord],
    decisions: Iterable[Decision] = (),
    as_of: dt.date | None = None,
    related: dict[str, set[str]] | None = None,
) -> list[Item]:
    """`related` links an actor to those who act for it (an office and its head, a state and its
    ministries): a demand of one is met when the other does the act."""
    related = related or {}
    statements = sorted(statements, key=lambda s: sort_key(when(s.date, s.source)[0]))
    events = sorted(events, key=lambda e: sort_key(when(e.date, e.source)[0]))
    items = _group(statements, related)
    today = (as_of or dt.date.today()).isoformat()
    by_item: dict[str, list[Decision]] = {}
    for d in decisions:
        by_item.setdefault(d.item, []).append(d)
    ix = _Index.of(statements, events)
    st_by_id = {s.id: s for s in statements}
    ev_by_id = {e.id: e for e in events}
    for it in items:
        _propose(it, ix, today, related)
        _decide(it, by_item.get(it.id, []), st_by_id, ev_by_id)
    return items


def _group(statements: list[StatementRecord], related: dict[str, set[str]]) -> list[Item]:
    """One item per act asked of one party: the same demand in five outlets, or by five speakers."""
    items: list[Item] = []
    by_party: dict[tuple[str, str | None], list[Item]] = {}
    for s in statements:
        if s.kind not in ("demand", "commit") or not s.action or s.review == "rejected":
            continue
        of_key, of = (s.target, s.target_name) if s.kind == "demand" else (s.speaker, s.speaker_name)
        mine = matter(s.action, s.object)
        parties = [of_key, *sorted(related.get(of_key, ()))] if of_key else [of_key]
        it = next(
            (
                i
                for p in parties
                for i in by_party.get((s.kind, p), ())
                if lexicon().same_act(i.action, s.action) and (i.matter & mine or not (i.matter or mine))
            ),
            None,
        )
        if it is None:
            it = Item(
                id=item_id(s.kind, of_key, s.action, s.object),
                kind=s.kind,
                action=s.action,
                object=s.object,
                of_key=of_key,
                of=of,
                opened=when(s.date, s.source)[0],
                deadline=s.deadline,
            )
            items.append(it)
            by_party.setdefault((s.kind, of_key), []).append(it)
            it.history.append(Evidence("open", s.text, s.source, it.opened, "machine", statement=s.id))
        it.statements.append(s)
        it.deadline = it.deadline or s.deadline
        if len(words(s.object)) > len(words(it.object)):  # a short restatement came first
            it.action, it.object = s.action, s.object
        if s.speaker and s.speaker not in it.by_keys:
            it.by_keys.append(s.speaker)
            it.by.append(s.speaker_name or s.speaker)
    return items


def _doer(it: Item, related: dict[str, set[str]]) -> set[str]:
    """Who must act: the addressee of a demand, the promiser of a commitment, and who acts for them."""
    keys = set(it.by_keys) if it.kind == "commit" else {it.of_key} if it.of_key else set()
    return keys | {r for k in keys for r in related.get(k, ())}


@dataclass
class _Index:
    """Later sources by what can change an item: events by action and matter word, and by actor;
    statements by speaker. Without it every item reads every record (quadratic in the store)."""

    by_act_word: dict[tuple[str, str], list[EventRecord]] = field(default_factory=dict)
    by_actor_act: dict[tuple[str | None, str], list[EventRecord]] = field(default_factory=dict)
    by_speaker: dict[str | None, list[StatementRecord]] = field(default_factory=dict)

    @classmethod
    def of(cls, statements: list[StatementRecord], events: list[EventRecord]) -> _Index:
        ix = cls()
        for e in events:
            ix.by_actor_act.setdefault((e.actor, e.action), []).append(e)
            for w in words(e.object) | words(e.text):
                ix.by_act_word.setdefault((e.action, w), []).append(e)
        for s in statements:
            ix.by_speaker.setdefault(s.speaker, []).append(s)
        return ix

    def events_for(self, it: Item, doers: set[str]) -> list[EventRecord]:
        lex = lexicon()
        acts = _acts(it.action)
        found: dict[int, EventRecord] = {}
        for a in acts:
            for w in it.matter:
                found.update((id(e), e) for e in self.by_act_word.get((a, w), ()))
        answers = set(lex.refusals) | {"withdraw"} | (set() if it.matter else acts)
        for k in doers | set(it.by_keys):
            for a in answers:
                found.update((id(e), e) for e in self.by_actor_act.get((k, a), ()))
        return sorted(found.values(), key=lambda e: sort_key(when(e.date, e.source)[0]))

    def statements_for(self, it: Item, doers: set[str]) -> list[StatementRecord]:
        return [s for k in sorted(doers | set(it.by_keys)) for s in self.by_speaker.get(k, ())]


def _propose(it: Item, ix: _Index, today: str, related: dict[str, set[str]]) -> None:
    doers = _doer(it, related)
    own = {s.id for s in it.statements}
    found: list[tuple[str, Evidence]] = []
    for e in ix.events_for(it, doers):
        day, _ = when(e.date, e.source)
        if not not_before(day, it.opened) or e.negated:
            continue
        status = _event_status(it, e, doers)
        if status is not None:
            ev = Evidence(status, e.text, e.source, day, "machine", statement=e.statement, event=e.id)
            found.append((sort_key(day), ev))
    for s in ix.statements_for(it, doers):
        day, _ = when(s.date, s.source)
        if s.id in own or not not_before(day, it.opened) or s.review == "rejected":
            continue
        status = _statement_status(it, s, doers)
        if status is not None:
            found.append((sort_key(day), Evidence(status, s.text, s.source, day, "machine", statement=s.id)))
    found.sort(key=lambda f: f[0])
    it.history.extend(ev for _, ev in found)
    last = it.history[-1]
    if last.status == "open" and it.deadline and today > end_of(it.deadline):
        passed = (dt.date.fromisoformat(end_of(it.deadline)) + dt.timedelta(days=1)).isoformat()
        first = it.history[0]
        it.history.append(
            Evidence(
                "overdue",
                first.sentence,
                first.source,
                passed,
                "machine",
                statement=first.statement,
                note=f"the deadline ({it.deadline}) passed with nothing reported",
            )
        )
    it.proposed = it.status = it.history[-1].status
    run = [e for e in it.history if e.status == it.status]
    it.status_date = min((e.date for e in run if e.date), default=None)  # when it first became so


def _event_status(it: Item, e: EventRecord, doers: set[str]) -> str | None:
    lex = lexicon()
    theirs = words(e.object) or words(e.text)
    actor_ok = e.actor in doers if e.actor and doers else True
    if lex.same_act(it.action, e.action) and actor_ok and (it.matter & theirs or (not it.matter and e.actor)):
        return "partly-met" if PARTIAL.search(e.object or "") else "met"
    if e.action in lex.refusals and e.actor and e.actor in doers:
        asked = words(e.object) & ASK_NOUNS or {it.action} & words(e.object) or it.matter & theirs
        if asked and (it.matter & words(e.text) or not it.matter):
            return "refused"
    if e.action == "withdraw" and e.actor in it.by_keys and words(e.object) & ASK_NOUNS:
        return "withdrawn" if it.matter & words(e.text) else None
    return None


def _statement_status(it: Item, s: StatementRecord, doers: set[str]) -> str | None:
    if s.speaker in doers and s.kind in ("deny", "assert", "commit") and REFUSAL.search(s.text):
        acts = {it.action, *(a for g in lexicon().groups if it.action in g for a in g)}
        said = words(s.text)
        if it.matter & said and (acts & said or ASK_NOUNS & said):
            return "refused"
    if s.speaker in it.by_keys and WITHDRAWAL.search(s.text) and it.matter & words(s.text):
        return "withdrawn"
    return None


def _decide(
    it: Item,
    decisions: list[Decision],
    st_by_id: dict[int, StatementRecord],
    ev_by_id: dict[int, EventRecord],
) -> None:
    """A reviewer's decisions go on the history; the latest sets the status."""
    for d in decisions:
        s = st_by_id.get(d.statement) if d.statement is not None else None
        e = ev_by_id.get(d.event) if d.event is not None else None
        src = e.source if e else s.source if s else None
        sentence = e.text if e else s.text if s else d.note
        it.history.append(
            Evidence(
                d.status,
                sentence,
                src,
                d.at[:10],
                "reviewer",
                statement=d.statement,
                event=d.event,
                by=d.by,
                note=d.note,
            )
        )
        it.status, it.status_date = d.status, d.at[:10]


def source_json(src: SourceRef | None) -> dict[str, Any] | None:
    if src is None:
        return None
    return {"sha256": src.sha256, "url": src.url, "title": src.title, "published": src.published}


def to_json(it: Item) -> dict[str, Any]:
    """The shape `vigil tracker --json` prints."""

    def ev(e: Evidence) -> dict[str, Any]:
        return {
            "status": e.status,
            "sentence": e.sentence,
            "source": source_json(e.source),
            "date": e.date,
            "origin": e.origin,
            "statement": e.statement,
            "event": e.event,
            "by": e.by,
            "note": e.note,
        }

    return {
        "id": it.id,
        "kind": it.kind,
        "by": it.by,
        "of": it.of,
        "what": it.what,
        "action": it.action,
        "object": it.object,
        "opened": it.opened,
        "deadline": it.deadline,
        "status": it.status,
        "status_date": it.status_date,
        "proposed": it.proposed,
        "statements": [
            {
                "id": s.id,
                "speaker": s.speaker_name,
                "sentence": s.text,
                "date": s.date,
                "source": source_json(s.source),
            }
            for s in it.statements
        ],
        "evidence": [ev(e) for e in it.history if e.status != "open" or e.origin == "reviewer"],
        "history": [ev(e) for e in it.history],
    }
