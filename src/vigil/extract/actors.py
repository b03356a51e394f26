"""Who takes part in a story: spaCy's entities, corrected and folded into actors.

The small English model tags "Bachelet" as an organisation and "Lyudmila" as
a place, splits "Anna van der Berg" and never sees "the Belarus police".
These rules repair that: a surname refers back to the full name, apposition
gives titles, acronyms and articles fold, capitals acting stand for their
state, "China's government" is China, and institutions named by a noun
phrase ("US customs", "the interior ministry") become actors of their own.
"""

from __future__ import annotations

import calendar
import heapq
import re
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from itertools import combinations
from typing import TYPE_CHECKING, Any

from spacy.tokens import Doc, Span, Token

from vigil.extract.buckets import Buckets
from vigil.extract.resources import load_yaml
from vigil.model import Actor, ActorKind

if TYPE_CHECKING:
    from vigil.extract.budget import Budget

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
PRONOUNS = {
    "he": "m",
    "him": "m",
    "his": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "they": "p",
    "them": "p",
    "their": "p",
    "it": "n",
    "its": "n",
    "we": "p",
    "i": "s",
}
NOT_NAMES = frozenset(
    [m.lower() for m in calendar.month_name if m]
    + [d.lower() for d in calendar.day_name]
    + ["today", "yesterday", "tomorrow", "god"]
)
INSTITUTION_ADJ = frozenset(
    {
        "foreign",
        "interior",
        "riot",
        "security",
        "armed",
        "military",
        "national",
        "regional",
        "local",
        "federal",
        "central",
        "provincial",
        "municipal",
        "public",
        "judicial",
        "electoral",
        "presidential",
        "royal",
        "naval",
        "secret",
        "special",
        "border",
    }
)
AGE_NOUN = re.compile(r"^\d+-year-old$|^(?:the )?\d+-year-old$", re.I)
TITLE_ROLES = ("minister", "president", "chancellor", "secretary")
TITLE_LEAD = ("the", "a", "an", "on", "in", "at", "by")
MAX_TITLE = 120  # characters; longer "titles" are sentences the parse ran together
MAX_TITLE_WORDS = 100  # words of at least one letter each, joined by spaces: far over MAX_TITLE
MAX_SUBSET_WORDS = 12  # a name longer than this is matched by a scan, not by its subsets
MAX_SPELLINGS = 8  # people of one name shape compared for another spelling; a story has few
CONNECTORS = ("of", "for", "and", "on", "the")
DASHES = ("-", "—", "–")
LAW_LINKS = frozenset({"on", "of", "for", "against", "relating"})
CREDIT_WORDS = frozenset(
    {"reporting", "writing", "editing", "edited", "written", "compiled", "photo", "photos", "photograph"}
)
TITLE_HEADS = frozenset({"secretary", "minister", "ministry", "department", "attorney", "chief", "head"})
TITLE_TAILS = frozenset({"state", "justice", "defence", "defense", "interior", "health", "finance", "staff"})
LOCATIVES = frozenset(
    {"in", "near", "outside", "across", "around", "inside", "throughout", "towards", "toward", "into"}
)
FOREIGN_ARTICLES = frozenset({"el", "la", "le", "les", "los", "las", "il", "lo", "der", "die", "das"})
NAME_PREPOSITIONS = frozenset({"of", "for", "on", "de", "del", "du", "des", "della", "di"})
MILITARY = frozenset({"army", "military", "forces", "armed forces", "troops", "soldiers", "defence forces"})
MILITARY_HEADS = ("forces", "force", "army", "military")
DATELINE_WORD = re.compile(r"^[A-Z]{3,}$")
DATELINE_ALIAS = re.compile(r"^[A-Z]{2,}(?: [A-Z]{2,})* ?[-—–] ")
IDEOLOGY = re.compile(r"^[a-z]{3,}ism$")
CREDIT_LEAD = re.compile(
    r"^(?:additional\s+)?(?:reporting|writing|editing|edited|written|compiled|produced|photos?|photograph(?:y|s)?"
    r"|illustrations?|graphics|translat(?:ed|ion)|by)\s+(?:by\s+)?[A-Z]",
    re.I,
)
CREDIT_TAIL = re.compile(
    r"\bcontributed\b[^.]{0,40}\b(?:report|reporting|story|article|piece|research)\b", re.I
)  # a name longer than this is matched by a scan, not by its subsets


@dataclass(frozen=True)
class Lexicon:
    capitals: dict[str, str]
    demonyms: dict[str, str]
    countries: frozenset[str]
    country_aliases: dict[str, str]
    state_names: dict[str, str]
    institutions: frozenset[str]
    state_heads: frozenset[str]
    roles: frozenset[str]
    proxies: frozenset[str]
    anonymous: frozenset[str]
    honorifics: frozenset[str]
    female: frozenset[str]
    male: frozenset[str]
    org_words: frozenset[str]
    particles: frozenset[str]
    female_names: frozenset[str]
    male_names: frozenset[str]
    law_words: frozenset[str] = frozenset()
    product_nouns: frozenset[str] = frozenset()
    place_words: frozenset[str] = frozenset()
    religions: frozenset[str] = frozenset()
    field_heads: frozenset[str] = frozenset()
    ranks: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()


@cache
def lexicon() -> Lexicon:
    d: dict[str, Any] = load_yaml("actors.yaml")

    def fs(key: str) -> frozenset[str]:
        return frozenset(str(x).lower() for x in d[key])

    return Lexicon(
        capitals=dict(d["capitals"]),
        demonyms=dict(d["demonyms"]),
        countries=frozenset(d["countries"]),
        country_aliases=dict(d["country_aliases"]),
        state_names=dict(d["state_names"]),
        institutions=fs("institutions"),
        state_heads=fs("state_heads"),
        roles=fs("roles"),
        proxies=fs("proxies"),
        anonymous=fs("anonymous"),
        honorifics=fs("honorifics"),
        female=fs("female"),
        male=fs("male"),
        org_words=fs("org_words"),
        particles=fs("particles"),
        female_names=fs("female_names"),
        male_names=fs("male_names"),
        law_words=fs("law_words"),
        product_nouns=fs("product_nouns"),
        place_words=fs("place_words"),
        religions=fs("religions"),
        field_heads=fs("field_heads"),
        ranks=fs("ranks"),
        regions=fs("regions"),
    )


def fold(name: str) -> str:
    """A matching key: lower case, no articles, U.N. = UN, no possessive, single spaces."""
    n = name.lower().replace("u.n.", "un").replace("u.s.", "us").replace("u.k.", "uk").replace("’", "'")
    n = re.sub(r"'s\b", "", n)
    n = re.sub(r"[^\w ]+", " ", n)
    n = re.sub(r"\s+", " ", n).strip()
    n = re.sub(r"^(?:the|a|an) ", "", n)
    return n.replace("united nations", "un").replace("european union", "eu")


def initials(name: str) -> str:
    words = [
        w for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in {"of", "the", "for", "and", "on", "in"}
    ]
    return "".join(w[0] for w in words).lower()


@dataclass
class Cluster:
    """One real-world actor as the document names it."""

    key: str
    name: str
    kind: ActorKind
    surfaces: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    gender: str | None = None
    head: str | None = None  # the institution noun for NP-born actors ("police")
    state: str | None = None  # the state an institution belongs to
    first: int = 10**9
    id: str = ""
    seq: int = 0  # creation order within its document
    starts: list[int] = field(default_factory=list, repr=False)  # mention starts, sorted
    _seen: set[tuple[int, int]] = field(default_factory=set, repr=False)
    _said: set[str] = field(default_factory=set, repr=False)
    _tokens: tuple[str, list[str]] | None = field(default=None, repr=False)

    def add(self, surface: str, start: int, end: int) -> None:
        s = " ".join(surface.split())
        # sets beside the lists: an actor named ten thousand times must not cost a scan a mention
        if s and s not in self._said:
            self._said.add(s)
            self.surfaces.append(s)
        if (start, end) not in self._seen:
            self._seen.add((start, end))
            self.mentions.append((start, end))
            insort(self.starts, start)
        self.first = min(self.first, start)

    def name_tokens(self) -> list[str]:
        """The name's words, worked out again only when the name changes."""
        if self._tokens is None or self._tokens[0] != self.name:
            self._tokens = (self.name, name_words(self.name))
        return self._tokens[1]

    def last_before(self, char: int) -> int:
        """The start of the last mention before `char` (there must be one)."""
        return self.starts[bisect_left(self.starts, char) - 1]


