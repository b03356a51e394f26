"""What kind of speech act a statement's content makes, read off the dependency parse.

A cue verb of saying leaves the kind to what is said. A word in the content
("must", "killed", "baseless") counts only when it is the act the speaker
performs: attached to the clause the speaker asserts (not to someone else's
relative clause, an "if" clause or a report's topic), with its polarity
(negation scope comes from the parse), and with the right people around it:
an obligation on the speaker is a commitment and on anyone else a demand;
wrongdoing needs an agent, or a party as its victim; a negated wrongdoing
by the speaker's own side, or any counter-account by a party already
accused, is a denial. The word lists are data, in `vigil/data/kinds.yaml`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from spacy.tokens import Token

from vigil.extract.actors import PRONOUNS as PRONOUN_GENDER
from vigil.extract.actors import Cluster
from vigil.extract.resources import load_yaml
from vigil.model import StatementKind

Words = tuple[tuple[str, ...], ...]
SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
# negation on a clause does not reach into another clause, nor over its subject
SCOPE_EDGES = frozenset({"ccomp", "advcl", "parataxis", "csubj", "nsubj", "nsubjpass", "mark"})
NEGATORS = frozenset({"not", "n't", "never", "no", "nobody", "nothing", "none", "neither", "nor", "without"})
FIRST_PERSON = frozenset({"i", "me", "we", "us", "our", "my", "ours", "myself", "ourselves"})
PERSON_PRONOUNS = FIRST_PERSON | {"you", "he", "him", "she", "her", "they", "them", "himself", "herself"}
NOT_JUST = frozenset({"just", "only", "merely", "simply", "least"})
CONTRAST = frozenset({"but", "yet"})
HYPOTHETICAL = frozenset({"if", "unless", "whether", "lest"})
PREDICATE_DEPS = frozenset({"attr", "oprd", "acomp"})
MAX_SUFFIX = 5  # a stem matches a word with at most this many letters more ("tortur" → "tortured")


@dataclass(frozen=True)
class KindLexicon:
    """The word lists of kinds.yaml, each entry split into words."""

    lists: dict[str, Words]

    def at(self, tok: Token, name: str, exact: bool = False) -> bool:
        """Does an entry of list `name` start at this token?"""
        return any(_starts(tok, entry, exact) for entry in self.lists[name])

    def within(self, toks: Iterable[Token], name: str) -> bool:
        return any(self.at(t, name) for t in toks)


@cache
def kind_lexicon() -> KindLexicon:
    data: dict[str, Any] = load_yaml("kinds.yaml")
    return KindLexicon({k: tuple(tuple(str(w).lower().split()) for w in v) for k, v in data.items()})


def _starts(tok: Token, entry: tuple[str, ...], exact: bool) -> bool:
    doc = tok.doc
    if tok.i + len(entry) > len(doc):
        return False
    for k, stem in enumerate(entry):
        word = doc[tok.i + k].lower_
        if exact or not stem.isalpha():
            if word != stem:
                return False
        elif not word.startswith(stem) or len(word) - len(stem) > (
            MAX_SUFFIX if k == 0 or len(stem) > 3 else 0
        ):
            return False  # later short words of a phrase match whole: "commit to" is not "commit today"
    return True


@dataclass(frozen=True)
class View:
    """What the reader knows about the people around one statement.

    `is_speaker` and `is_other` resolve a token to an actor (the speaker,
    or some other person, organisation or state); `is_accused` says whether
    it names a party accused earlier in the document.
    """

    cue: Token
    is_speaker: Callable[[Token], bool]
    is_other: Callable[[Token], bool]
    is_accused: Callable[[Token], bool]
    speaker_accused: bool
    speaker_person: bool = False

    def own_side(self, tok: Token) -> bool:
        """The speaker itself, "we"/"I", or a pronoun that names no one else."""
        low = tok.lower_
        if low in FIRST_PERSON or self.is_speaker(tok):
            return True
        if any(c.dep_ == "poss" and c.lower_ in FIRST_PERSON for c in tok.children):
            return True  # "our officers"
        if tok.pos_ != "PRON" or low not in PERSON_PRONOUNS | {"it", "its"}:
            return False
        # reported speech is about its speaker: "X said it would…", "she said she had…"
        return (low in ("he", "him", "she", "her")) == self.speaker_person

    def party(self, tok: Token) -> bool:
        """Someone who can be wronged or blamed: a named actor or a person pronoun."""
        return tok.lower_ in PERSON_PRONOUNS or self.is_speaker(tok) or self.is_other(tok)


# ---- the parse --------------------------------------------------------------
def negated(tok: Token, stop: Token | None = None) -> bool:
    """Whether a negation governs this token: its own, or its clause's up to the clause edge.

    "They did not arrest, beat and kill": the conjuncts share the negation;
    "did not X but Y" does not pass it on; a negated predicate says nothing
    of its subject's own clause ("the men who killed him were not tried").
    """
    node = tok
    for _ in range(16):
        if any(_negator(c) for c in node.children):
            return True
        if node.head is node or node.head is stop:
            return False
        if node.dep_ in SCOPE_EDGES and not (node.dep_ == "ccomp" and _neg_raising(node.head)):
            return False
        if node.dep_ == "conj" and any(
            c.dep_ == "cc" and c.lower_ in ("but", "yet") for c in node.head.children
        ):
            return False
        node = node.head
    return False


def _neg_raising(verb: Token) -> bool:
    """ "Do not consider myself a criminal": the negation belongs to the complement."""
    return verb.lemma_.lower() in {e[0] for e in kind_lexicon().lists["neg_raising"]}


def _negator(child: Token) -> bool:
    if child.lower_ == "not" and child.i + 1 < len(child.doc) and child.nbor(1).lower_ in NOT_JUST:
        return False  # "not just illegal but dangerous" affirms
    if child.dep_ == "neg":
        return True
    return child.lower_ in NEGATORS and child.dep_ in ("det", "nsubj", "nsubjpass", "advmod", "preconj")


def asserted(tok: Token, view: View) -> bool:
    """Whether the speaker asserts the clause holding this token.

    A relative clause or participle describes someone else ("the children
    who are willing to fight"); an "if" clause supposes; a question asks.
    """
    node = tok
    for _ in range(16):
        if node is view.cue or node.head is node:
            return True
        if node.dep_ in ("relcl", "acl") and not view.is_speaker(node.head) and not _first_person(node):
            return False  # "a task that we must fulfil" stays the speaker's own
        if node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in HYPOTHETICAL for c in node.children):
            return False
        node = node.head
    return True


def _first_person(verb: Token) -> bool:
    return any(c.dep_ in SUBJECTS and c.lower_ in FIRST_PERSON for c in verb.children)


def _subject(verb: Token) -> Token | None:
    """The subject of a verb, borrowed from the verb it depends on for "wanted to…", "…and killed"."""
    node = verb
    for _ in range(4):
        subj = next((c for c in node.children if c.dep_ in SUBJECTS), None)
        if subj is not None:
            return subj
        if node.dep_ not in ("xcomp", "conj") or node.head is node:
            return None
        node = node.head
    return None


def _passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
        verb.tag_ == "VBN" and verb.dep_ in ("acl", "amod")
    )


def _by_agent(verb: Token) -> Token | None:
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    return next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None


def _predicated_of(tok: Token) -> Token | None:
    """Whom a predicate is said of: "X is a terrorist", "considers X a terrorist"."""
    node = tok
    while node.dep_ == "conj" and node.head is not node:
        node = node.head
    if node.pos_ in ("NOUN", "ADJ") and (subj := next((c for c in node.children if c.dep_ == "nsubj"), None)):
        return subj  # a small clause: "consider [myself a criminal]"
    if node.dep_ == "pobj" and node.head.lower_ == "as" and node.head.head.pos_ == "VERB":
        verb = node.head.head  # "views himself as an extremist"
        return next((c for c in verb.children if c.dep_ == "dobj"), None) or _subject(verb)
    if node.dep_ not in PREDICATE_DEPS:
        return None
    verb = node.head
    if node.dep_ == "oprd":
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if obj is not None:
            return obj
    return _subject(verb)


def _clause(tok: Token) -> Token | None:
    """The verb of the clause holding a token."""
    node = tok
    for _ in range(8):
        if node.pos_ in ("VERB", "AUX") and node.dep_ != "aux":
            return node
        if node.head is node:
            return None
        node = node.head
    return None


def _inverted(verb: Token, aux: Token) -> bool:
    """ "Will they let things go?": the auxiliary before its subject asks."""
    subj = _subject(verb)
    return subj is not None and aux.i < subj.i and subj.head is verb


# ---- accusation ---------------------------------------------------------------
def wrongdoing(tok: Token, view: View, lex: KindLexicon) -> Token | None:
    """If this token names wrongdoing someone did, who did it (or the token, when unsaid)."""
    if tok.pos_ in ("VERB", "AUX"):
        if lex.at(tok, "harm_verbs"):
            return _wrongdoer(tok, view)
        if lex.at(tok, "corrupt_verbs"):
            return _wrongdoer(tok, view) or tok
        if lex.at(tok, "failure_verbs"):
            subj = _subject(tok)
            if subj is None:
                return None
            return subj if view.party(subj) or _owner(subj, view) is not None else None
    if tok.pos_ in ("NOUN", "PROPN") and lex.at(tok, "wrong_nouns") and not _topic(tok, lex):
        return _predicated_of(tok) or tok
    if tok.pos_ in ("NOUN", "PROPN") and lex.at(tok, "failure_nouns"):
        owner = _owner(tok, view)
        return owner if owner is not None else _predicated_of(tok)
    if lex.at(tok, "evaluative") and not _topic(tok, lex):
        return _predicated_of(tok) or tok
    if lex.at(tok, "feeling") and _about(tok, lex):
        return tok
    return None


def _wrongdoer(verb: Token, view: View) -> Token | None:
    """The agent of a wrongdoing verb, or the verb itself when a party suffered it unnamed.

    "Civilians killed" and "too many people have been killed" report a toll;
    "they were beaten" (a party, here a person pronoun) accuses whoever did it.
    """
    if _passive(verb):
        agent = _by_agent(verb)
        if agent is not None:
            return agent
        patient = verb.head if verb.dep_ in ("acl", "amod") else _subject(verb)
        return verb if patient is not None and view.party(patient) else None
    subj = _subject(verb)
    if subj is not None:
        return None if kind_lexicon().at(subj, "natural_causes") else subj
    if verb.dep_ == "acl" and verb.tag_ == "VBG":
        return verb.head  # "men beating a woman"
    return verb if any(c.dep_ == "dobj" for c in verb.children) else None


def _owner(noun: Token, view: View) -> Token | None:
    """A party a noun belongs to: "the state's failure", "a failure by the police"."""
    for c in noun.children:
        if c.dep_ == "poss" and view.party(c):
            return c
        if c.dep_ == "prep" and c.lower_ in ("of", "by"):
            for g in c.children:
                if g.dep_ == "pobj" and view.party(g):
                    return g
    return None


def _topic(tok: Token, lex: KindLexicon) -> bool:
    """A wrongdoing word as what a report, study or charge is about, not as the speaker's charge."""
    node = tok
    while node.dep_ in ("conj", "compound", "amod", "appos") and node.head is not node:
        node = node.head
    if node.dep_ != "pobj" or not lex.at(node.head, "topic_preps", exact=True):
        return False
    owner = node.head.head
    if owner.pos_ in ("NOUN", "PROPN"):
        return lex.at(owner, "topic_nouns")
    return owner.lemma_.lower() in ("accuse", "convict", "charge", "suspect", "sentence", "prosecute", "try")


def _about(tok: Token, lex: KindLexicon) -> bool:
    """A feeling with what it is about: "concerns about how…", "alarmed by…"."""
    preps = {e[0] for e in lex.lists["feeling_preps"]}
    return any(c.dep_ in ("prep", "agent") and c.lower_ in preps for c in tok.children)


def accuses(content: Sequence[Token], view: View) -> bool:
    """Wrongdoing asserted, not negated, with its doer or victim in place."""
    lex = kind_lexicon()
    return any(wrongdoing(tok, view, lex) is not None and not negated(tok, view.cue) for tok in content)


def suffers(content: Sequence[Token], view: View) -> bool:
    """Harm the speaker's own side suffered: "I was beaten", "he had been tortured"."""
    lex = kind_lexicon()
    for tok in content:
        if tok.pos_ != "VERB" or not lex.at(tok, "harm_verbs") or not _passive(tok) or negated(tok, view.cue):
            continue
        patient = tok.head if tok.dep_ in ("acl", "amod") else _subject(tok)
        if patient is not None and view.own_side(patient):
            return True
    return False


# ---- denial -------------------------------------------------------------------
def denies(content: Sequence[Token], view: View) -> bool:
    """Disqualifying the allegation, denying one's own wrongdoing, or a counter-account by the accused."""
    lex = kind_lexicon()
    for tok in content:
        if lex.at(tok, "denial") and (_negative_phrase(tok) or not negated(tok, view.cue)):
            return True
        if lex.at(tok, "discredit") and _discredits(tok, view, lex) and not negated(tok, view.cue):
            return True
        if tok.lemma_.lower() == "deny" and tok.pos_ == "VERB" and not _passive(tok):
            subj = _subject(tok)
            if subj is None or view.own_side(subj):
                return True  # "we deny…"; "denied water" done to someone is no denial
        if negated(tok, view.cue) and _own_wrong(tok, view, lex):
            return True
        if view.speaker_accused and counter_account(tok, view, lex):
            return True
        if lex.at(tok, "vindication") and not negated(tok, view.cue) and _said_of_accused(tok, view):
            return True
    return False


def _negative_phrase(tok: Token) -> bool:
    """ "not true", "no evidence": the negation is the denial itself."""
    return tok.lower_ in NEGATORS


def _discredits(tok: Token, view: View, lex: KindLexicon) -> bool:
    """ "The video is fake", "was faked": discrediting what is said of, not "effective propaganda";
    anything in a clause about the allegations ("the allegations are part of a smear")."""
    if _predicated_of(tok) is not None or view.speaker_accused:
        return True  # the accused speaking of smears and lies means the charges against it
    clause = _clause(tok)
    subj = _subject(clause) if clause is not None else None
    if subj is not None and lex.at(subj, "allegation_nouns"):
        return True
    if tok.pos_ == "VERB":
        subj = _subject(tok)
        return subj is not None and (lex.at(subj, "allegation_nouns") or view.speaker_accused)
    return tok.dep_ == "pobj" and tok.head.lower_ == "as"


def _own_wrong(tok: Token, view: View, lex: KindLexicon) -> bool:
    """Wrongdoing by the speaker's side, or by the accused, said not to have happened."""
    doer = wrongdoing(tok, view, lex)
    if doer is None:
        return False
    if doer is tok:
        return view.speaker_accused
    return view.own_side(doer) or view.is_accused(doer) or view.speaker_accused


def counter_account(tok: Token, view: View, lex: KindLexicon) -> bool:
    """What an accused party says of the conduct: "the presentation was not cancelled", "acted lawfully"."""
    if not asserted(tok, view):
        return False
    if tok.pos_ in ("VERB", "AUX") and tok.dep_ != "aux" and any(_negator(c) for c in tok.children):
        return True
    return lex.at(tok, "vindication") and not negated(tok, view.cue)


def _said_of_accused(tok: Token, view: View) -> bool:
    """ "Said the police had acted lawfully": vindicating a party accused earlier."""
    node = tok
    for _ in range(6):
        if node.pos_ in ("VERB", "AUX"):
            subj = _subject(node)
            return subj is not None and (
                view.is_accused(subj) or (view.speaker_accused and view.own_side(subj))
            )
        if node.head is node:
            return False
        node = node.head
    return False


# ---- obligation and the future -----------------------------------------------
def obligation(content: Sequence[Token], view: View) -> StatementKind | None:
    """ "Must"/"should"/"need to" asserted: a commitment when the speaker is bound, else a demand."""
    lex = kind_lexicon()
    for tok in content:
        if not lex.at(tok, "obligation") or lex.at(tok, "past_obligation") or not asserted(tok, view):
            continue
        verb = tok.head if tok.dep_ == "aux" else tok
        if tok.dep_ != "aux" and negated(verb, view.cue):
            continue  # "need not", "does not have to": no obligation
        if tok.dep_ == "aux" and _inverted(verb, tok):
            continue
        subj = _subject(verb)
        if subj is not None and view.own_side(subj) and subj.lower_ not in ("it", "they", "them"):
            return "commit"
        return "demand"
    for tok in content:
        if (
            tok.pos_ == "VERB"
            and lex.at(tok, "demand_verbs")
            and asserted(tok, view)
            and not negated(tok, view.cue)
        ):
            subj = _subject(tok)
            if subj is None or view.own_side(subj):
                return "demand"
    return None


def own_future(content: Sequence[Token], view: View) -> bool:
    """A promise is about the speaker's own action: "said it would bar…", "reached an agreement".

    Someone else's promise ("the government's repeated promises"), a future
    inside a relative clause about others, or a question is no commitment.
    """
    lex = kind_lexicon()
    for tok in content:
        if not asserted(tok, view):
            continue
        if lex.at(tok, "commit_words") and not negated(tok, view.cue) and _commit_word_is_own(tok, view):
            return True
        ready = lex.at(tok, "readiness", exact=True)
        if ready and negated(tok, view.cue):
            continue  # "not ready to go back"
        if ready or lex.at(tok, "future", exact=True):
            if tok.lower_ == "would" and tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ == "have":
                continue
            head = tok.head if tok.dep_ in ("aux", "acomp") else tok
            if tok.dep_ == "aux" and _inverted(head, tok):
                continue  # a question; "we will not sign without guarantees" still binds the speaker
            subj = _subject(head)
            if subj is not None and view.own_side(subj):
                return True
            if subj is not None and any(c.dep_ == "poss" and view.own_side(c) for c in subj.children):
                return True
    return False


def _commit_word_is_own(tok: Token, view: View) -> bool:
    """ "Agreed", "our pledge": the speaker's; "the government's promises": someone else's."""
    if any(c.dep_ == "poss" and not view.own_side(c) for c in tok.children):
        return False
    if tok.pos_ in ("VERB", "AUX", "ADJ"):
        subj = _subject(tok.head if tok.dep_ == "acomp" else tok)
        return subj is None or view.own_side(subj)
    return True


# ---- evaluative description ---------------------------------------------------
def evaluation(verb: Token, view: View) -> StatementKind | None:
    """ "Described X as a travesty", "called this a plot", "dismissed the reports as lies".

    Disqualifying an allegation, or any dismissal by the accused, denies;
    a damning description of someone's conduct accuses; anything else is
    left to the rest of the content.
    """
    lex = kind_lexicon()
    if verb.lemma_.lower() not in {e[0] for e in lex.lists["describe_verbs"]}:
        return None
    pred = _description(verb)
    if pred is None:
        return None
    words = [t for t in pred.subtree if not negated(t, verb)]
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    dismissing = verb.lemma_.lower() in {e[0] for e in lex.lists["dismiss_verbs"]}
    allegation = view.speaker_accused or (obj is not None and lex.at(obj, "allegation_nouns"))
    discredit = lex.within(words, "denial") or lex.within(words, "discredit")
    if (discredit or dismissing) and allegation:
        return "deny"
    if any(wrongdoing(t, view, lex) is not None for t in words) or discredit:
        return "accuse"
    return None


def _description(verb: Token) -> Token | None:
    """What X is described as: the "as" phrase's object, or the predicate of "call X Y"."""
    for c in verb.children:
        if c.dep_ in ("oprd", "attr") or (c.dep_ == "dobj" and c.i > verb.i and _second_object(verb, c)):
            return c
        if c.dep_ == "prep" and c.lower_ == "as":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


def _second_object(verb: Token, obj: Token) -> bool:
    """ "Called the execution a travesty": the parser may give "call" two objects."""
    objs = [c for c in verb.children if c.dep_ == "dobj"]
    return len(objs) > 1 and obj is objs[-1]


def view_of(
    cue: Token,
    speaker: Cluster,
    named: Callable[[Token], Cluster | None],
    pronoun: Callable[[Token], Cluster | None],
    accused: set[str],
) -> View:
    """The View of one statement, from the reader's look-ups (which add nothing to the index)
    and the keys of the parties it saw accused."""

    def actor(t: Token) -> Cluster | None:
        return pronoun(t) if t.pos_ == "PRON" and t.lower_ in PRONOUN_GENDER else named(t)

    def other(t: Token) -> bool:
        a = actor(t)
        return a is not None and a is not speaker and a.kind in ("person", "organization", "state")

    def is_accused(t: Token) -> bool:
        a = actor(t)
        return a is not None and a.key in accused

    return View(
        cue=cue,
        is_speaker=lambda t: actor(t) is speaker,
        is_other=other,
        is_accused=is_accused,
        speaker_accused=speaker.key in accused,
        speaker_person=speaker.kind == "person",
    )
