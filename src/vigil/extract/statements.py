"""Who said what: attributed speech acts read off the dependency parse.

A statement starts at a cue (a verb of saying, accusing, denying, demanding
or promising; "according to"; a colon after a speaker). Its speaker is the
subject of the cue, found by climbing participles and conjunctions
("Speaking to the council, X called on…", "…, said Kenneth Roth"), then
resolved to an actor: names, pronouns, titles ("the spokesman"), proxies
("a spokesman for X"), institutions and capitals. The kind comes from the
cue, then from the reported content; a counter-account given by a party
already accused is a denial.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from spacy.tokens import Doc, Span, Token

from vigil.extract.actors import AGE_NOUN, PRONOUNS, SUBJECT_DEPS, ActorIndex, Cluster
from vigil.extract.dates import Tense, resolve
from vigil.extract.events import act_of
from vigil.extract.kinds import (
    View,
    accuses,
    denies,
    evaluation,
    negated,
    obligation,
    own_future,
    suffers,
    view_of,
)
from vigil.extract.resources import load_yaml
from vigil.extract.speakers import Speakers, relative_antecedent
from vigil.model import Statement, StatementKind

if TYPE_CHECKING:
    from vigil.extract.budget import Budget

SPONSOR_VERBS = frozenset(
    ["commission", "hire", "appoint", "employ", "mandate", "task", "fund", "lead", "convene"]
)
STATE_OWNED = frozenset(
    ["state", "state-run", "state-owned", "state-controlled", "government-run", "official"]
)
UNDONE = frozenset(["fail", "refuse", "decline", "neglect", "omit", "forget"])
SPECIFIC: tuple[StatementKind, ...] = ("accuse", "deny", "demand", "commit")
CLIMB_DEPS = {
    "xcomp",
    "advcl",
    "conj",
    "acl",
    "pcomp",
    "relcl",
    "attr",
    "dobj",
    "pobj",
    "prep",
    "ccomp",
    "oprd",
}
CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "parataxis", "attr", "oprd"}
OPEN_Q, CLOSE_Q = "“", "”"
NEWLINE = re.compile("\n")
SINGLE_OPEN = re.compile(r"(?<![\w])[‘'](?=\w)")
SINGLE_CLOSE = re.compile(r"(?<=[\w.,!?])[’'](?![\w])")


@dataclass(frozen=True)
class CueLexicon:
    verbs: dict[str, StatementKind]
    needs_particle: dict[str, frozenset[str]]
    needs_content: frozenset[str]
    needs_object: dict[str, frozenset[str]]
    needs_quote: frozenset[str]
    according_to: tuple[str, ...]
    speech_nouns: frozenset[str]
    noun_cues: dict[str, StatementKind]
    document_verbs: frozenset[str]
    host_verbs: frozenset[str]
    speech_objects: frozenset[str]
    decision_objects: frozenset[str]


@cache
def cues() -> CueLexicon:
    d: dict[str, Any] = load_yaml("cues.yaml")
    verbs: dict[str, StatementKind] = {}
    for kind, words in d["verbs"].items():
        for w in words:
            verbs.setdefault(str(w), kind)
    return CueLexicon(
        verbs=verbs,
        needs_particle={k: frozenset(v) for k, v in d["needs_particle"].items()},
        needs_content=frozenset(d["needs_content"]),
        needs_object={k: frozenset(v) for k, v in d["needs_object"].items()},
        needs_quote=frozenset(d["needs_quote"]),
        according_to=tuple(d["according_to"]),
        speech_nouns=frozenset(d["speech_nouns"]),
        noun_cues={str(w): kind for kind, words in d["noun_cues"].items() for w in words},
        document_verbs=frozenset(d["document_verbs"]),
        host_verbs=frozenset(d["host_verbs"]),
        speech_objects=frozenset(d["speech_objects"]),
        decision_objects=frozenset(d["decision_objects"]),
    )


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans inside quotation marks; unbalanced marks run to the paragraph's edge."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n\n"):
        first = len(spans)
        start = pos
        end = pos + len(para)
        pos = end + 2
        open_at: int | None = None
        straight_open: int | None = None
        for i, ch in enumerate(para):
            at = start + i
            if ch == OPEN_Q:
                open_at = at + 1
            elif ch == CLOSE_Q:
                if open_at is not None:
                    spans.append((open_at, at))
                    open_at = None
                elif not spans or spans[-1][1] < start:
                    spans.append((start, at))
            elif ch == '"':
                if straight_open is None:
                    straight_open = at + 1
                else:
                    spans.append((straight_open, at))
                    straight_open = None
        for o in (open_at, straight_open):
            if o is not None:
                spans.append((o, end))
        doubles = Quotes(sorted(spans[first:]))  # earlier paragraphs' spans end before this one
        for s, e in single_quotes(para):
            if not doubles.inside(start + s):
                spans.append((start + s, start + e))
    return sorted(spans)


def single_quotes(para: str) -> Iterator[tuple[int, int]]:
    """Single-quoted spans: from a mark before a word to the first mark after a word or a stop,
    at least three characters on and on the same line.

    This is what the lazy pattern `‘(.{2,}?)’` (with those lookarounds)
    found, but it rescanned to the end of the line from every mark that
    never closes ("'a 'a 'a…"), quadratic in the line; this reads it once.
    """
    closes = [m.start() for m in SINGLE_CLOSE.finditer(para)]
    newlines = [m.start() for m in NEWLINE.finditer(para)]
    resume = 0
    for m in SINGLE_OPEN.finditer(para):
        p = m.start()
        if p < resume:
            continue
        k = bisect_left(closes, p + 3)
        if k == len(closes):
            return
        q = closes[k]
        n = bisect_left(newlines, p + 1)
        if n < len(newlines) and newlines[n] < q:
            continue
        yield p + 1, q
        resume = q + 1


class Quotes:
    """Quotation spans, asked "is this offset quoted?" and "which spans meet this range?" by bisection.

    Asking each span in turn made every token cost the number of quotes in
    the document. The text is cut at every span edge once, and each piece
    keeps the spans that cover it: few, since marks of one kind never nest.
    """

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans  # sorted
        self._starts = [a for a, _ in spans]
        opens = sorted((a, k) for k, (a, b) in enumerate(spans) if a < b)
        closes = sorted((b, k) for k, (a, b) in enumerate(spans) if a < b)
        self._edges = sorted({a for a, _ in opens} | {b for b, _ in closes})
        self._cover: list[tuple[int, ...]] = []
        active: set[int] = set()
        o = c = 0
        for x in self._edges:
            while c < len(closes) and closes[c][0] <= x:
                active.discard(closes[c][1])
                c += 1
            while o < len(opens) and opens[o][0] <= x:
                active.add(opens[o][1])
                o += 1
            self._cover.append(tuple(sorted(active)))

    def covering(self, i: int) -> tuple[int, ...]:
        """Indexes of the spans holding offset i."""
        k = bisect_right(self._edges, i) - 1
        return self._cover[k] if k >= 0 else ()

    def inside(self, i: int) -> bool:
        return bool(self.covering(i))

    def meeting(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans with a < end and b > start, in order: those holding `start`, then those after it."""
        held = [self.spans[k] for k in self.covering(start)]
        later = self.spans[bisect_right(self._starts, start) : bisect_left(self._starts, end)]
        return held + later