class TokenActors(dict[int, Cluster]):
    """token offset → actor, keeping the offsets in order too.

    "The last person named before this pronoun" then visits the tokens that
    name someone, not every token of a long sentence.
    """

    def __init__(self) -> None:
        super().__init__()
        self.offsets: list[int] = []

    def __setitem__(self, i: int, c: Cluster) -> None:
        if i not in self:
            insort(self.offsets, i)
        super().__setitem__(i, c)

    def setdefault(self, i: int, c: Cluster) -> Cluster:
        if i not in self:
            self[i] = c
        return self[i]

    def between(self, start: int, end: int) -> list[int]:
        """The offsets with an actor in [start, end), in order."""
        return self.offsets[bisect_left(self.offsets, start) : bisect_left(self.offsets, end)]


class ActorIndex:
    """Actors of one document, built from a parsed Doc in reading order."""

    def __init__(self, doc: Doc, budget: Budget | None = None) -> None:
        self.doc = doc
        self.lex = lexicon()
        self.budget = budget
        self.clusters: list[Cluster] = []
        self.by_key: dict[str, Cluster] = {}
        self.token_actor = TokenActors()
        self.people: list[Cluster] = []
        self.promoted: list[Cluster] = []  # places turned states, in the order it happened
        self._lookups = _Lookups()
        self._adjectives: dict[str, str] = {}
        self._title_from: list[int] | None = None
        self._title_roles: list[int] = []
        self._headings: tuple[list[int], list[bool]] | None = None
        self._credits: dict[int, bool] = {}  # sentence start → whether it is a staff credit
        self._sent_starts: list[int] | None = None
        self._tails: list[tuple[int, int, int]] = []  # a product's tokens and its owner's token
        self._acronyms: dict[str, Cluster | None] = {}
        self._norp: frozenset[str] | None = None
        self._militaries: dict[str, tuple[int, Cluster | None]] = {}
        self._states_by_adjective: dict[str, str] = {}
        self.ents = self._entities()
        self._check()
        self._collect_people()
        self._check()
        self._collect()
        self._check()
        self._collect_institutions()
        self._check()

    def _check(self) -> None:
        if self.budget is not None:
            self.budget.check()

    # ---- entities -------------------------------------------------------
    def _entities(self) -> list[Span]:
        """Entity spans with the tagger's worst habits repaired."""
        out: list[Span] = []
        ents = [e for e in self.doc.ents if e.label_ in ENTITY_LABELS]
        taken = 0  # tokens before this were taken in by a repaired entity
        for e in ents:
            for start, end in self._lines_of(e):
                if start < taken:
                    continue
                span, reach = self._repaired(start, end, e.label_)
                taken = max(taken, reach)
                if span is not None:
                    out.append(span)
        return out + self._titled_names({t.i for e in out for t in e})

    def _lines_of(self, e: Span) -> list[tuple[int, int]]:
        """An entity run across a line break ("Heading\\n\\nKordo's…") is one per line."""
        pieces, start = [], e.start
        for t in e:
            if "\n" in t.text:
                pieces.append((start, t.i))
                start = t.i + 1
        pieces.append((start, e.end))
        return [(a, b) for a, b in pieces if b > a and not self.doc[a:b].text.isspace()]

    def _repaired(self, start: int, end: int, label: str) -> tuple[Span | None, int]:
        """The name an entity stands for, or None; and the end of what it took in."""
        doc = self.doc
        tagged_end = end
        end = self._past_particles(end)
        if end > tagged_end:
            label = "PERSON"
        end = self._name_tail(start, end)
        if end > tagged_end and doc[tagged_end - 1].lower_ in self.lex.particles:
            label = "PERSON"  # "Anna van der" + "Berg"
        end = self._joined_org(start, end, label)
        reach = end
        if doc[start].lower_ in ("the", "a", "an"):
            start += 1
        start = self._past_prefix(start, end)
        if label == "ORG":
            end = self._owner_only(start, end)
        if self._owned(start, end):
            return None, reach
        while end > start and doc[end - 1].text in ("'s", "’s", "'", "’"):
            end -= 1
        # "UN Spokesperson Stéphane Dujarric": the title is not part of the name
        roles = [k for k in range(start, end - 1) if doc[k].lower_ in self.lex.roles]
        if roles and label in ("ORG", "PERSON") and all(doc[k].is_title for k in range(roles[-1] + 1, end)):
            start, label = roles[-1] + 1, "PERSON"
        if end <= start or self._dateline(Span(doc, start, end)):
            return None, reach
        if self._not_a_name(Span(doc, start, end), label):
            return None, reach
        if end + 1 < len(doc) and doc[end].text == "-" and doc[end + 1].is_lower:
            return None, reach  # "a Harry Potter-themed protest": a name used as a modifier
        if start > 0 and doc[start - 1].lower_.rstrip(".") in ("mr", "ms", "mrs", "dr", "miss"):
            label = "PERSON"  # "Mr Anon" is a person whatever the tagger thought
        return Span(doc, start, end, label=label), reach

    def _past_particles(self, end: int) -> int:
        """ "Anna" + "van der" + "Berg": a name broken at its particles runs on to the capitalised word."""
        doc = self.doc
        while end < len(doc) - 1 and doc[end].lower_ in self.lex.particles:
            j = end
            while j < len(doc) and doc[j].lower_ in self.lex.particles:
                j += 1
            if j < len(doc) and doc[j].is_title:
                end = j + 1
            else:
                break
        return end

    def _dateline(self, span: Span) -> bool:
        """ "KHAN YOUNIS, GAZA —": a place-name stamp at the head of a paragraph, not an actor."""
        if not span.text.isupper() or len(span.text) <= 3:
            return False
        first = span[0]
        return (
            first.i == 0
            or self.doc[first.i - 1].is_space
            or (
                span.end < len(self.doc)
                and self.doc[span.end].text in (",", "—", "-", "–")
                and " " in span.text
            )
        )

    def _name_tail(self, start: int, end: int) -> int:
        """ "Anna van der" + "Berg": an entity ending on a particle lacks the surname after it."""
        if (
            end - start > 1
            and end < len(self.doc)
            and self.doc[end - 1].lower_ in self.lex.particles
            and self.doc[end].is_title
            and self.doc[end].lower_ not in self.lex.particles
        ):
            return end + 1
        return end

    def _joined_org(self, start: int, end: int, label: str) -> int:
        """ "United Nations Office" + "for the" + "Coordination of Humanitarian Affairs": one body.

        The tagger breaks long names at "of" and "for"; a body's name (one
        ending on an office, a league, a council) that runs on into a
        capitalised phrase is one name. A trailing "of" left dangling is dropped.
        """
        if label != "ORG":
            return end
        doc = self.doc
        if doc[end - 1].lower_ in CONNECTORS:
            run = self._title_run(end)
            return run if run > end else end - 1
        if (
            end + 1 >= len(doc)
            or doc[end].lower_ not in ("of", "for")
            or doc[end - 1].lower_ not in self.lex.org_words
        ):
            return end
        j = end + 1 + (doc[end + 1].lower_ == "the")
        run = self._title_run(j)
        return run if run > j else end

    def _title_run(self, j: int) -> int:
        """Where the capitalised phrase from `j` ("Coordination of Rights Affairs") ends; `j` if none."""
        doc, end = self.doc, j
        while end < len(doc):
            tok = doc[end]
            word = tok.is_title and not tok.is_sent_start and tok.ent_type_ in ("", "ORG", "GPE")
            joint = tok.lower_ in CONNECTORS and end > j and end + 1 < len(doc) and doc[end + 1].is_title
            if not (word or joint):
                break
            end += 1
        return end

    def _past_prefix(self, start: int, end: int) -> int:
        """ "pro-Kordo Zed": a "pro-"/"anti-" word is an adjective, not part of the name after it."""
        doc = self.doc
        if DATELINE_WORD.match(doc[start].text) and start + 2 < end and doc[start + 1].text in DASHES:
            return start + 2  # "MANILA- Police": the dateline ran into the name
        if re.match(r"^[A-Z]{3,}[-—–]$", doc[start].text) and start + 1 < end:
            return start + 1
        if doc[start].lower_ in ("pro", "anti") and start + 3 < end and doc[start + 1].text == "-":
            return start + 3
        if re.match(r"(?:pro|anti)-", doc[start].lower_) and start + 1 < end:
            return start + 1
        return start

    def _owner_only(self, start: int, end: int) -> int:
        """ "Lantern's Messenger", "Kordo's Youth Safety": the owner is the actor, not its product.

        The product's words still stand for the owner (see _owned): "Kordo's
        Community Guidelines say…" is Kordo speaking.
        """
        for k in range(start + 1, end - 1):
            if self.doc[k].text in ("'s", "’s"):
                rest = self.doc[k + 1 : end]
                if not any(t.lower_ in self.lex.org_words for t in rest):
                    self._tails.append((k + 1, end, start))
                    return k
                return end
        return end

    def _owned(self, start: int, end: int) -> bool:
        """A product after its owner's possessive ("Kordo's Community Guidelines"): no actor of its own."""
        doc = self.doc
        if start < 2 or doc[start - 1].text not in ("'s", "’s") or not doc[start - 2].is_title:
            return False
        words = [t.lower_ for t in doc[start:end] if t.is_alpha]
        if not words or (
            words[-1] not in self.lex.product_nouns
            and (end >= len(doc) or doc[end].lower_ not in self.lex.product_nouns)
        ):
            return False
        self._tails.append((start, end, start - 2))
        return True

    def _not_a_name(self, span: Span, label: str) -> bool:
        """Capitalised words that name no actor: laws, products, ranks, fields, faiths, headings, credits."""
        words = [t.lower_ for t in span if t.is_alpha]
        if not words:
            return False
        return (
            self._hashtag(span)
            or all(w in self.lex.ranks or w in self.lex.roles or w in self.lex.honorifics for w in words)
            or self._law(span, words)
            or (len(words) == 1 and (words[0] in self.lex.religions or IDEOLOGY.match(words[0]) is not None))
            or self._feature(words, label)
            or self._product_modifier(span)
            or self._field(span)
            or self._common_noun(span)
            or self._credit(span)
            or self._heading(span)
        )

    def _feature(self, words: list[str], label: str) -> bool:
        """ "Community Guidelines", "Social Media Platforms": a capitalised plural of a product's parts."""
        return (
            label != "PERSON"
            and len(words) > 1
            and words[-1] in self.lex.product_nouns
            and words[-1].endswith("s")
            and not any(w in self.lex.org_words for w in words)
        )

    def _hashtag(self, span: Span) -> bool:
        return span.text.startswith("#") or (span.start > 0 and self.doc[span.start - 1].text == "#")

    def _law(self, span: Span, words: list[str]) -> bool:
        """ "Forced Labor Prevention Act", "Convention on the Rights of the Child": documents, not bodies."""
        if words[-1] in self.lex.law_words and len(words) > 1:
            return True
        after = [t.lower_ for t in self.doc[span.start + 1 : span.start + 2]]
        return words[0] in self.lex.law_words and bool(after) and after[0] in LAW_LINKS

    def _product_modifier(self, span: Span) -> bool:
        """ "the Kordo channel", "Zed accounts": a platform named as the modifier of what it hosts."""
        root = span.root
        return (
            root.dep_ in ("compound", "amod", "nmod")
            and root.head.i >= span.end
            and root.head.lower_ in self.lex.product_nouns
        )

    def _field(self, span: Span) -> bool:
        """ "professor of Communication", "author of The Long Road", "Secretary of State": no body here.

        After a field's head any capitalised phrase is a subject or a work;
        after a role, one word that means only "state" or "justice" finishes
        the title.
        """
        i = span.start - 1
        if i >= 0 and self.doc[i].lower_ == "the":
            i -= 1
        if i < 1 or self.doc[i].lower_ != "of":
            return False
        before = self.doc[i - 1].lower_
        if before in self.lex.field_heads:
            return True
        return before in self.lex.roles | TITLE_HEADS and len(span) == 1 and span[0].lower_ in TITLE_TAILS

    def _common_noun(self, span: Span) -> bool:
        """ "an NGO made up of…": a one-word entity under "a"/"an" is a common noun."""
        return (
            len(span) == 1
            and span.start > 0
            and self.doc[span.start - 1].lower_ in ("a", "an")
            and span.root.dep_ not in ("compound", "amod", "nmod", "poss")
        )

    def _credit(self, span: Span) -> bool:
        """ "Writing by X; Editing by Y", "X contributed to this report", "X and Y, Agency": staff credits."""
        doc, i = self.doc, span.start
        if i >= 2 and doc[i - 1].lower_ == "by" and doc[i - 2].lower_ in CREDIT_WORDS:
            return True
        sent = self._sentence_of(span.start)
        if sent.start not in self._credits:
            text = sent.text.strip(" *_\n")
            credit = CREDIT_LEAD.match(text) is not None or CREDIT_TAIL.search(text) is not None
            self._credits[sent.start] = credit or self._name_list(sent)
        return self._credits[sent.start]

    def _sentence_of(self, i: int) -> Span:
        """The sentence holding token `i`, found from starts read once (Span.sent walks the sentence)."""
        if self._sent_starts is None:
            self._sent_starts = [sent.start for sent in self.doc.sents]
            self._sent_starts.append(len(self.doc))
        k = bisect_right(self._sent_starts, i) - 1
        return self.doc[self._sent_starts[k] : self._sent_starts[k + 1]]

    def _name_list(self, sent: Span) -> bool:
        """A verbless line of nothing but names, commas and "and": a byline or a photo credit."""
        toks = [t for t in sent if not t.is_space and not t.is_punct]
        if len(toks) < 2 or not any(t.text == "," for t in sent):
            return False
        if any(t.pos_ in ("VERB", "AUX") for t in toks):
            return False
        return all(t.ent_type_ in ("PERSON", "ORG") or t.lower_ in ("and", "by", "&") for t in toks)

    def _heading(self, span: Span) -> bool:
        """A subheading ("Platforms 'Falling Short'"): its capitalised words are headline style, not names."""
        starts, heads = self._heading_lines()
        return heads[bisect_right(starts, span.start_char) - 1]

    def _heading_lines(self) -> tuple[list[int], list[bool]]:
        """Where each line starts, and whether it is a heading: short, unpunctuated, its words capitalised."""
        if self._headings is None:
            starts, heads, pos = [], [], 0
            for line in self.doc.text.split("\n"):
                starts.append(pos)
                heads.append(_heading_line(line))
                pos += len(line) + 1
            self._headings = (starts, heads)
        return self._headings

    def _titled_names(self, taken: set[int]) -> list[Span]:
        """ "Ms Tikhanovskaya": a capitalised name after Mr/Ms/Dr is a person the tagger missed."""
        found: list[Span] = []
        for tok in self.doc[:-1]:
            if tok.lower_.rstrip(".") not in ("mr", "ms", "mrs", "dr", "miss") or tok.i + 1 in taken:
                continue
            end = tok.i + 1
            while end < len(self.doc) and self.doc[end].pos_ == "PROPN" and self.doc[end].is_title:
                end += 1
            if end > tok.i + 1:
                found.append(Span(self.doc, tok.i + 1, end, label="PERSON"))
        return found

    def _collect_people(self) -> None:
        """Full personal names first, so that a bare surname can refer back to them."""
        for e in self.ents:
            if e.label_ != "PERSON" and not self._org_is_person(e):
                continue
            toks = [t for t in e if t.lower_ not in self.lex.honorifics]
            if len(toks) < 2 or any(t.lower_ in self.lex.org_words for t in toks):
                continue
            name = self.doc[toks[0].i : toks[-1].i + 1].text
            if self._person_for(name) is None:
                c = self._new(fold(name), name, "person")
                self._add_person(c)

    def _add_person(self, c: Cluster) -> None:
        self._lookups.add_person(c, len(self.people))
        self.people.append(c)

    def _org_is_person(self, e: Span) -> bool:
        """ "Anais Marin" tagged ORG beside "special rapporteur" is a person."""
        if e.label_ not in ("ORG", "GPE") or len(e) < 2 or len(e) > 3:
            return False
        if any(t.lower_ in self.lex.org_words or not t.is_title for t in e):
            return False
        if e.start > 0 and self.doc[e.start - 1].lemma_.lower() in self.lex.roles:
            return True  # "spokeswoman Hua Chunying"
        root = e.root
        near = [a for _, a in zip(range(3), root.ancestors, strict=False)]
        return (root.dep_ == "appos" and any(a.lemma_.lower() in self.lex.roles for a in near)) or any(
            c.dep_ == "appos" and c.lemma_.lower() in self.lex.roles for c in root.children
        )

    def _person_for(self, name: str) -> Cluster | None:
        """The person a (partial) name refers to: "Bachelet", "Mr Lukashenko", "Wang".

        The first person, in the order they were met, with exactly these
        words, else the first with more words that include all of these
        (a surname, a first name, "Mr" and a surname).
        """
        toks = name_words(name)
        if not toks:
            return None
        same = self._lookups.people_named.first(tuple(toks))
        if same is not None:
            return same
        need = set(toks)
        rows = [self._lookups.people_with.items(t) for t in need]
        for _, c in min(rows, key=len):
            ct = c.name_tokens()
            if len(toks) < len(ct) and need <= set(ct):
                return c
        return self._spelled_like(toks)

    def _spelled_like(self, toks: list[str]) -> Cluster | None:
        """ "Mini Minawi" for "Minni Minawi": the same person, spelled two ways in one story.

        Each word starts alike and is spelled nearly alike; people who share
        a surname differ in the first name and stay apart.
        """
        for _, c in self._lookups.people_by_shape.items(_shape(toks))[:MAX_SPELLINGS]:
            ct = c.name_tokens()
            if ct != toks and len(ct) == len(toks) and _alike(toks, ct):
                return c
        return None

    def _new(self, key: str, name: str, kind: ActorKind) -> Cluster:
        c = self.by_key.get(key)
        if c is None:
            c = Cluster(key=key, name=name, kind=kind, seq=len(self.clusters))
            self.by_key[key] = c
            self.clusters.append(c)
            self._lookups.add_cluster(c)
        return c

    def rename(self, c: Cluster, name: str) -> None:
        """Change an actor's name, and every lookup that reads it."""
        self._lookups.drop_name(c)
        c.name = name
        self._lookups.add_name(c)

    def promote(self, c: Cluster) -> None:
        """A place acting as a state ("Kordovia says…") becomes that state."""
        if c.kind != "state":
            c.kind = "state"
            self._lookups.add_state(c)
            self.promoted.append(c)

    def _state(self, country: str) -> Cluster:
        country = self.lex.country_aliases.get(country, country)
        return self._new("state:" + country.lower(), country, "state")

    def country_of(self, text: str) -> str | None:
        t = text.strip()
        if t.lower().startswith("the "):
            t = t[4:]
        t = re.sub(r"['’]s$", "", t)
        if t in self.lex.country_aliases:
            return self.lex.country_aliases[t]
        if t in self.lex.countries:
            return t
        if t in self.lex.demonyms:
            return self.lex.demonyms[t]
        return None

    def _collect(self) -> None:
        for e in self.ents:
            self._check()
            c = self._classify(e)
            if c is None:
                continue
            c.add(e.text, e.start_char, e.end_char)
            for t in e:
                self.token_actor[t.i] = c
            self._titles(e, c)
        for first, last, owner in self._tails:
            by = self.token_actor.get(owner)
            if by is not None:
                for k in range(first, last):
                    self.token_actor.setdefault(k, by)
        for c in self.clusters:
            if c.kind == "person":
                c.gender = c.gender or self._gender_from_surfaces(c) or self._gender_from_name(c)

    def _classify(self, e: Span) -> Cluster | None:
        text = e.text
        label = e.label_
        if self._place_named(e):
            known = self.by_key.get(fold(text)) or self.by_key.get("state:" + text.lower())
            return known or self._new("place:" + fold(text), text, "place")
        if label in ("ORG", "PERSON") and self._people_word(e) and self._person_for(text) is None:
            if text.endswith("s") and e.root.dep_ in SUBJECT_DEPS | {"dobj", "pobj", "conj"}:
                return self._new("group:" + fold(text).rstrip("s"), text, "group")
            return None
        if (
            label == "PERSON"
            and len(e) == 1
            and e.root.dep_ == "appos"
            and (e.root.head.lower_ in self.lex.institutions)
        ):
            return None  # a name for the institution beside it, taken up with the institution
        if len(e) == 1 and e.root.tag_ == "NNPS" and label in ("ORG", "PERSON", "NORP", "GPE"):
            return self._new("group:" + fold(text).rstrip("s"), text, "group")  # "Uighurs", "Kurds"
        if (
            len(e) == 1
            and label == "PERSON"
            and e.root.dep_ in ("compound", "amod")
            and (e.root.head.pos_ == "NOUN")
            and self._person_for(text) is None
        ):
            return None  # "Uighur population": a people's name as a modifier, not a person
        if (
            label == "PERSON"
            and any(tok.text in self.lex.demonyms for tok in e)
            and self._person_for(text) is None
        ):
            return None  # "Mandarin Chinese", "Han Chinese": a language or a people, not a person
        if label == "PERSON" or self._org_is_person(e):
            p = self._person_or_body(text)
            if p is not None:
                return p
            if label != "PERSON":
                return None
            if any(t.lower_ in self.lex.org_words for t in e):
                return self._org(e)
            country = self.country_of(text)
            if country or text in self.lex.capitals:  # "Kyiv" tagged PERSON
                return self._state(country or self.lex.capitals[text])
            bare = [
                t
                for t in e
                if t.lower_.rstrip(".") not in self.lex.honorifics and t.lower_ not in self.lex.honorifics
            ]
            if bare and bare[0].i > e.start:
                text = self.doc[bare[0].i : e.end].text
            return self._org_variant(text) or self._new(fold(text), text, "person")
        if (
            label in ("ORG", "GPE")
            and all(t.is_title or t.is_punct for t in e)
            and not any(t.lower_ in self.lex.org_words for t in e)
        ):
            p = self._person_or_body(text)
            if p is not None and not self.country_of(text):
                return p
        if label in ("GPE", "LOC", "FAC"):
            country = self.country_of(text)
            if country:
                return self._state(country)
            if text in self.lex.capitals and e.root.dep_ in SUBJECT_DEPS:
                c = self._state(self.lex.capitals[text])
                return c
            if label == "GPE" and len(e) == 1 and self._person_for(text):
                return self._person_for(text)
            same = self.by_key.get(fold(text)) or self.by_key.get("state:" + text.lower())
            if same is not None:
                return same
            return self._org_variant(text) or self._new("place:" + fold(text), text, "place")
        if label == "NORP":
            if text.isupper() and len(text) >= 3 and not self.country_of(text):
                return self._org_text(text)  # "the ILRC", tagged a nationality: a body's acronym or nothing
            country = self.country_of(text)
            head = e.root.head
            if country and e.root.dep_ in ("amod", "compound") and head.lower_ in self.lex.state_heads:
                return self._state(country)
            if text.endswith("s") and e.root.dep_ in SUBJECT_DEPS | {"dobj", "pobj", "conj"}:
                return self._new("group:" + fold(text).rstrip("s"), text, "group")
            return None
        if label == "ORG":
            if text.islower():
                return None  # the tagger's lower-case "organisations" ("solidarity") are words, not names
            country = self.country_of(text)
            if country:
                return self._state(country)
            if text in self.lex.capitals and e.root.dep_ in SUBJECT_DEPS:
                return self._state(self.lex.capitals[text])
            # a title's modifier ("U.N. High Commissioner", "EU Council President") is no mention
            if (
                e.root.dep_ == "compound"
                and e.root.head.lower_ in self.lex.roles
                and e.root.head.ent_type_ != "ORG"
            ):
                return None
            return self._org(e)
        return None

    def _place_named(self, e: Span) -> bool:
        """A place the tagger took for someone: "Kordo Airport", "in Bucharin", a capital not acting.

        A name heading a place word is a place; so is a name after "in" or
        "near" that is no body (no org word, no acronym) and no one already
        met; a capital is its state only when it acts (see _classify).
        """
        if e.label_ not in ("PERSON", "ORG", "FAC"):
            return False
        words = [t.lower_ for t in e if t.is_alpha]
        if not words or any(w in self.lex.org_words for w in words):
            return False
        if words[-1] in self.lex.place_words and len(words) > 1:
            return True
        if e.text in self.lex.capitals and e.root.dep_ not in SUBJECT_DEPS:
            return e.label_ != "PERSON"
        root = e.root
        if root.dep_ == "compound" and root.head.lower_ in self.lex.place_words:
            return True  # "the Poltava region"
        if (
            root.dep_ == "pobj"
            and root.head.lower_ == "of"
            and root.head.head.lower_ in self.lex.place_words | {"state"}
        ):
            return True  # "the state of Minas Novas"
        return (
            root.dep_ == "pobj"
            and root.head.lower_ in LOCATIVES
            and not e.text.isupper()
            and self._person_for(e.text) is None
            and self._org_text(e.text) is None
            and self.country_of(e.text) is None
        )

    def _people_word(self, e: Span) -> bool:
        """ "Uyghurs", "Muslim Uyghur": words the tagger elsewhere reads as a people, faith or nationality."""
        if not all(t.is_title for t in e if t.is_alpha):
            return False  # "KDF", "Zedly": acronyms and brands, whatever the tagger said elsewhere
        words = [t.lower_ for t in e if t.is_alpha]
        norp = self._norp_words()
        return bool(words) and all(w in norp or w.rstrip("s") in norp for w in words)

    def _norp_words(self) -> frozenset[str]:
        if self._norp is None:
            found = {t.lower_ for e in self.doc.ents if e.label_ == "NORP" for t in e if t.is_title}
            found |= {d.lower() for d in self.lex.demonyms if " " not in d and not d.isupper()}
            self._norp = frozenset(found | {w.rstrip("s") for w in found})
        return self._norp

    def _person_or_body(self, text: str) -> Cluster | None:
        """The person a name refers to, unless only the first reading took it for one ("El Diario")."""
        p = self._person_for(text)
        if p is not None and not p.mentions:
            body = self._org_variant(text)
            if body is not None:
                self.by_key[p.key] = body  # the name's key now leads to the body
                return body
        return p

    def _org(self, e: Span) -> Cluster:
        return self._org_text(e.text) or self._new(fold(e.text), e.text, "organization")

    def _org_text(self, text: str) -> Cluster | None:
        """The organisation a name folds into: same words, its acronym, or a shorter form of it.

        The first organisation, in order of appearance, that matches; only
        those sharing the key, the initials or the head word can.
        """
        key = fold(text)
        if key in self.lex.org_words:  # "the Court" after "the Constitutional Court of Turkey"
            return self.org_by_word(key)
        acronym = initials(text)
        for c in self._lookups.org_candidates(key, acronym):
            if c.key == key or initials(c.name) == key.replace(" ", "") or acronym == c.key.replace(" ", ""):
                if len(text) > len(c.name) and not text.isupper():
                    self.rename(c, text)
                return c
            if _subsequence(key, c.key) or _subsequence(c.key, key):
                if len(key) > len(c.key):
                    self.rename(c, text)
                return c
        return self._org_variant(text)

    def _org_variant(self, text: str) -> Cluster | None:
        """Another form of a body's name: its short head, its start, its state's other adjective, its acronym.

        "Fact-Finding Mission" is the head of "UN Council Fact-Finding Mission
        for Kordovia"; "El Diario" the start of "Diario de Kordo"; the "Greek"
        and the "Hellenic" League are one; "IKRC" spells "Inter-Kordovian Court
        of Rights" in another word order.
        """
        key = fold(text)
        if text.isupper() and len(text) >= 3:
            return self._acronym_of(text.lower())
        words = _without_article(key.split())
        rows = [r for r in (self._lookups.orgs_with.items(w) for w in set(words)) if r]
        for _, c in min(rows, key=len, default=[]):
            if c.key.startswith("inst:") or c.key == key:
                continue
            theirs = _without_article(c.key.split())
            if _head_of(words, theirs) or self._same_but_adjective(words, theirs):
                return c
            if _head_of(theirs, words) and len(words) > len(theirs):
                self.rename(c, text)
                return c
        return None

    def _same_but_adjective(self, a: list[str], b: list[str]) -> bool:
        """ "Greek League for Rights" = "Hellenic League for Rights": one state, two adjectives."""
        if len(a) != len(b) or len(a) < 2 or a == b:
            return False
        states = self._demonym_states()
        return [states.get(w, w) for w in a] == [states.get(w, w) for w in b]

    def _demonym_states(self) -> dict[str, str]:
        if not self._states_by_adjective:
            self._states_by_adjective = {d.lower(): s.lower() for d, s in self.lex.demonyms.items()}
        return self._states_by_adjective

    def _acronym_of(self, acronym: str) -> Cluster | None:
        """The one body whose initials are the acronym's letters in any order ("IKRC", "Court of Rights")."""
        if acronym not in self._acronyms:
            letters = sorted(acronym)
            found = [
                c
                for c in self.clusters
                if c.kind == "organization"
                and not c.key.startswith("inst:")
                and len(c.name.split()) > 2
                and any(sorted(i) == letters for i in (initials(c.name), initials(c.name.replace("-", ""))))
            ]
            self._acronyms[acronym] = found[0] if len(found) == 1 else None
        return self._acronyms[acronym]

    def _titles(self, e: Span, c: Cluster) -> None:
        """Titles from the words before a name and from apposition."""
        if c.kind != "person":
            return
        # "German Foreign Minister Annalena Baerbock", "activist Olga Kovalkova"
        pre = self._title_before(e.start)
        if pre is not None:
            self._add_title(c, pre)
        root = e.root
        for ch in root.children:
            if ch.dep_ == "appos" and ch.ent_type_ != "PERSON":
                self._add_title(c, _np_text(ch))
        if root.dep_ == "appos" and root.head.lower_ in self.lex.roles:
            self._add_title(c, _np_text(root.head, stop=root))
        for ch in root.children:
            if ch.dep_ == "compound" and ch.lower_ in self.lex.roles:
                self._add_title(c, ch.text)

    def _title_before(self, start: int) -> str | None:
        """The capitalised words and role nouns just before a name, when a role is among them.

        The run is found from arrays made once per document: walking back
        from each name is quadratic in a long run of capitalised words. A
        run of over MAX_TITLE_WORDS words joins to more than MAX_TITLE
        characters, which _add_title refuses, so it is not joined at all.
        """
        starts, roles = self._title_runs()
        if start == 0 or starts[start - 1] < 0:
            return None
        i = starts[start - 1]
        while i < start and self.doc[i].lower_ in TITLE_LEAD:
            i += 1
        if i == start or roles[start] == roles[i] or start - i > MAX_TITLE_WORDS:
            return None
        return " ".join(t.text for t in self.doc[i:start])

    def _title_runs(self) -> tuple[list[int], list[int]]:
        """Per token, where its run of title words begins (-1 if it is none); a running count of roles."""
        if self._title_from is None:
            starts: list[int] = []
            roles = [0]
            for tok in self.doc:
                low = tok.lower_
                word = (tok.is_title or low in self.lex.roles) and not tok.is_space
                if not word:
                    starts.append(-1)
                elif tok.i == 0 or tok.is_sent_start or starts[-1] < 0:
                    starts.append(tok.i)
                else:
                    starts.append(starts[-1])
                roles.append(roles[-1] + (low in self.lex.roles or low in TITLE_ROLES))
            self._title_from, self._title_roles = starts, roles
        return self._title_from, self._title_roles

    def _add_title(self, c: Cluster, title: str) -> None:
        t = " ".join(title.split()).strip(" ,")
        t = re.sub(r"^(?:the|a|an)\s+", "", t, flags=re.I)
        if t and t not in c.titles and len(t) < MAX_TITLE:
            c.titles.append(t)
            self._lookups.add_title(c, t)

    def _gender_from_name(self, c: Cluster) -> str | None:
        first = c.name.split()[0].lower() if c.name.split() else ""
        female, male = first in self.lex.female_names, first in self.lex.male_names
        return "f" if female and not male else "m" if male and not female else None

    def _gender_from_surfaces(self, c: Cluster) -> str | None:
        for s in c.surfaces:
            first = s.split()[0].lower()
            if first in self.lex.female:
                return "f"
            if first in self.lex.male:
                return "m"
        for m_start, _ in c.mentions:
            tok = self._token_at(m_start)
            if tok is not None and tok.i > 0:
                prev = self.doc[tok.i - 1].lower_
                if prev in self.lex.female:
                    return "f"
                if prev in self.lex.male:
                    return "m"
        return None

    def _token_at(self, char: int) -> Token | None:
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        return span[0] if span is not None and len(span) else None

    # ---- noun phrases ----------------------------------------------------
    def _collect_institutions(self) -> None:
        """ "the Belarusian interior ministry", "US customs", "Police in Belarus"."""
        for tok in self.doc:
            if tok.pos_ not in ("NOUN", "PROPN") or tok.i in self.token_actor:
                continue
            if not self._institution_head(tok):
                continue
            if tok.dep_ == "compound" and tok.head.lower_ in self.lex.institutions:
                continue  # the head noun will carry it ("interior ministry spokesman")
            c = self.institution(tok, create=True)
            if c is None:
                continue
            for ch in tok.children:  # "the riot police, the Omon"
                if ch.dep_ == "appos" and ch.pos_ == "PROPN" and ch.i not in self.token_actor:
                    c.add(ch.text, ch.idx, ch.idx + len(ch))
                    self.token_actor[ch.i] = c

    def _institution_head(self, tok: Token) -> bool:
        """An institution's head noun, alone ("police") or with its compound ("coast guard")."""
        words = {tok.lower_, tok.lemma_.lower()}
        words |= {f"{c.lower_} {tok.lower_}" for c in tok.lefts if c.dep_ == "compound"}
        return any(w in self.lex.institutions for w in words)

    def institution(self, tok: Token, create: bool = False) -> Cluster | None:
        """The actor an institutional noun phrase names, if the text ties it to one."""
        head = tok.lemma_.lower()
        if tok.lower_ in self.lex.state_heads or tok.lower_ in self.lex.institutions:
            head = tok.lower_
        compounds = [c.lower_ for c in tok.lefts if c.dep_ == "compound"]
        if compounds and f"{compounds[-1]} {tok.lower_}" in self.lex.institutions:
            head = f"{compounds[-1]} {tok.lower_}"  # "the Turkish coast guard"
        if head not in self.lex.institutions and head not in self.lex.state_heads:
            return None
        owner: Cluster | None = None
        mods: list[Token] = []
        for ch in tok.children:
            if (
                ch.dep_ in ("amod", "compound", "poss", "nmod")
                and ch.i < tok.i
                and ch.ent_type_ not in ("DATE", "TIME")
            ):
                mods.append(ch)
            if ch.dep_ == "prep" and ch.lower_ in ("in", "of", "for", "from"):
                mods.extend(g for g in ch.children if g.dep_ == "pobj")
        for m in mods:
            for sub in m.subtree:
                a = self.token_actor.get(sub.i)
                if a is not None and a.kind == "place" and head in self.lex.state_heads:
                    self.promote(a)  # "officials in Tigray": the place's own authorities
                if a is not None and a.kind in ("state", "organization", "person"):
                    owner = a
                    break
                country = self.country_of(sub.text)
                if country:
                    owner = self._state(country)
                    break
            if owner is not None:
                break
        words = [
            m
            for m in mods
            if m.i not in self.token_actor
            and m.is_lower
            and not self.country_of(m.text)
            and (
                (m.dep_ == "compound" and m.pos_ == "NOUN")
                or (m.dep_ == "amod" and m.lower_ in INSTITUTION_ADJ)
            )
        ]
        phrase = " ".join([w.text.lower() for w in words] + [tok.text.lower()])
        if owner is None and any(m.dep_ == "poss" and m.pos_ == "PRON" for m in mods):
            owner = None  # "her office": the one office the story has, below
        elif owner is not None and owner.kind == "person":
            owner = None  # "Bachelet's office" likewise
        if owner is not None and (
            (head in self.lex.state_heads and not any(w.pos_ == "NOUN" for w in words))
            or (
                owner.kind == "organization"
                and head in ("leaders", "leader", "officials", "chiefs", "members")
            )
        ):
            left = min(t.i for m in mods for t in m.subtree)
            if self.doc[left].lower_ in ("the", "a", "an"):
                left += 1
            owner.add(self.doc[left : tok.i + 1].text, self.doc[left].idx, tok.idx + len(tok))
            return owner
        if owner is not None and owner.kind == "state":
            key = f"inst:{owner.name.lower()}:{_kind_of_body(phrase)}"
            c = self.by_key.get(key) or self._named_military(owner, phrase)
            if c is None and not create:
                return None
            start = min([tok.i] + [t.i for m in mods for t in m.subtree])
            end = max([tok.i] + [t.i for m in mods for t in m.subtree]) + 1
            if self.doc[start].lower_ in ("the", "a", "an"):
                start += 1
            text = self.doc[start:end].text
            if c is not None and not c.key.startswith("inst:"):  # "Israeli forces" = the named army
                c.add(text, self.doc[start].idx, self.doc[end - 1].idx + len(self.doc[end - 1]))
                for t in range(start, end):
                    self.token_actor.setdefault(t, c)
                return c
            adjective = self._adjective(owner)
            c = self._new(key, f"{adjective} {phrase}", "organization")
            self._lookups.set_head(c, head)
            c.state = owner.name
            c.add(text, self.doc[start].idx, self.doc[end - 1].idx + len(self.doc[end - 1]))
            c.add(
                f"{owner.name} {phrase}", self.doc[start].idx, self.doc[end - 1].idx + len(self.doc[end - 1])
            )
            for t in range(start, end):
                self.token_actor.setdefault(t, c)
            return c
        if owner is not None and owner.kind == "organization" and any(m.i > tok.i for m in mods):
            return owner  # "the leadership council of the American Indian Movement"
        if owner is not None and owner.kind == "organization" and head not in self.lex.state_heads:
            # "the U.N. office" is a body of the U.N.: fold it with the office the story names in full
            left = min([tok.i] + [t.i for m in mods for t in m.subtree if t.i < tok.i])
            if self.doc[left].lower_ in ("the", "a", "an"):
                left += 1
            span = self.doc[left : tok.i + 1]
            c = self._org_text(span.text)
            if c is None and not create:
                return None
            c = c or self._new(fold(span.text), span.text, "organization")
            c.add(span.text, span.start_char, span.end_char)
            self._lookups.set_head(c, c.head or head)
            for t in range(left, tok.i + 1):
                self.token_actor[t] = c
            return c
        # no owner: the one institution of that kind the story already has
        only = self._lookups.heads.first(head)
        qualifiers = [t.lower_ for t in tok.lefts if t.dep_ in ("amod", "compound")]
        if only is not None and any(q not in only.name.lower() for q in qualifiers):
            return None  # "the foreign ministry" is not the interior ministry named before
        if only is not None and not qualifiers and self._lookups.heads.count(head) > 1:
            only = self._latest_with_head(head, tok.idx)  # "the ministry": the one just named
            if only is not None:
                only.add(_np_text(tok), tok.idx, tok.idx + len(tok))
            return only
        if only is not None and self._lookups.heads.count(head) == 1:
            only.add(_np_text(tok), tok.idx, tok.idx + len(tok))
            return only
        return None

    def local_body(self, tok: Token) -> Cluster | None:
        """ "the Marrow state prosecutor's office": an institution named by a place or body in it.

        Neither a state's own body nor a named organisation the tagger saw, it
        is still a body with a name of its own: the noun phrase as written.
        """
        words = [t for t in tok.subtree if t.i <= tok.i and t.dep_ != "det"]
        named = [self.token_actor.get(t.i) for t in words if t.pos_ == "PROPN"]
        if not named or any(a is not None and a.kind != "place" for a in named):
            return None  # no proper name in it, or one of an actor the phrase already belongs to
        if any(self.country_of(t.text) for t in words):
            return None
        start, end = words[0].i, tok.i + 1
        text = self.doc[start:end].text
        c = self._new(fold(text), text, "organization")
        c.add(text, self.doc[start].idx, tok.idx + len(tok))
        for k in range(start, end):
            self.token_actor.setdefault(k, c)
        return c

    def _latest_with_head(self, head: str, before: int) -> Cluster | None:
        """The institution of this kind mentioned last before a point of the text."""
        named = [c for c in self.clusters if c.head == head and c.starts and c.starts[0] < before]
        return max(named, key=lambda c: c.last_before(before)) if named else None

    def home_institution(self, tok: Token, state: Cluster) -> Cluster:
        """An institution of the story's own country, named without its country ("the military")."""
        qualifiers = [t.lower_ for t in tok.lefts if t.dep_ in ("amod", "compound") and t.pos_ != "PROPN"]
        phrase = " ".join([*qualifiers, tok.lower_])  # "the foreign ministry", not just "ministry"
        adjective = self._adjective(state)
        named = self._named_military(state, phrase)
        if named is not None:
            named.add(phrase, tok.idx, tok.idx + len(tok))
            self.token_actor[tok.i] = named
            return named
        key = f"inst:{state.name.lower()}:{_kind_of_body(phrase)}"
        c = self._new(key, f"{adjective} {phrase}", "organization")
        self._lookups.set_head(c, tok.lemma_.lower())
        c.state = state.name
        c.add(phrase, tok.idx, tok.idx + len(tok))
        self.token_actor[tok.i] = c
        return c

    def _named_military(self, state: Cluster, phrase: str) -> Cluster | None:
        """The state's armed forces named ("Kordovian Defence Force"), for "the Kordovian army"."""
        if _kind_of_body(phrase) != "military":
            return None
        seen = self._militaries.get(state.name)
        if seen is not None and seen[0] == len(self.clusters):
            return seen[1]
        found = self._find_military(state)
        self._militaries[state.name] = (len(self.clusters), found)
        return found

    def _find_military(self, state: Cluster) -> Cluster | None:
        marks = {state.name.lower(), self._adjective(state).lower()}
        marks |= {d.lower() for d, s in self.lex.demonyms.items() if s == state.name}
        for head in MILITARY_HEADS:
            for c in self._lookups.orgs_by_head.get(head):
                words = c.key.split()
                if not c.key.startswith("inst:") and len(words) > 1 and any(w in marks for w in words[:-1]):
                    return c
        return None

    def org_named(self, name: str) -> Cluster | None:
        """The organisation of this document that a name (an author, a site) refers to, if any."""
        return self._org_text(name)

    def org_by_word(self, word: str) -> Cluster | None:
        """The latest named organisation whose name holds this word ("court", "council")."""
        return self._lookups.orgs_by_word.last(word.lower())

    def _adjective(self, state: Cluster) -> str:
        if state.name not in self._adjectives:
            self._adjectives[state.name] = next(
                (
                    d
                    for d, s in self.lex.demonyms.items()
                    if s == state.name and d[0].isupper() and not d.isupper() and d != state.name
                ),
                state.name,
            )
        return self._adjectives[state.name]

    def proper_name(self, tok: Token) -> Cluster | None:
        """A capitalised name the tagger missed ("Human Rights Watch accused…"), read off the parse."""
        if (tok.ent_type_ and tok.ent_type_ not in ENTITY_LABELS) or tok.lower_ in self.lex.roles:
            return None
        if tok.lower_ in NOT_NAMES:
            return None
        toks = [t for t in tok.subtree if (t.i <= tok.i and t.dep_ in ("compound", "amod")) or t.i == tok.i]
        toks = [t for t in toks if t.pos_ == "PROPN" or t.i == tok.i]
        if (
            not toks
            or not all(t.is_title or t.is_upper for t in toks)
            or toks[-1].i - toks[0].i + 1 != len(toks)
        ):
            return None
        roles = [t for t in toks[:-1] if t.lower_ in self.lex.roles]
        if roles:  # "UN Spokesperson Stéphane Dujarric": the name is what follows the title
            toks = [t for t in toks if t.i > roles[-1].i]
        span = self.doc[toks[0].i : toks[-1].i + 1]
        if self._dateline(span) or (len(span) > 1 and any(t.text in self.lex.demonyms for t in span)):
            return None
        if self._not_a_name(span, "ORG") or (
            span.end < len(self.doc) and self.doc[span.end].lower_ in self.lex.product_nouns
        ):
            return self._owner_of(tok)
        text = span.text
        country = self.country_of(text)
        if country:
            c = self._state(country)
        elif self._person_for(text) is not None:
            c = self._person_for(text)  # type: ignore[assignment]
        elif any(t.lower_ in self.lex.org_words for t in span) or len(span) == 1 or len(span) > 3:
            c = self._org_text(text) or self._new(fold(text), text, "organization")
        else:
            shorter = self._shorter_person(set(name_words(text)))
            if shorter is not None:  # "Dujarric" seen first, "Stéphane Dujarric" now: one person
                self.rename(shorter, text)
                c = shorter
            else:
                c = self._new(fold(text), text, "person")
            if not self._lookups.is_person(c):
                self._add_person(c)
        c.add(text, span.start_char, span.end_char)
        for t in span:
            self.token_actor[t.i] = c
        return c

    def _owner_of(self, tok: Token) -> Cluster | None:
        """ "Kordo's Community Guidelines say…": a product's words speak for the actor that owns it."""
        for ch in tok.children:
            if ch.dep_ == "poss" and ch.pos_ in ("PROPN", "NOUN") and not ch.is_lower:
                known = self.token_actor.get(ch.i) or self._org_text(ch.text) or self._person_for(ch.text)
                return known or self.proper_name(ch)
        return None

    def _shorter_person(self, words: set[str]) -> Cluster | None:
        """The first person whose name words are some of these, found by looking up each subset."""
        if len(words) > MAX_SUBSET_WORDS:
            return next(
                (
                    p
                    for p in self.clusters
                    if p.kind == "person" and p.name_tokens() and set(p.name_tokens()) < words
                ),
                None,
            )
        found = (
            self._lookups.persons_by_words.first(frozenset(sub))
            for k in range(1, len(words))
            for sub in combinations(sorted(words), k)
        )
        return min((p for p in found if p is not None), key=lambda p: p.seq, default=None)

    # ---- resolution -------------------------------------------------------
    def actor_of_token(self, tok: Token) -> Cluster | None:
        return self.token_actor.get(tok.i)

    def states(self) -> list[Cluster]:
        return list(self._lookups.states)

    def main_state(self) -> Cluster | None:
        counts = Counter({c.key: len(c.mentions) for c in self._lookups.states})
        if not counts:
            return None
        return self.by_key[counts.most_common(1)[0][0]]

    def by_role(self, role_words: list[str], before: int | None = None) -> Cluster | None:
        """The one person whose title holds this role ("the spokesman", "the activist")."""
        hits = [c for c in self._lookups.titled(w.lower() for w in role_words) if c.kind == "person"]
        if len(hits) == 1:
            return hits[0]
        if hits and before is not None:
            earlier = [c for c in hits if c.first < before]
            if earlier:
                return max(earlier, key=lambda c: c.last_before(before))
        return None

    def finish(self, taking_part: set[str]) -> list[Actor]:
        """The actor list of the contract: people, organisations, states; groups only when they take part."""
        out: list[Actor] = []
        keep = [
            c
            for c in self.clusters
            if c.mentions
            and (
                c.kind in ("person", "organization", "state") or (c.kind == "group" and c.key in taking_part)
            )
            and not (c.key.startswith("inst:") and c.key not in taking_part and len(c.mentions) < 2)
        ]
        keep.sort(key=lambda c: c.first)
        for n, c in enumerate(keep, 1):
            name = c.name
            if c.kind == "state":
                name = self.lex.state_names.get(c.name, c.name)
            aliases = [s for s in c.surfaces if s != name and self._alias_fits(c, s)]
            if c.kind == "state" and c.name != name and c.name not in aliases:
                aliases.insert(0, c.name)
            c.id = f"a{n}"
            out.append(
                Actor(
                    id=f"a{n}",
                    name=name,
                    kind=c.kind,
                    aliases=aliases,
                    titles=list(c.titles),
                    mentions=sorted(c.mentions),
                )
            )
        return out

    def _alias_fits(self, c: Cluster, surface: str) -> bool:
        """Whether a surface is a name of this actor worth listing.

        "the authorities", "regime" are no names, and glued to a state by a
        guess they would let it pass for another one; "European leaders" or
        "Kordovian officials" name others than this state.
        """
        words = re.findall(r"[^\W\d_][\w'’-]*", surface)
        if not words or DATELINE_ALIAS.match(surface):
            return False
        head = words[-1].lower()
        generic = self.lex.state_heads | {"governments"}
        if head in generic and not any(w[0].isupper() and w.lower() not in generic for w in words):
            return False
        own = c.state or (c.name if c.kind == "state" else None)
        if own is None:
            return True
        for w in words:
            if w.lower() in self.lex.regions:
                return False
            other = self.country_of(w)
            if other is not None and self.lex.country_aliases.get(other, other) != own:
                return False
        return True


