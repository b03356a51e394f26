"""Narrated actions a monitor follows, and the act a demand or promise asks for.

An event is a verb from `data/events.yaml` that the text says happened
("The office released the report on Wednesday", "she said she had
arrived"): its subject is the actor, resolved like a speaker; its object is
the phrase it acts on. A verb under a modal, an infinitive or a head such
as "plan" or "urge" is not an event (it has not happened); under "fail" or
"yet" it is a negated one. The same reading of a demand's or a promise's
content gives the tracker its action, object and deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from spacy.tokens import Span, Token

from vigil.extract.dates import Tense, resolve
from vigil.extract.resources import load_yaml
from vigil.model import Event

if TYPE_CHECKING:
    from vigil.extract.actors import Cluster
    from vigil.extract.statements import StatementReader

OBJECT_DEPS = ("dobj", "nsubjpass", "attr", "oprd")
OBJECT_WORDS = 10  # an object longer than this is cut: the tracker compares heads and names
DEADLINE_PREPS = ("by", "before", "within", "until")
LEADING = re.compile(r"^(?:the|a|an|its|their|his|her|our|this|that)\s+", re.I)


@dataclass(frozen=True)
class EventLexicon:
    actions: dict[str, str]
    groups: tuple[frozenset[str], ...]
    refusals: frozenset[str]
    modal: frozenset[str]
    hypothetical: frozenset[str]
    negating: frozenset[str]
    act_nouns: dict[str, str]
    light: frozenset[str]

    def same_act(self, a: str, b: str) -> bool:
        """Whether an event of action `b` does what a demand or promise of action `a` asks."""
        return a == b or any(a in g and b in g for g in self.groups)


@cache
def lexicon() -> EventLexicon:
    d: dict[str, Any] = load_yaml("events.yaml")
    return EventLexicon(
        actions={str(k): str(v) for k, v in d["actions"].items()},
        groups=tuple(frozenset(map(str, g)) for g in d["groups"]),
        refusals=frozenset(map(str, d["refusals"])),
        modal=frozenset(map(str, d["modal"])),
        hypothetical=frozenset(map(str, d["hypothetical_heads"])),
        negating=frozenset(map(str, d["negating_heads"])),
        act_nouns={str(k): str(v) for k, v in d["act_nouns"].items()},
        light=frozenset(map(str, d["light_verbs"])),
    )


def object_of(verb: Token) -> str | None:
    """The phrase an action acts on: its object, its passive subject, or where it went."""
    for ch in verb.children:
        if ch.dep_ in OBJECT_DEPS:
            return _phrase(ch)
    for ch in verb.children:
        if ch.dep_ == "prep" and ch.lower_ in ("to", "in", "into", "on", "from", "against"):
            pobj = next((g for g in ch.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                return _phrase(pobj)
    xcomp = next((ch for ch in verb.children if ch.dep_ == "xcomp" and ch.pos_ == "VERB"), None)
    if xcomp is not None:  # "refused to allow investigators": what was refused
        obj = object_of(xcomp)
        return f"{xcomp.lemma_} {obj}" if obj else xcomp.lemma_
    return None


def _phrase(head: Token) -> str:
    """A noun phrase without its relative clauses, article dropped, at most OBJECT_WORDS words."""
    cut = {t.i for ch in head.children if ch.dep_ in ("relcl", "acl", "appos") for t in ch.subtree}
    words = [t for t in head.subtree if t.i not in cut]
    end = next((k for k in range(len(words) - 1) if words[k + 1].i != words[k].i + 1), len(words) - 1)
    words = words[: min(end + 1, OBJECT_WORDS)]
    text = head.doc[words[0].i : words[-1].i + 1].text  # Doc.text would join the whole document
    return LEADING.sub("", text.strip(" ,.;:\n")) or head.text


def deadline_of(verb: Token, published: Any, tense: Tense = "future") -> str | None:
    """A deadline stated for the act: "by 30 June", "before the end of the year", "within a month"."""
    for ch in verb.subtree:
        if ch.dep_ == "prep" and ch.lower_ in DEADLINE_PREPS and ch.head.i in {verb.i, *_dobj_ids(verb)}:
            pobj = next((g for g in ch.children if g.dep_ == "pobj"), None)
            if pobj is None:
                continue
            words = " ".join(t.text for t in pobj.subtree)
            expr = f"in {words}" if ch.lower_ == "within" else words
            value = resolve(expr, published, tense)
            if value is not None:
                return value
    return None


def _dobj_ids(verb: Token) -> list[int]:
    return [ch.i for ch in verb.children if ch.dep_ in OBJECT_DEPS]


def act_of(content: list[Token], cue: Token, published: Any) -> tuple[str | None, str | None, str | None]:
    """The action a demand or promise asks for, its object and deadline, from the cue's content.

    The act is the first verb of substance ("to release the report"); when there is none, or it
    is light ("reach an agreement for a visit"), the first noun naming an act ("visit")."""
    lex = lexicon()
    # "had urged them to act by June": the deadline was before the report of it
    tense: Tense = "past" if any(c.lower_ == "had" for c in cue.children if c.dep_ == "aux") else "future"
    verbs = [t for t in content if t.pos_ == "VERB" and t.i != cue.i and t.dep_ in ("xcomp", "ccomp", "conj")]
    verbs += [t for t in content if t.pos_ == "VERB" and t.i != cue.i and t not in verbs]
    verbs = [v for v in verbs if v.lemma_.lower() not in ("be", "have", "do", "say", "tell")]
    light = (
        verbs
        and verbs[0].lemma_.lower() in lex.light
        and any(t.pos_ == "NOUN" and t.lemma_.lower() in lex.act_nouns for t in verbs[0].subtree)
    )
    if verbs and not light:
        v = verbs[0]
        return (
            lex.actions.get(v.lemma_.lower(), v.lemma_.lower()),
            object_of(v),
            deadline_of(v, published, tense),
        )
    for t in [*(verbs[0].subtree if light else ()), *content, *cue.subtree]:
        if (
            t.pos_ == "NOUN"
            and t.lemma_.lower() in lex.act_nouns
            and not any(c.dep_ == "compound" for c in t.children)
        ):
            head = verbs[0] if verbs else cue
            return lex.act_nouns[t.lemma_.lower()], _noun_object(t), deadline_of(head, published, tense)
    return None, None, None


def _noun_object(noun: Token) -> str | None:
    """What an act noun is about: "a visit to Xinjiang" → Xinjiang, "an inquiry into the deaths"."""
    for ch in noun.children:
        if ch.dep_ == "prep" and ch.lower_ in ("to", "into", "of", "on", "for"):
            pobj = next((g for g in ch.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                return _phrase(pobj)
    own = [t for t in noun.lefts if t.dep_ in ("amod", "compound", "nummod")] + [noun]
    return " ".join(t.text for t in own)


class EventReader:
    """Reads the events of a document whose statements have been read (it shares their actors)."""

    def __init__(self, reader: StatementReader) -> None:
        self.reader = reader
        self.lex = lexicon()
        self.events: list[Event] = []
        self._by_span = {st.span[0]: st for st in reader.statements}

    def read(self) -> list[Event]:
        for sent in self.reader.sents:
            if self.reader.budget is not None:
                self.reader.budget.check()
            for tok in sent:
                if (
                    tok.pos_ == "VERB" or tok.tag_.startswith("VB")
                ) and tok.lemma_.lower() in self.lex.actions:
                    self._verb(sent, tok)
        return self.events

    def _verb(self, sent: Span, verb: Token) -> None:
        mood = self._mood(verb)
        if mood == "hypothetical":
            return
        st = self._by_span.get(sent.start_char)
        if st is not None and st.cue == verb.text:
            return  # the cue of a statement ("rejected the claims") is speech, not an event
        actor = self._actor(verb)
        if actor is not None:
            self.reader.taking_part.add(actor.key)
        self.events.append(
            Event(
                id=f"e{len(self.events) + 1}",
                actor=actor.key if actor else None,
                actor_name=None,
                action=self.lex.actions[verb.lemma_.lower()],
                object=object_of(verb),
                negated=mood == "negated",
                date=self._date(sent, verb),
                span=(sent.start_char, sent.start_char + len(sent.text.strip())),
                statement=st.id if st is not None else None,
            )
        )

    def _mood(self, verb: Token) -> str:
        """narrated, negated, or hypothetical (not yet done: asked, planned, future, conditional)."""
        negated = any(c.dep_ == "neg" for c in verb.children)
        for c in verb.children:
            if c.dep_ == "aux" and c.lower_ in self.lex.modal:
                return "hypothetical"
            if c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether"):
                return "hypothetical"
        node = verb
        for _ in range(3):
            if node.dep_ not in ("xcomp", "ccomp", "advcl", "acl", "pcomp") or node.head is node:
                break
            head = node.head
            lemma = head.lemma_.lower()
            if lemma in self.lex.negating or any(c.lower_ in self.lex.negating for c in head.children):
                return "negated"  # "failed to open", "has yet to release"
            infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children)
            if lemma in self.lex.hypothetical or (infinitive and head.pos_ in ("VERB", "NOUN", "ADJ")):
                return "hypothetical"
            node = head
        if verb.tag_ in ("VB", "VBP", "VBZ") and not any(
            c.dep_ == "aux" and c.lower_ in ("has", "have", "had", "did", "does", "do") for c in verb.children
        ):
            return "hypothetical" if verb.tag_ == "VB" else ("negated" if negated else "narrated")
        return "negated" if negated else "narrated"

    def _actor(self, verb: Token) -> Cluster | None:
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subj is None and verb.dep_ == "conj":
            subj = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
        if subj is None:
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            subj = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
        return self.reader.resolve(subj) if subj is not None else None

    def _date(self, sent: Span, verb: Token) -> str | None:
        own = {t.i for t in verb.subtree} - {
            t.i for ch in verb.children if ch.dep_ in ("ccomp", "relcl", "advcl") for t in ch.subtree
        }
        for ent in self.reader._ents(sent):
            if ent.label_ in ("DATE", "TIME") and ent.root.i in own:
                value = resolve(ent.text, self.reader.published, "past")
                if value is not None:
                    return value
        return None