@dataclass
class Cue:
    tok: Token
    kind: StatementKind
    outer: Cue | None = None
    inner: list[Cue] = field(default_factory=list)
    chain: list[Token] = field(default_factory=list)  # the cue and the heads climbed to reach its subject
    subject: Token | None = None
    agent: bool = False
    others: set[int] = field(default_factory=set)  # tokens of other speech acts below this cue


class StatementReader:
    """Reads the statements of one parsed document, sentence by sentence."""

    def __init__(
        self,
        doc: Doc,
        index: ActorIndex,
        published: Any = None,
        publishers: list[str] | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.doc = doc
        self.index = index
        self.published = published
        self.budget = budget
        self.lex = cues()
        self.text = doc.text  # Doc.text joins every token each time it is read
        self.quotes = Quotes(quote_spans(self.text))
        # Token.sent and Span.ents walk the document each time; sentences and their entities, once
        self.sents = list(doc.sents)
        self._sent_of = [k for k, sent in enumerate(self.sents) for _ in range(len(sent))]
        self._ents_of: list[list[Span]] | None = None
        self._quoted_sents: dict[int, bool] = {}
        self.subject_history: list[tuple[int, Cluster]] = []
        self._history_at: list[int] = []  # the token offsets of subject_history, ascending
        self.accused: set[str] = set()
        self.statements: list[Statement] = []
        self.speaker_of: dict[str, Cluster] = {}
        self._last_said: dict[int, int] = {}  # id(cluster) → its latest statement
        self._state_said = -1  # the latest statement by a state
        self._promotions_read = 0
        self.taking_part: set[str] = set()
        # an organisation publishing in its own name: "we" in its release is the organisation
        self.publisher = next((c for a in publishers or [] if (c := index.org_named(a)) is not None), None)
        self.speakers = Speakers(doc, index, self.lex.speech_nouns)
        self._cue_dates: list[tuple[int, str | None]] = []  # this sentence's cues and their dates

    def _sent(self, tok: Token) -> Span:
        """The sentence of a token, as Token.sent gives it, without walking to its edges."""
        return self.sents[self._sent_of[tok.i]]

    def _ents(self, sent: Span) -> list[Span]:
        """The entities wholly inside a sentence, as Span.ents gives them."""
        if self._ents_of is None:
            self._ents_of = [[] for _ in self.sents]
            for ent in self.doc.ents:
                k = self._sent_of[ent.start]
                if ent.end <= self.sents[k].end:
                    self._ents_of[k].append(ent)
        return self._ents_of[self._sent_of[sent.start]]

    def _has_quote(self, sent: Span) -> bool:
        if sent.start not in self._quoted_sents:
            self._quoted_sents[sent.start] = any(self.quotes.inside(t.idx) for t in sent)
        return self._quoted_sents[sent.start]

    # ---- cue detection ------------------------------------------------------
    def _is_cue(self, tok: Token, sent: Span) -> StatementKind | None:
        if self.quotes.inside(tok.idx):
            return None
        lemma = tok.lemma_.lower()
        if tok.pos_ != "VERB":
            lemma = self._misread_verb(tok) or ""
        kind = self.lex.verbs.get(lemma)
        if kind is None and lemma in self.lex.document_verbs:
            return self._document_cue(tok, sent)
        if kind is None:
            return None
        need = self.lex.needs_particle.get(lemma)
        if need is not None and not any(c.lower_ in need for c in tok.children if c.dep_ in ("prt", "prep")):
            if not (lemma == "call" and any(c.dep_ == "oprd" for c in tok.children)):
                return None
            kind = "assert"  # "called the move a plot": a characterisation
        if lemma in self.lex.needs_quote and not (
            self._has_quote(sent) or any(c.dep_ == "ccomp" for c in tok.children)
        ):
            return None
        allowed = self.lex.needs_object.get(lemma)
        if allowed is not None and not (
            any(c.dep_ in ("ccomp", "xcomp", "parataxis") for c in tok.children)
            or self._has_quote(sent)
            or any(c.dep_ == "dobj" and c.lemma_.lower() in allowed for c in tok.children)
        ):
            return None
        if lemma in self.lex.needs_content:
            has = any(c.dep_ in CONTENT_DEPS for c in tok.children) or self._has_quote(sent)
            if not has:
                return None
        if any(c.dep_ == "neg" for c in tok.children) and kind != "deny":
            return None
        if tok.dep_ == "xcomp" and tok.head.lemma_.lower() in UNDONE:
            return None  # "failed to testify", "declined to comment": no speech was made
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        if (
            obj is not None
            and lemma in self.lex.host_verbs
            and (
                obj.lemma_.lower() in self.index.lex.roles
                or any(self.index.actor_of_token(u) for u in obj.subtree)
            )
        ):
            return None  # "welcomed the president": a host's welcome, not a speech act
        if kind == "deny" and (
            (obj is not None and obj.lemma_.lower() in self.lex.decision_objects)
            or any(c.dep_ == "dative" for c in tok.children)
        ):
            return None  # "denied him access", "rejected the appeal": a decision, not a denial
        if (
            tok.tag_ == "VBN"
            and tok.dep_ in ("advcl", "acl")
            and not any(c.dep_ in SUBJECT_DEPS | {"aux", "auxpass"} for c in tok.children)
        ):
            return None  # "Asked about the aid, X sighed": the reporter asked
        return kind

    def _document_cue(self, tok: Token, sent: Span) -> StatementKind | None:
        """ "The report found that…", "its statement read: …": verbs that report only with a document."""
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subj is None or not self.speakers.is_document(subj) or _negated(tok):
            return None
        if not (any(c.dep_ in ("ccomp", "parataxis") for c in tok.children) or self._has_quote(sent)):
            return None
        return "assert"

    def _other_agent(self, tok: Token) -> bool:
        """ "said the government had lied and demanded…": the first conjunct's actor may be the one acting."""
        if tok.dep_ != "conj" or self.lex.verbs.get(tok.lemma_.lower()) == "demand":
            return False  # "…and urged the authorities to act": the reporter's speaker asks
        subj = next((c for c in tok.head.children if c.dep_ in SUBJECT_DEPS), None)
        return subj is not None and self.resolve(subj) is not None

    def _misread_verb(self, tok: Token) -> str | None:
        """ "The HRW denounces “…”": a present-tense cue the tagger read as a plural noun."""
        if tok.tag_ != "NNS" or tok.dep_ != "ROOT" or not tok.lower_.endswith("s"):
            return None
        if not any(
            c.dep_ in ("compound", "nsubj") and (c.pos_ == "PROPN" or c.ent_type_) for c in tok.children
        ):
            return None
        for stem in (tok.lower_[:-1], tok.lower_[:-2]):
            if stem in self.lex.verbs:
                return stem
        return None

    def _subject(self, cue: Cue) -> None:
        if cue.tok.pos_ == "NOUN":
            names = [c for c in cue.tok.children if c.dep_ in ("compound", "nsubj")]
            cue.subject, cue.chain = (names[-1] if names else None), [cue.tok]
            return
        tok: Token | None = cue.tok
        chain: list[Token] = []
        for _ in range(5):
            if tok is None:
                break
            chain.append(tok)
            subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            if subj is not None:
                cue.subject, cue.chain = subj, chain
                return
            passive = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
            if (
                passive is not None
                and tok is not cue.tok
                and tok.lemma_.lower() in ("quote", "cite", "report")
            ):
                cue.subject, cue.chain = passive, chain  # "X was quoted as saying": X speaks
                return
            if passive is not None:
                agent = next((c for c in tok.children if c.dep_ == "agent"), None)
                pobj = (
                    next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
                )
                cue.subject, cue.chain, cue.agent = pobj, chain, True
                if pobj is None and cue.kind == "accuse" and tok is cue.tok:
                    accused = self.resolve(passive)
                    if accused is not None:
                        self.accused.add(accused.key)
                return
            swallowed = self._date_swallowed_subject(tok)
            if swallowed is not None:
                cue.subject, cue.chain = swallowed, chain
                return
            if tok.dep_ not in CLIMB_DEPS or tok.head is tok:
                break
            if tok.dep_ == "ccomp" and tok is not cue.tok:
                break
            tok = tok.head
        cue.chain = chain

    @staticmethod
    def _date_swallowed_subject(verb: Token) -> Token | None:
        """ "In December China invited…": the parser hangs the subject under the date's preposition."""
        for ch in verb.children:
            if ch.dep_ != "prep" or ch.i > verb.i:
                continue
            for pobj in ch.children:
                if pobj.dep_ != "pobj" or pobj.ent_type_ in ("DATE", "TIME"):
                    continue
                if any(t.ent_type_ in ("DATE", "TIME") for t in pobj.lefts) and pobj.i == verb.i - 1 - sum(
                    1 for t in verb.lefts if t.i > pobj.i
                ):
                    return pobj
        return None

    def _find_cues(self, sent: Span) -> list[Cue]:
        found: list[Cue] = []
        for tok in sent:
            kind = self._is_cue(tok, sent)
            if kind is not None:
                found.append(Cue(tok=tok, kind=kind))
        by_tok = {c.tok.i: c for c in found}
        for c in found:
            self._subject(c)
            # a cue inside another cue's complement, or a participle without a subject of its own,
            # is part of the outer speech act ("said the opposition was demanding…", "…, saying…")
            anc = c.tok.head
            path = [c.tok.dep_]
            while anc is not None and anc.i != anc.head.i and anc.i not in by_tok:
                path.append(anc.dep_)
                anc = anc.head
            if anc is None or anc.i not in by_tok or anc.i == c.tok.i:
                continue
            outer = by_tok[anc.i]
            own_subject = any(ch.dep_ in SUBJECT_DEPS for ch in c.tok.children)
            if path[0] == "conj" and len(path) == 1:
                continue
            if _second_act(c, outer, path, own_subject) and not self._other_agent(c.tok):
                c.subject, c.chain = outer.subject, [c.tok]  # "…, asking for…": its own speech act
                continue
            if path[0] not in ("ccomp", "xcomp") and self._subject_between(c, outer):
                continue  # "…, as the Kremlin marked the day by vowing…": the Kremlin vows
            if path[0] in ("ccomp", "xcomp") or not own_subject:
                c.outer = outer
                outer.inner.append(c)
        return found

    def _subject_between(self, c: Cue, outer: Cue) -> bool:
        """A cue whose climb met a subject of its own, an actor other than the outer cue's speaker."""
        if c.subject is None or outer.subject is None or c.subject.i == outer.subject.i:
            return False
        if c.subject.head.i == outer.tok.i or c.subject.i in {t.i for t in outer.subject.subtree}:
            return False
        a = self.index.actor_of_token(c.subject)
        return a is not None and a.kind in ("person", "organization", "state")

    # ---- actors -------------------------------------------------------------
    def resolve(self, tok: Token) -> Cluster | None:
        """The actor a subject or object token names."""
        idx = self.index
        antecedent = relative_antecedent(tok)
        if antecedent is not None:
            return self.resolve(antecedent)
        if tok.lower_ in idx.lex.anonymous or tok.lemma_.lower() in idx.lex.anonymous:
            sponsor = self._sponsor(tok)
            if sponsor is None and self.speakers.is_document(tok):
                return self.speakers.author(tok, self.resolve)
            if sponsor is None and any(c.lower_ in STATE_OWNED for c in tok.lefts):
                return self._state_owned(tok)  # "state media" is no anonymous "media"
            return sponsor
        a = idx.actor_of_token(tok)
        if a is not None and a.kind in ("state", "organization", "place"):
            own = self._own_voice(tok)
            if own is not None:
                return own
        if a is not None:
            return a
        for ch in tok.children:
            if ch.dep_ == "appos":
                for t in ch.subtree:
                    b = idx.actor_of_token(t)
                    if b is not None and b.kind in ("person", "organization", "state"):
                        return b
        if tok.lemma_.lower() in idx.lex.roles:  # "the rapporteur on Belarus, Anais Marin": appos misattached
            for t in tok.subtree:
                b = idx.actor_of_token(t) if t.dep_ == "appos" or t.head.dep_ == "appos" else None
                if b is not None and b.kind == "person":
                    return b
        low = tok.lower_
        if low in PRONOUNS and tok.pos_ == "PRON":
            return self._pronoun(tok)
        if AGE_NOUN.match("".join(t.text for t in tok.subtree if t.dep_ != "det")):
            return self._last_person(tok.i, None)
        lemma = tok.lemma_.lower()
        if lemma in idx.lex.proxies or low in idx.lex.proxies:
            poss = next((c for c in tok.children if c.dep_ == "poss" and c.pos_ == "PRON"), None)
            if poss is not None:  # "his spokesman said"
                return self._pronoun(poss)
            for ch in tok.children:
                if ch.dep_ == "prep" and ch.lower_ in ("for", "of"):
                    for g in ch.subtree:
                        b = idx.actor_of_token(g)
                        if b is not None and b.kind in ("person", "organization", "state"):
                            return b
            for ch in tok.children:  # "a Nordhall spokesperson": the body the spokesperson speaks for
                if ch.dep_ in ("compound", "poss") and ch.pos_ == "PROPN":
                    b = idx.actor_of_token(ch) or idx.proper_name(ch)
                    if b is not None and b.kind in ("organization", "state"):
                        return b
        for t in tok.subtree:  # "who gave her name as Lyudmila"
            if t.lower_ in ("name", "named", "called", "identified") and t.i < self._sent(tok).end - 1:
                j = t.i + 1
                if self.doc[j].lower_ == "as":
                    j += 1
                names = []
                while j < self._sent(tok).end and self.doc[j].pos_ == "PROPN":
                    names.append(self.doc[j])
                    j += 1
                if names:
                    start, end = names[0].i, names[-1].i + 1
                    text = self.doc[start:end].text
                    c = idx.by_key.get(text.lower()) or idx._new(text.lower(), text, "person")
                    c.add(text, self.doc[start].idx, self.doc[end - 1].idx + len(self.doc[end - 1]))
                    for k in range(start, end):
                        idx.token_actor[k] = c
                    if any(w.lower_ == "her" for w in tok.subtree):
                        c.gender = "f"
                    elif any(w.lower_ == "his" for w in tok.subtree):
                        c.gender = "m"
                    return c
        back = self.speakers.pointed_back(tok)
        if back is None and self.speakers.generic_body(tok):
            back = self._last_org(tok.i)
        if back is not None:
            return back
        if (lemma in idx.lex.roles or low in idx.lex.roles) and tok.tag_ in ("NN", "NNP"):
            p = idx.by_role([lemma, low], before=tok.idx)
            if p is not None:
                p.add(_np(tok), tok.left_edge.idx, tok.idx + len(tok))
                return p
        inst = idx.institution(tok)
        if inst is not None:
            return inst
        if (lemma in idx.lex.institutions or low in idx.lex.institutions) and any(
            c.lower_ in STATE_OWNED for c in tok.lefts
        ):
            owned = self._state_owned(tok)
            if owned is not None:
                return owned
        if (
            tok.lemma_.lower() in idx.lex.institutions
            and tok.lemma_.lower() not in idx.lex.state_heads
            and any(c.lower_ == "the" for c in tok.children)
        ):
            named = idx.org_by_word(tok.lower_)  # "the court" after "the International Criminal Court"
            if named is not None:
                return named
            home = idx.main_state()  # "the military said": the story's own country's military
            if home is not None:
                return idx.home_institution(tok, home)
        if lemma in idx.lex.state_heads or low in idx.lex.state_heads:
            if any(t.lower_ in idx.lex.anonymous for t in tok.subtree):
                return None
            state = self._recent_state() or self._state_in(self._sent(tok), exclude=tok) or idx.main_state()
            if state is not None:
                state.add(_np(tok), tok.left_edge.idx, tok.idx + len(tok))
            return state
        for t in tok.lefts:  # pre-modifiers only: "Obama administration officials", "the Viasna organisation"
            deps = ("compound", "nmod") if lemma not in idx.lex.institutions else ("compound", "nmod", "poss")
            for u in t.subtree:
                b = idx.actor_of_token(u)
                if b is not None and b.kind in ("person", "organization", "state") and t.dep_ in deps:
                    return b
        if self.speakers.is_document(tok):
            return self.speakers.author(tok, self.resolve)
        if tok.pos_ == "NOUN" and self._institutional(tok):
            return idx.local_body(tok)
        return idx.proper_name(tok) if tok.pos_ == "PROPN" else None

    def _institutional(self, tok: Token) -> bool:
        words = {tok.lemma_.lower(), tok.lower_}
        words |= {f"{c.lower_}'s {tok.lower_}" for c in tok.children if c.dep_ == "poss"}
        words |= {f"{c.lower_} {tok.lower_}" for c in tok.children if c.dep_ == "compound"}
        return any(w in self.index.lex.institutions for w in words)

    def _own_voice(self, tok: Token) -> Cluster | None:
        """ "…, Valdoria, its president Anton Kral said": the person who is the body's own voice."""
        for ch in tok.children:
            if ch.dep_ == "appos" and any(
                g.dep_ == "poss" and g.lower_ in ("its", "their") for g in ch.children
            ):
                for t in ch.subtree:
                    b = self.index.actor_of_token(t)
                    if b is not None and b.kind == "person":
                        return b
        return None

    def _state_owned(self, tok: Token) -> Cluster | None:
        """ "according to state media": the story's own state's media."""
        home = self.index.main_state()
        return self.index.home_institution(tok, home) if home is not None else None

    def _last_org(self, before: int) -> Cluster | None:
        """The organisation the text was last about: a recent subject, else the last one named."""
        k = bisect_left(self._history_at, before)
        for _, a in reversed(self.subject_history[max(0, k - 12) : k]):
            if a.kind == "organization":
                return a
        for i in reversed(self.index.token_actor.between(max(0, before - 400), before)):
            a = self.index.token_actor[i]
            if a.kind == "organization":
                return a
        return None

    def _sponsor(self, tok: Token) -> Cluster | None:
        """The body an unnamed group speaks for ("experts commissioned by the UN")."""
        for t in tok.subtree:
            if t.i == tok.i or t.dep_ != "pobj" or t.head.lower_ not in ("by", "at", "from", "of", "for"):
                continue
            if t.head.lower_ == "by" and t.head.head.lemma_.lower() not in SPONSOR_VERBS:
                continue  # "reports seen by Reuters" are not Reuters' reports
            b = self.index.actor_of_token(t)
            if b is not None and b.kind in ("organization", "state"):
                return b
        return None

    def _state_in(self, sent: Span, exclude: Token) -> Cluster | None:
        for i in self.index.token_actor.between(sent.start, sent.end):
            if exclude.left_edge.i <= i <= exclude.right_edge.i:
                continue
            a = self.index.token_actor[i]
            if a.kind == "state":
                return a
        return None

    def _recent_state(self) -> Cluster | None:
        """The speaker of the latest statement by a state, kept up to date rather than searched for.

        A speaker becomes a state only by promotion (ActorIndex.promote), so
        the latest such statement moves only when a state speaks or when a
        place that spoke is promoted.
        """
        for c in self.index.promoted[self._promotions_read :]:
            self._state_said = max(self._state_said, self._last_said.get(id(c), -1))
        self._promotions_read = len(self.index.promoted)
        return self.speaker_of[self.statements[self._state_said].id] if self._state_said >= 0 else None

    def _pronoun(self, tok: Token) -> Cluster | None:
        g = PRONOUNS[tok.lower_]
        if g in ("m", "f", "s"):
            return self._last_person(tok.i, g if g != "s" else None)
        if g == "p":
            return self._last_plural(tok.i)
        return self._last_plural(tok.i, neuter=True)

    def _compatible(self, c: Cluster, gender: str | None) -> bool:
        return gender is None or c.gender is None or c.gender == gender

    def _candidate(self, t: Token, gender: str | None) -> Cluster | None:
        if self.quotes.inside(t.idx) or (
            t.dep_ in ("compound", "amod", "npadvmod") and t.head.ent_type_ != "PERSON"
        ):
            return None
        a = self.index.actor_of_token(t)
        if a is not None and a.kind == "person" and self._compatible(a, gender):
            return a
        return None

    def _last_person(self, before: int, gender: str | None) -> Cluster | None:
        """Whom a pronoun or "the 66-year-old" means: earlier in the sentence, then recent subjects."""
        sent = self._sent(self.doc[before])
        for i in reversed(self.index.token_actor.between(sent.start, before)):  # tokens naming no one can't
            a = self._candidate(self.doc[i], gender)
            if a is not None:
                return self._bind(a, gender)
        recent = [a for i, a in self.subject_history[-12:] if i < sent.start and a.kind == "person"]
        for a in reversed(recent):
            if self._compatible(a, gender):
                return self._bind(a, gender)
        for i in reversed(self.index.token_actor.between(max(0, sent.start - 400), sent.start)):
            a = self._candidate(self.doc[i], gender)
            if a is not None:
                return self._bind(a, gender)
        return None

    def _bind(self, a: Cluster, gender: str | None) -> Cluster:
        if gender in ("m", "f") and a.gender is None:
            a.gender = gender
        return a

    def _last_plural(self, before: int, neuter: bool = False) -> Cluster | None:
        sent = self._sent(self.doc[before])
        kinds = ("state", "organization") if neuter else ("state", "organization", "group")
        window = sent.start
        for _ in range(2):  # "it" and "they" look back two sentences at most
            window = self._sent(self.doc[window - 1]).start if window > 0 else 0
        for k in range(bisect_left(self._history_at, sent.start) - 1, -1, -1):
            i, a = self.subject_history[k]
            if i < window:
                break
            if a.kind in kinds:
                return a
        return None

    # ---- reading --------------------------------------------------------------
    def read(self) -> list[Statement]:
        for sent in self.sents:
            if self.budget is not None:
                self.budget.check()
            self._sentence(sent)
        return self.statements

    def _record_subjects(self, sent: Span, resolved: dict[int, Cluster], cues: list[Cue]) -> None:
        """Remember who the sentence is about, for pronouns later on."""
        speakers = {
            c.tok.i: resolved[c.subject.i] for c in cues if c.subject is not None and c.subject.i in resolved
        }
        above: dict[int, Cluster | None] = {}
        for tok in sent:
            if tok.dep_ not in SUBJECT_DEPS or self.quotes.inside(tok.idx):
                continue
            a = resolved.get(tok.i)
            if a is None and tok.lower_ in PRONOUNS:
                # "officials said that they had…": reported speech is about its speaker
                speaker = _speaker_above(tok, speakers, above)
                g = PRONOUNS[tok.lower_]
                if speaker is not None and (speaker.kind == "person") == (g in ("m", "f")):
                    a = speaker
            if a is None and self.speakers.is_document(tok):
                continue  # "the figures were low" is not about whoever published figures last
            a = a or self.resolve(tok)
            if a is not None:
                self.subject_history.append((tok.i, a))
                self._history_at.append(tok.i)

    def _sentence(self, sent: Span) -> None:
        resolved: dict[int, Cluster] = {}
        self.speakers.note_authors(sent, self.resolve)
        found = self._find_cues(sent)
        made = self._according_to(sent, found) if found else 0
        if made:
            self._record_subjects(sent, resolved, found)
            return
        top = [c for c in found if c.outer is None and c.subject is not None]
        for cue in top:
            for other in top:
                if other is not cue and cue.tok.is_ancestor(other.tok):
                    cue.others |= {t.i for t in other.tok.subtree}
        for cue in top:
            subject = cue.subject
            assert subject is not None  # `top` holds only cues with a subject
            speaker = self.resolve(subject) or self.speakers.describe(subject, self.resolve)
            if speaker is not None and speaker.kind == "place" and subject.dep_ == "nsubj":
                self.index.promote(speaker)  # a place that speaks is its government ("Kordovia says…")
            if speaker is None or speaker.kind == "place":
                continue
            resolved[subject.i] = speaker
            self._emit(sent, cue, speaker)
            made += 1
        if not made:
            made += self._according_to(sent)
        if not made:
            made += self._colon(sent)
        if not made:
            made += self._noun_cue(sent)
        if not made:
            made += self._we_will(sent)
        if not made:
            self._continuation(sent)
        self._record_subjects(sent, resolved, found)

    def _according_to(self, sent: Span, found: list[Cue] | None = None) -> int:
        """ "According to X, …": X speaks. Given the sentence's cues, only an outer phrase counts.

        An "according to" on the main clause reports everything under it ("According to
        the group, police said the men were armed" is the group's account), so it wins
        over the cues it covers, which then only colour its kind.
        """
        low = sent.text.lower()
        for phrase in self.lex.according_to:
            k = low.find(phrase)
            if k < 0 or self.quotes.inside(sent.start_char + k):
                continue
            span = self.doc.char_span(
                sent.start_char + k, sent.start_char + k + len(phrase), alignment_mode="expand"
            )
            if span is None:
                continue
            last = span[-1]
            pobj = next((c for c in last.children if c.dep_ == "pobj"), None)
            if pobj is None:
                continue
            if found is not None and not _outer(span[0], found):
                continue
            speaker = self._source_of(pobj)
            if speaker is None:
                continue
            cue = Cue(tok=span[0], kind="assert", chain=[span[0]], subject=pobj, inner=list(found or []))
            self._emit(sent, cue, speaker, cue_text=phrase)
            return 1
        return 0

    def _source_of(self, tok: Token) -> Cluster | None:
        """Who "according to …" names: an actor, or the author of a statement, report or letter."""
        if tok.lemma_.lower() in self.lex.speech_nouns or tok.lower_ in self.lex.speech_nouns:
            return self.speakers.author(tok, self.resolve)  # its named author, else the last one
        if tok.pos_ in ("PROPN", "PRON") or self.index.actor_of_token(tok) is not None:
            return self.resolve(tok)
        words = (tok.lemma_.lower(), tok.lower_)
        if any(w in self.index.lex.institutions or w in self.index.lex.roles for w in words):
            return self.resolve(tok)
        return None

    def _noun_cue(self, sent: Span) -> int:
        """ "Despite the government's claims that…", "a ruling by the court that…": a noun's speech act."""
        for tok in sent:
            kind = self.lex.noun_cues.get(tok.lemma_.lower())
            if kind is None or tok.pos_ != "NOUN" or self.quotes.inside(tok.idx) or not _carries(tok):
                continue
            author = next(
                (
                    t
                    for ch in tok.children
                    if ch.dep_ == "poss" or (ch.dep_ == "prep" and ch.lower_ in ("by", "from", "of"))
                    for t in ([ch] if ch.dep_ == "poss" else [g for g in ch.children if g.dep_ == "pobj"])
                ),
                None,
            )
            author = author or _made_by(tok)
            speaker = self.resolve(author) if author is not None else None
            if speaker is None or speaker.kind not in ("person", "organization", "state"):
                continue
            self._emit(sent, Cue(tok=tok, kind=kind, chain=[tok], subject=author), speaker)
            return 1
        return 0

    def _we_will(self, sent: Span) -> int:
        """ "We will continue to advocate…" in an organisation's own release: its pledge, in its own voice."""
        for tok in sent:
            if tok.lower_ != "we" or tok.dep_ != "nsubj" or self.quotes.inside(tok.idx):
                continue
            verb = tok.head
            if not any(
                c.lower_ in ("will", "'ll", "shall") for c in verb.children if c.dep_ == "aux"
            ) or _negated(verb):
                continue
            speaker = self.publisher
            if speaker is None:
                return 0
            cue = Cue(tok=verb, kind="commit", chain=[verb], subject=tok)
            self._emit(sent, cue, speaker, cue_text=f"{tok.text} will")
            return 1
        return 0

    def _colon(self, sent: Span) -> int:
        """ "Amnesty's director, Jane Doe: “…”": a speaker, a colon, then a quotation."""
        colon = next((t for t in sent if t.text == ":" and not self.quotes.inside(t.idx)), None)
        if colon is None or colon.i - sent.start > 12 or colon.i - sent.start < 1:
            return 0
        after = self.text[colon.idx + 1 : sent.end_char]
        if not any(self.quotes.inside(colon.idx + 1 + k) for k in range(min(4, len(after)))):
            return 0
        left = self.doc[sent.start : colon.i]
        speaker = None
        for tok in sorted(left, key=lambda t: (t.dep_ != "ROOT", -t.i)):
            speaker = self.resolve(tok) if tok.pos_ in ("PROPN", "NOUN") else None
            if speaker is not None and speaker.kind in ("person", "organization", "state"):
                break
            speaker = None
        if speaker is None:
            return 0
        cue = Cue(tok=colon, kind="assert", chain=[colon], subject=left.root)
        self._emit(sent, cue, speaker, cue_text=":")
        return 1

    def _continuation(self, sent: Span) -> None:
        """A quotation that carries on an attributed one adds to its quote, not a new statement."""
        if not self.statements:
            return
        inside = sum(1 for t in sent if self.quotes.inside(t.idx) and not t.is_punct)
        words = sum(1 for t in sent if not t.is_punct)
        if not words or inside / words < 0.8:
            return
        prev = self.statements[-1]
        gap = self.text[prev.span[1] : sent.start_char]
        if gap.count("\n\n") > 1:
            return
        spans = self._quote_spans(sent.start_char, sent.end_char)
        if spans:  # the source's own words stay verbatim: another passage, never a joined string
            prev.quote_spans.extend(spans)
            prev.quote = prev.quote or self.text[spans[0][0] : spans[0][1]]

    # ---- one statement ----------------------------------------------------
    def _content(self, sent: Span, cue: Cue) -> list[Token]:
        if cue.tok.text == ":":
            return [t for t in sent if t.i > cue.tok.i]
        subj = cue.subject
        skip: set[int] = {t.i for t in cue.chain} | cue.others
        if subj is not None:
            skip |= {t.i for t in subj.subtree}
        return [t for t in sent if t.i not in skip]

    def _emit(self, sent: Span, cue: Cue, speaker: Cluster, cue_text: str | None = None) -> None:
        content = self._content(sent, cue)
        content_text = " ".join(t.text for t in content)
        kind, confidence = self._kind(cue, speaker, content, content_text)
        target = self._target(cue, speaker, content, kind)
        if kind == "accuse" and target is not None:
            self.accused.add(target.key)
        date = self._date(sent, cue)
        self._cue_dates = [(i, d) for i, d in self._cue_dates if i >= sent.start] + [(cue.tok.i, date)]
        sid = f"s{len(self.statements) + 1}"
        spans = self._quote_spans(sent.start_char, sent.end_char)
        quote = self.text[spans[0][0] : spans[0][1]] if spans else None
        st = Statement(
            id=sid,
            kind=kind,
            speaker=speaker.key,
            speaker_name=None,
            target=target.key if target else None,
            target_name=None,
            text=sent.text.strip(),
            span=(sent.start_char, sent.start_char + len(sent.text.strip())),
            quote=quote,
            cue=cue_text or cue.tok.text,
            date=date,
            confidence=round(confidence, 2),
            quote_spans=spans,
        )
        if kind in ("demand", "commit"):
            st.action, st.object, st.deadline = act_of(content, cue.tok, self.published)
        self.statements.append(st)
        self.speaker_of[sid] = speaker
        self._last_said[id(speaker)] = len(self.statements) - 1
        if speaker.kind == "state":
            self._state_said = len(self.statements) - 1
        self.taking_part.add(speaker.key)
        if target is not None:
            self.taking_part.add(target.key)

    def _quote_text(self, start: int, end: int) -> str | None:
        spans = self._quote_spans(start, end)
        return " … ".join(self.text[a:b] for a, b in spans) if spans else None

    def _quote_spans(self, start: int, end: int) -> list[tuple[int, int]]:
        """The quoted passages within [start, end), trimmed of spaces, as offsets into the text."""
        out: list[tuple[int, int]] = []
        for a, b in self.quotes.meeting(start, end):
            a, b = max(a, start), min(b, end)
            piece = self.text[a:b]
            a, b = a + len(piece) - len(piece.lstrip()), b - (len(piece) - len(piece.rstrip()))
            if a < b:
                out.append((a, b))
        return out

    def _has(self, kind: StatementKind, content: list[Token], view: View) -> bool:
        """Whether the content performs this act, not merely mentions its words (see vigil.extract.kinds)."""
        if kind == "accuse":
            return accuses(content, view)
        if kind == "deny":
            return denies(content, view)
        if kind == "commit":
            return own_future(content, view)
        return obligation(content, view) == kind

    def _kind(
        self, cue: Cue, speaker: Cluster, content: list[Token], text: str
    ) -> tuple[StatementKind, float]:
        if cue.tok.lemma_.lower() == "ask" and "?" in (
            self._quote_text(self._sent(cue.tok).start_char, self._sent(cue.tok).end_char) or text
        ):
            return "assert", 0.7  # a question, not a demand
        view = view_of(cue.tok, speaker, self.index.actor_of_token, self._pronoun, self.accused)
        obj = next((c for c in cue.tok.children if c.dep_ == "dobj"), None)
        if cue.kind == "commit" and obj is not None and obj.lemma_.lower() in self.lex.speech_objects:
            # "offered criticism": a comment, an accusation if it charges someone
            return ("accuse", 0.6) if self._has("accuse", content, view) else ("assert", 0.6)
        for c in [cue, *cue.inner]:  # "described X as a travesty", "dismissed the reports as lies"
            judged = evaluation(c.tok, view)
            if judged is not None and (c is cue or not negated(c.tok, cue.tok)):
                return judged, 0.8
        if cue.kind in SPECIFIC:
            return cue.kind, 0.9
        inner = [c.kind for c in cue.inner if c.kind in SPECIFIC and not negated(c.tok, cue.tok)]
        if inner:
            return inner[0], 0.8
        bound = obligation(content, view)
        if bound == "demand":
            return "demand", 0.7
        if self._has("deny", content, view):
            return "deny", 0.7
        if bound == "commit" or self._own_future(cue, speaker, content, text):
            return "commit", 0.7
        accused = speaker.key in self.accused and not self._names_others(content, speaker)
        if accused and not suffers(content, view):  # an accused party's account, unless of harm it suffered
            return "deny", 0.6
        if self._has("accuse", content, view):
            return "accuse", 0.7
        return "assert", 0.75

    def _own_future(self, cue: Cue, speaker: Cluster, content: list[Token], text: str) -> bool:
        """A promise is about the speaker's own action: "said it would bar…", "reached an agreement"."""
        view = view_of(cue.tok, speaker, self.index.actor_of_token, self._pronoun, self.accused)
        return self._has("commit", content, view)

    def _names_others(self, content: list[Token], speaker: Cluster | None = None) -> bool:
        """Whether the content names another person, organisation or state than the speaker."""
        for t in content:
            a = self.index.actor_of_token(t)
            if a is not None and a is not speaker and a.kind in ("person", "organization", "state"):
                return True
        return False

    def _target(
        self, cue: Cue, speaker: Cluster, content: list[Token], kind: StatementKind
    ) -> Cluster | None:
        verbs = [cue.tok, *[c.tok for c in cue.inner]]
        for v in verbs:
            for ch in v.children:
                cands = [ch] if ch.dep_ in ("dobj", "dative") else []
                if ch.dep_ == "prep" and ch.lower_ in ("on", "upon", "to", "with", "against"):
                    cands = [g for g in ch.children if g.dep_ == "pobj"]
                if ch.dep_ == "prt":
                    cands = [g for g in v.children if g.dep_ == "pobj"]
                for c in cands:
                    a = self.resolve(c)
                    if a is not None and a is not speaker and a.kind != "place":
                        return a
        if kind == "deny":
            return None
        for t in content:
            a = self.index.actor_of_token(t)
            if a is not None and a is not speaker and a.kind in ("person", "organization", "state"):
                return a
        if kind == "accuse":
            sent_start = self._sent(cue.tok).start
            for t in reversed(self.doc[max(0, sent_start - 120) : sent_start]):
                a = self.index.actor_of_token(t)
                if a is not None and a is not speaker and a.kind == "state":
                    return a
        return None

    def _tense(self, tok: Token) -> Tense:
        if any(c.lower_ in ("will", "shall", "'ll") for c in tok.children if c.dep_ == "aux"):
            return "future"
        if tok.tag_ in ("VBD", "VBN") or any(
            c.tag_ == "VBD" or c.lower_ in ("has", "have", "had") for c in tok.children if c.dep_ == "aux"
        ):
            return "past"
        return "present"

    def _date(self, sent: Span, cue: Cue) -> str | None:
        chain_ids = {t.i for t in cue.chain}
        for ent in self._ents(sent):
            if ent.label_ not in ("DATE", "TIME"):
                continue
            node = ent.root
            ok = False
            for _ in range(8):
                if node.i in chain_ids:
                    ok = True
                    break
                if node.dep_ in ("ccomp", "relcl", "xcomp") or node.head is node:
                    break
                node = node.head
            if not ok and not (0 < ent.start - cue.tok.i <= 3):
                continue
            tense = self._tense(cue.tok)
            value = resolve(ent.text, self.published, "past" if tense == "present" else tense)
            if value is not None:
                return value
        if cue.tok.dep_ == "conj":
            for st in reversed(self.statements):  # in reading order: this sentence's come last
                if st.span[0] == sent.start_char:
                    return st.date
                if st.span[0] < sent.start_char:
                    break
        for i, date in self._cue_dates:  # "X said Tuesday, as Y marked the day by vowing…": that Tuesday
            if date and self.doc[i].is_ancestor(cue.tok):
                return date
        return None


def _speaker_above(
    tok: Token, speakers: dict[int, Cluster], memo: dict[int, Cluster | None]
) -> Cluster | None:
    """The speaker of the nearest cue above a token, remembered for the heads on the way.

    Climbing to the root for every pronoun is quadratic in a long chain of
    clauses; each head's answer is the same for everything below it.
    """
    path: list[int] = []
    node = tok
    found: Cluster | None = None
    while node.i not in memo:
        head = node.head
        if head.i == node.i:
            break
        path.append(node.i)
        if head.i in speakers:
            found = speakers[head.i]
            break
        node = head
    else:
        found = memo[node.i]
    for i in path:
        memo[i] = found
    return found


def _outer(prep: Token, cues: list[Cue]) -> bool:
    """An "according to" attached to the verb every cue of the sentence sits under."""
    head = prep.head
    return head.dep_ == "ROOT" and all(c.tok.i == head.i or head.is_ancestor(c.tok) for c in cues)


def _carries(noun: Token) -> bool:
    """A speech noun with its content: a that-clause, a to-infinitive or "for …" ("calls for a vote")."""
    for ch in noun.children:
        if ch.dep_ in ("acl", "ccomp", "relcl") and any(
            g.lower_ == "that" and g.dep_ == "mark" for g in ch.children
        ):
            return True
        if ch.dep_ == "acl" and any(g.lower_ == "to" and g.dep_ == "aux" for g in ch.children):
            return True
        if ch.dep_ == "prep" and ch.lower_ == "for" and noun.lemma_.lower() in ("call", "appeal", "demand"):
            return True
    return _made_by(noun) is not None


def _made_by(noun: Token) -> Token | None:
    """ "the request made on Tuesday by the commission": the agent of a participle on the noun."""
    for ch in noun.children:
        if ch.dep_ == "acl" and ch.tag_ == "VBN":
            for g in ch.children:
                if g.dep_ == "agent":
                    return next((p for p in g.children if p.dep_ == "pobj"), None)
    return None


def _second_act(c: Cue, outer: Cue, path: list[str], own_subject: bool) -> bool:
    """ "X said…, asking for…": a participle with a specific act of its own is a second statement.

    Spec §2: two speech acts in one sentence are two statements; folded into
    the first, the demand would only colour the "said" and be lost as its own.
    """
    shape = (path[0] == "advcl" and c.tok.tag_ == "VBG") or (path[0] == "conj" and c.tok.tag_ == "VBD")
    return (
        shape
        and (len(path) == 1 or path[1:] in (["ccomp"], ["conj", "ccomp"]))
        and not own_subject
        and c.kind in SPECIFIC
        and c.kind != outer.kind
        and outer.subject is not None
    )


def _negated(tok: Token) -> bool:
    return any(c.dep_ == "neg" for c in tok.children) or any(c.dep_ == "neg" for c in tok.head.children)


def _np(tok: Token) -> str:
    """The words of a noun phrase up to its head ("Chinese foreign ministry spokesman"), article dropped."""
    text = " ".join(t.text for t in tok.subtree if t.i <= tok.i)
    return re.sub(r"^(?:the|a|an)\s+", "", text.replace(" ’s", "’s").replace(" 's", "'s"), flags=re.I)