class _Lookups:
    """The indexes behind ActorIndex's lookups, kept in step with each new actor, rename, title and head.

    Each holds, per key, the actors a scan would test, in the order the
    scan met them; see Buckets.
    """

    def __init__(self) -> None:
        self.people_named: Buckets[Cluster] = Buckets()  # name words → entries of ActorIndex.people
        self.people_with: Buckets[Cluster] = Buckets()  # one name word → entries of ActorIndex.people
        self.people_at: dict[int, list[int]] = {}  # id(cluster) → its places in ActorIndex.people
        self.persons_by_words: Buckets[Cluster] = Buckets()  # set of name words → persons
        self.people_by_shape: Buckets[Cluster] = Buckets()  # word count and first letters → persons
        self.orgs_by_key: Buckets[Cluster] = Buckets()
        self.orgs_by_initials: Buckets[Cluster] = Buckets()  # initials of the name
        self.orgs_by_bare_key: Buckets[Cluster] = Buckets()  # the key without spaces
        self.orgs_by_words: Buckets[Cluster] = Buckets()  # the key's words, as a tuple
        self.orgs_with: Buckets[Cluster] = Buckets()  # one word of the key
        self.orgs_by_head: Buckets[Cluster] = Buckets()  # the key's last word
        self.orgs_by_word: Buckets[Cluster] = Buckets()  # any word of a named (not inst:) organisation
        self.heads: Buckets[Cluster] = Buckets()
        self.titles: Buckets[Cluster] = Buckets()  # a word of a title → persons
        self._titled: set[tuple[str, int]] = set()
        self.states: list[Cluster] = []

    def add_cluster(self, c: Cluster) -> None:
        if c.kind == "organization":
            words = c.key.split()
            self.orgs_by_key.add(c.key, c.seq, c)
            self.orgs_by_bare_key.add(c.key.replace(" ", ""), c.seq, c)
            self.orgs_by_words.add(tuple(words), c.seq, c)
            for w in dict.fromkeys(words):
                self.orgs_with.add(w, c.seq, c)
            if words:
                self.orgs_by_head.add(words[-1], c.seq, c)
            if not c.key.startswith("inst:"):
                for w in dict.fromkeys(words):
                    self.orgs_by_word.add(w, c.seq, c)
        elif c.kind == "state":
            self.states.append(c)
        self.add_name(c)

    def add_state(self, c: Cluster) -> None:
        self.states.insert(bisect_left(self.states, c.seq, key=lambda x: x.seq), c)

    def add_person(self, c: Cluster, place: int) -> None:
        self.people_at.setdefault(id(c), []).append(place)
        self._index_person(c, [place])

    def is_person(self, c: Cluster) -> bool:
        """Whether the actor is in ActorIndex.people."""
        return id(c) in self.people_at

    def _index_person(self, c: Cluster, places: list[int]) -> None:
        toks = c.name_tokens()
        for place in places:
            self.people_named.add(tuple(toks), place, c)
            for t in set(toks):
                self.people_with.add(t, place, c)

    def add_name(self, c: Cluster) -> None:
        """Index what depends on the name; drop_name undoes it before a rename."""
        toks = c.name_tokens()
        if c.kind == "person" and toks:
            self.persons_by_words.add(frozenset(toks), c.seq, c)
            self.people_by_shape.add(_shape(toks), c.seq, c)
        if c.kind == "organization":
            self.orgs_by_initials.add(initials(c.name), c.seq, c)
        self._index_person(c, self.people_at.get(id(c), []))

    def drop_name(self, c: Cluster) -> None:
        toks = c.name_tokens()
        if c.kind == "person" and toks:
            self.persons_by_words.remove(frozenset(toks), c)
            self.people_by_shape.remove(_shape(toks), c)
        if c.kind == "organization":
            self.orgs_by_initials.remove(initials(c.name), c)
        for _ in self.people_at.get(id(c), []):
            self.people_named.remove(tuple(toks), c)
            for t in set(toks):
                self.people_with.remove(t, c)

    def org_candidates(self, key: str, acronym: str) -> list[Cluster]:
        """Organisations that may match a name (see ActorIndex._org_text), each once, in order of appearance.

        Those with the same key, initials or bare key; those whose words are
        a shorter run of the name's ending on its head word (each such run
        looked up); and those holding the name's rarest word, which a longer
        form of it must.
        """
        found: dict[int, Cluster] = {}
        for c in (
            *self.orgs_by_key.get(key),
            *self.orgs_by_initials.get(key.replace(" ", "")),
            *self.orgs_by_bare_key.get(acronym),
            *self._shorter_orgs(key.split()),
            *self._longer_orgs(key.split()),
        ):
            found.setdefault(id(c), c)
        return sorted(found.values(), key=lambda c: c.seq)

    def _shorter_orgs(self, words: list[str]) -> Iterator[Cluster]:
        if len(words) < 3:
            return
        if len(words) - 1 > MAX_SUBSET_WORDS:
            yield from self.orgs_by_head.get(words[-1])
            return
        for k in range(1, len(words) - 1):
            for sub in combinations(words[:-1], k):
                yield from self.orgs_by_words.get((*sub, words[-1]))

    def _longer_orgs(self, words: list[str]) -> Iterator[Cluster]:
        if len(words) < 2:
            return
        rarest = min((self.orgs_with.items(w) for w in set(words)), key=len)
        for _, c in rarest:
            theirs = c.key.split()
            if len(theirs) > len(words) and theirs[-1] == words[-1]:
                yield c

    def set_head(self, c: Cluster, head: str | None) -> None:
        if c.head == head:
            return
        if c.head is not None:
            self.heads.remove(c.head, c)
        c.head = head
        if head is not None:
            self.heads.add(head, c.seq, c)

    def add_title(self, c: Cluster, title: str) -> None:
        for w in re.findall(r"[\w-]+", title.lower()):
            if (w, id(c)) not in self._titled:
                self._titled.add((w, id(c)))
                self.titles.add(w, c.seq, c)

    def titled(self, words: Iterable[str]) -> list[Cluster]:
        """Actors with a title holding any of these words, each once, in order of appearance."""
        rows = [self.titles.items(w) for w in set(words)]
        return list(_unique(heapq.merge(*rows, key=lambda e: e[0])))


