"""Speakers that are not names: documents, described people, and descriptions that point back.

About half of what a reader misses on unfamiliar articles is speech whose
subject is no name at all: "the report said", "a police captain told the
court", "the institute said", "the army, which admitted…". The spec's
speaker is still an actor: a document speaks for its author; a described
person is an actor named by the description ("church deacon"); a definite
description points back to the nearest compatible actor, learned from the
appositions of the same text ("Ana Petrova, a linguist…" makes "the
linguist" Ana Petrova).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from spacy.tokens import Doc, Span, Token

from vigil.extract.actors import ActorIndex, Cluster
from vigil.extract.resources import load_yaml
from vigil.model import ActorKind

Resolver = Callable[[Token], Cluster | None]
SPEAKING_KINDS = ("person", "organization", "state")
DEFINITE = frozenset(["the", "this", "that", "these", "those", "its", "their", "his", "her"])
RELATIVE = frozenset(["who", "which", "that"])
NAME_DEPS = frozenset(
    ["prep", "pobj", "compound", "amod", "nummod", "quantmod", "poss", "case", "det", "nmod"]
)
GENERIC_BODIES = frozenset(
    [
        "group",
        "organisation",
        "organization",
        "ngo",
        "charity",
        "watchdog",
        "body",
        "company",
        "firm",
        "paper",
        "newspaper",
        "daily",
        "broadcaster",
        "outlet",
        "platform",
        "agency",
    ]
)
NAME_PREPS = frozenset(["of", "from", "at", "for", "in", "with", "on"])


@dataclass(frozen=True)
class SpeakerLexicon:
    person_nouns: frozenset[str]
    org_nouns: frozenset[str]
    female_nouns: frozenset[str]
    male_nouns: frozenset[str]
    new_determiners: frozenset[str]
    author_verbs: frozenset[str]


@cache
def lexicon() -> SpeakerLexicon:
    d: dict[str, Any] = load_yaml("speakers.yaml")
    return SpeakerLexicon(**{k: frozenset(str(w) for w in d[k]) for k in SpeakerLexicon.__dataclass_fields__})


def relative_antecedent(tok: Token) -> Token | None:
    """ "the army, which admitted…": the noun a relative pronoun subject stands for."""
    if tok.lower_ in RELATIVE and tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ == "relcl":
        return tok.head.head
    return None


def role_nouns(doc: Doc) -> dict[str, list[tuple[int, Token]]]:
    """Where the text gives a role noun to a name, by apposition or copula: lemma → (offset, named token).

    Read once; which actor a named token stands for is asked only when a
    description needs it, since a name the tagger missed becomes an actor only
    as the reader reaches its sentence.
    """
    found: dict[str, list[tuple[int, Token]]] = {}

    def note(noun: Token, named: Token) -> None:
        if noun.pos_ == "NOUN":
            found.setdefault(noun.lemma_.lower(), []).append((named.i, named))

    for tok in doc:
        if tok.dep_ == "appos":
            note(tok, tok.head)  # "Ana Petrova, a linguist at…"
            note(tok.head, tok)  # "the rapporteur, Ana Petrova"
        elif tok.dep_ == "attr" and tok.head.lemma_ == "be":
            subj = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
            if subj is not None:
                note(tok, subj)  # "Petrova is a linguist"
    for entries in found.values():
        entries.sort(key=lambda e: e[0])
    return found


def _named(tok: Token, index: ActorIndex) -> Cluster | None:
    for t in (tok, *[c for c in tok.children if c.dep_ == "compound"]):
        a = index.actor_of_token(t)
        if a is not None and a.kind in SPEAKING_KINDS:
            return a
    return None


class Speakers:
    """The state a reader keeps to resolve speakers that are not names, in reading order."""

    def __init__(self, doc: Doc, index: ActorIndex, speech_nouns: frozenset[str]) -> None:
        self.doc = doc
        self.index = index
        self.speech_nouns = speech_nouns
        self.lex = lexicon()
        self.roles = role_nouns(doc)
        self.authors: list[tuple[int, Cluster]] = []  # who wrote the documents named so far
        self.described: dict[str, list[tuple[int, Cluster]]] = {}

    # ---- documents ------------------------------------------------------------
    def is_document(self, tok: Token) -> bool:
        return tok.pos_ in ("NOUN", "PROPN") and (
            tok.lemma_.lower() in self.speech_nouns or tok.lower_ in self.speech_nouns
        )

    def explicit_author(self, tok: Token, resolve: Resolver) -> Cluster | None:
        """The author a document's own phrase names: "its report", "a study by X", "the X report"."""
        for ch in tok.children:
            if ch.dep_ == "poss":
                a = resolve(ch) if ch.pos_ == "PRON" else _first_actor(ch, self.index)
                if a is not None and a.kind in SPEAKING_KINDS:
                    return a
            if ch.dep_ == "prep" and ch.lower_ in ("by", "from", "of"):
                a = _first_actor(ch, self.index)
                if a is not None:
                    return a
            if ch.dep_ in ("compound", "nmod"):
                a = _named(ch, self.index)
                if a is not None:
                    return a
            if ch.dep_ == "acl":  # "a report published by X"
                agent = next((g for g in ch.children if g.dep_ == "agent"), None)
                if agent is not None and (a := _first_actor(agent, self.index)) is not None:
                    return a
        return None

    def author(self, tok: Token, resolve: Resolver) -> Cluster | None:
        """Who speaks when a document does: its named author, else the last author of a document."""
        a = self.explicit_author(tok, resolve)
        if a is not None:
            return a
        if not any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE for c in tok.children):
            return None  # "studies have found", "a report said": no document named before
        return next((c for i, c in reversed(self.authors) if i < tok.i), None)

    def note_authors(self, sent: Span, resolve: Resolver) -> None:
        """Remember who wrote the documents this sentence names, for "the report said" later."""
        for tok in sent:
            if not self.is_document(tok):
                continue
            a = self.explicit_author(tok, resolve)
            if a is None and tok.dep_ == "pobj" and tok.head.lower_ == "in":
                a = self._sentence_subject(tok, resolve)  # "In a report released Monday, the army said…"
            if a is None and tok.dep_ in ("dobj", "nsubjpass"):
                verb = tok.head
                if verb.lemma_.lower() in self.lex.author_verbs:
                    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
                    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
                    if subj is not None:
                        a = resolve(subj)
                    elif agent is not None:
                        a = _first_actor(agent, self.index)
            if a is not None and a.kind in SPEAKING_KINDS:
                self.authors.append((tok.i, a))

    def _sentence_subject(self, tok: Token, resolve: Resolver) -> Cluster | None:
        verb = tok.head.head
        if verb.pos_ not in ("VERB", "AUX") or tok.head.dep_ != "prep":
            return None
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        return resolve(subj) if subj is not None else None

    # ---- descriptions ---------------------------------------------------------
    def pointed_back(self, tok: Token) -> Cluster | None:
        """ "the linguist", "the institute", "the doctor": the nearest actor the description fits."""
        if tok.pos_ != "NOUN" or not any(c.lower_ in ("the", "this", "that") for c in tok.children):
            return None
        lemma = tok.lemma_.lower()
        earlier = next((c for i, c in reversed(self.described.get(lemma, [])) if i < tok.i), None)
        if earlier is not None:
            return earlier
        for i, given in reversed(self.roles.get(lemma, [])):
            if i < tok.i and (holder := _named(given, self.index)) is not None:
                return holder
        if lemma in self.lex.org_nouns:
            named = self.index.org_by_word(tok.lower_) or self.index.org_by_word(lemma)
            if named is not None and named.first < tok.idx:
                return named
        return None

    def describe(self, tok: Token, resolve: Resolver) -> Cluster | None:
        """A cue's subject that describes someone new: an actor named by its description."""
        lemma = tok.lemma_.lower()
        if tok.pos_ != "NOUN":
            return None
        kind = self._kind_of(tok)
        if kind is None:
            return None
        dets = [c for c in tok.children if c.dep_ in ("det", "nummod", "quantmod", "poss", "advmod")]
        owner = next((c for c in dets if c.dep_ == "poss" and c.pos_ == "PRON"), None)
        fresh = any(c.lower_ in self.lex.new_determiners or c.like_num for c in tok.subtree if c.i < tok.i)
        # "said the think tank of former prisoners": a definite description nothing before fits
        introduced = any(c.lower_ == "the" for c in tok.children) and any(
            c.dep_ == "prep" and c.lower_ in NAME_PREPS for c in tok.rights
        )
        if owner is None and not fresh and not introduced:
            return None
        owned = resolve(owner) if owner is not None else None
        if owner is not None and owned is None:
            return None
        name, start, end = self._name(tok, owner, owned)
        key = f"desc:{name.lower()}"
        c = self.index.by_key.get(key) or self.index._new(key, name, kind)
        c.add(self.doc.text[start:end], start, end)
        if lemma in self.lex.female_nouns:
            c.gender = "f"
        elif lemma in self.lex.male_nouns:
            c.gender = "m"
        for t in self.doc[tok.left_edge.i : tok.i + 1]:
            self.index.token_actor.setdefault(t.i, c)
        self.described.setdefault(lemma, []).append((tok.i, c))
        return c

    def generic_body(self, tok: Token) -> bool:
        """ "the group said", "the organisation added": a body named only by what it is."""
        return (
            tok.pos_ == "NOUN"
            and tok.lemma_.lower() in GENERIC_BODIES
            and any(c.lower_ == "the" for c in tok.children)
        )

    def _kind_of(self, tok: Token) -> ActorKind | None:
        lemma = tok.lemma_.lower()
        if lemma in self.lex.org_nouns:
            return "organization"
        if lemma in self.lex.person_nouns:
            return "group" if tok.tag_ == "NNS" else "person"
        return None

    def _name(self, tok: Token, owner: Token | None, owned: Cluster | None) -> tuple[str, int, int]:
        """The description as written, determiner dropped, its prepositional tail kept."""
        words = [t for t in tok.subtree if t.i <= tok.i and t.dep_ in NAME_DEPS | {"ROOT", tok.dep_}]
        skip = owner.i if owner is not None else -1
        words = [t for t in words if t.dep_ != "det" and t.i != skip and t.lower_ not in ("one", "another")]
        end_tok = tok
        for ch in tok.rights:
            if ch.dep_ == "prep" and ch.lower_ in NAME_PREPS:
                tail: list[Token] = []
                for t in ch.subtree:  # up to a clause or a comma: "…prisoners, which monitors…"
                    if t.is_punct or not (t.dep_ in NAME_DEPS or t.pos_ == "PROPN"):
                        break
                    tail.append(t)
                if len(tail) > 1:
                    words.extend(tail)
                    end_tok = tail[-1]
                break
        words.sort(key=lambda t: t.i)
        text = " ".join(t.text for t in words).replace(" ’s", "’s").replace(" 's", "'s")
        if owned is not None:
            text = f"{owned.name}'s {text}"
        start = owner.idx if owner is not None else words[0].idx
        return text, start, end_tok.idx + len(end_tok)


def _first_actor(tok: Token, index: ActorIndex) -> Cluster | None:
    for t in tok.subtree:
        a = index.actor_of_token(t)
        if a is not None and a.kind in SPEAKING_KINDS:
            return a
    return None