def _unique(entries: Iterable[tuple[int, Cluster]]) -> Iterator[Cluster]:
    seen: set[int] = set()
    for _, c in entries:
        if id(c) not in seen:
            seen.add(id(c))
            yield c


def name_words(name: str) -> list[str]:
    """The words that identify a person: no honorifics, no particles, hyphens split ("al-Bashir")."""
    lex = lexicon()
    words = re.findall(r"\w+", name.lower().replace("’s", "").replace("'s", ""))
    return [w for w in words if w not in lex.honorifics and w not in lex.particles]


def _subsequence(short: str, long: str) -> bool:
    """All words of `short`, in order, within `long`, ending on the same head noun."""
    a, b = short.split(), long.split()
    if len(a) < 2 or len(a) >= len(b) or a[-1] != b[-1]:
        return False
    it = iter(b)
    return all(w in it for w in a)


def _np_text(tok: Token, stop: Token | None = None) -> str:
    """The text of a noun phrase headed by `tok`, without a nested appositive name."""
    toks = list(tok.subtree)
    if stop is not None:
        toks = [t for t in toks if not (stop.left_edge.i <= t.i <= stop.right_edge.i)]
    text = " ".join(t.text for t in toks)
    text = re.sub(r"\s+([,.’'])", r"\1", text)
    return text.strip(" ,")


def _without_article(words: list[str]) -> list[str]:
    """ "el diario" → "diario": an article of another language leads many names."""
    return words[1:] if len(words) > 1 and words[0] in FOREIGN_ARTICLES else words


def _head_of(short: list[str], long: list[str]) -> bool:
    """ "fact finding mission" heads "un fact finding mission for kordo"; "diario" starts "diario de kordo".

    The short name is the run of words ending the long name's head (its
    words before "of", "for", "de"…), or the long name's start up to such a
    word.
    """
    if len(short) >= len(long):
        return False
    cut = next((k for k, w in enumerate(long) if w in NAME_PREPOSITIONS), len(long))
    head = long[:cut]
    if len(short) >= 2 and len(short) < len(head) and head[-len(short) :] == short:
        return True
    return cut == len(short) and cut < len(long) and long[:cut] == short


def _shape(toks: list[str]) -> tuple[int, str]:
    """What two spellings of one name share: the number of words and their first letters."""
    return len(toks), "".join(t[0] for t in toks)


def _alike(a: list[str], b: list[str]) -> bool:
    """Word by word nearly the same spelling ("Keikal"/"Keikel"), and long enough to judge."""
    whole = SequenceMatcher(None, " ".join(a), " ".join(b)).ratio()
    if len(a) == 1:
        return min(len(a[0]), len(b[0])) >= 6 and whole >= 0.85
    return whole >= 0.8 and all(
        SequenceMatcher(None, x, y).ratio() >= 0.74 for x, y in zip(a, b, strict=True)
    )


def _kind_of_body(phrase: str) -> str:
    """ "army", "forces", "military": one body under several words, so one key."""
    return "military" if phrase in MILITARY else phrase


def _heading_line(line: str) -> bool:
    """Short, without a sentence's end, and most of its longer words capitalised."""
    text = line.strip(" *_#\t")
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    long = [w for w in words if len(w) > 3]
    if not 2 <= len(words) <= 14 or len(long) < 2 or text.endswith((".", "!", "?", ".”", '."', ":")):
        return False
    return bool(sum(w[0].isupper() for w in long) >= 0.7 * len(long))
