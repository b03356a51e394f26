"""One actor register across documents, built from every document's actors and the judgements on them.

Each document's actor gets a key: the gazetteer's for a state or a known
body (whatever the name: "Beijing", "PRC"), a state institution's own key
linked to its state, a person's full name, an organisation's name. Actors
with one key are one actor. Across documents a bare surname or first name
is never enough: it joins a full name only when exactly one person has it
and the two share a title, else the machine records `unsure` and leaves
them apart. A title alone ("the UN rights chief") joins the one person known
to hold it. Reviewers' judgements come last and win: `same` joins, and
`different` keeps apart whatever the machine thought; the latest judgement
on a pair stands, so an undo is one more judgement.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from vigil.connect.gazetteer import Gazetteer, fold, gazetteer
from vigil.extract.actors import lexicon
from vigil.model import CORRECTIONS, Judgement, Link, NameRecord, RegisterActor

HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "sir",
        "dame",
        "president",
        "minister",
        "premier",
        "chancellor",
        "judge",
        "justice",
    ]
)


@dataclass
class _Union:
    parent: dict[str, str] = field(default_factory=dict)

    def find(self, k: str) -> str:
        self.parent.setdefault(k, k)
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def join(self, a: str, b: str, apart: set[frozenset[str]]) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        for pair in apart:
            x, y = tuple(pair)
            if {self.find(x), self.find(y)} == {ra, rb}:
                return False
        winner, loser = sorted((ra, rb), key=_rank)
        self.parent[loser] = winner
        return True


def _rank(key: str) -> tuple[int, str]:
    """Which key names a joined actor: the gazetteer's, then a full name, then anything else."""
    order = ("gz:", "inst:", "p:", "o:", "role:", "p1:")
    return next((i for i, p in enumerate(order) if key.startswith(p)), len(order)), key


def person_name(name: str) -> list[str]:
    words = [w for w in fold(name).split() if w not in HONORIFICS]
    return words


def base_key(r: NameRecord, gz: Gazetteer, states: dict[str, str] | None = None) -> tuple[str, Link | None]:
    """The key a document's actor starts from, and its link when it belongs to another actor.

    `states` are states the gazetteer lacks, as the documents name them (folded name → key)."""
    if r.kind != "person":
        found = gz.lookup(r.name)
        if found is not None:
            part = gz.entries[found].part_of
            return found, Link(part, "part_of") if part else None
        inst = gz.institution(r.name, states)
        if inst is not None:
            return f"inst:{inst[0].split(':', 1)[1]}:{inst[1]}", Link(inst[0], "part_of")
        for alias in r.aliases:
            found = gz.lookup(alias)
            if found is not None and gz.entries[found].kind == r.kind:
                return found, None
        return f"o:{fold(r.name)}", None
    office = gz.titles.get(fold(r.name))  # "the UN rights chief": a title, not a name
    if office is not None:
        return f"role:{office}", None
    words = person_name(r.name)
    if len(words) >= 2 and any(w[:1].isupper() for w in r.name.split()):
        return "p:" + " ".join(words), None
    return f"p1:{r.document}:{' '.join(words) or fold(r.name)}", None


@dataclass
class Register:
    actors: list[RegisterActor]
    by_row: dict[int, str]
    by_name: dict[str, str]
    index: dict[str, RegisterActor] = field(default_factory=dict)
    bases: set[str] = field(default_factory=set)  # every key a document's actor started from

    def __post_init__(self) -> None:
        self.index = {a.id: a for a in self.actors}

    def key_of_row(self, row: int | None) -> str | None:
        return self.by_row.get(row) if row is not None else None

    def key_of_name(self, name: str | None) -> str | None:
        return self.by_name.get(fold(name)) if name else None

    def get(self, key: str) -> RegisterActor | None:
        return self.index.get(key)


def build(
    records: Iterable[NameRecord], judgements: Iterable[Judgement] = (), gz: Gazetteer | None = None
) -> Register:
    gz = gz or gazetteer()
    records = list(records)
    keys: dict[int, str] = {}
    links: dict[str, Link] = {}
    states = {
        fold(r.name): f"o:{fold(r.name)}" for r in records if r.kind == "state" and not gz.lookup(r.name)
    }
    for r in records:
        k, link = base_key(r, gz, states)
        keys[r.row] = k
        if link is not None:
            links[k] = link
    names = _names(records, keys)
    machine = _machine(records, keys, gz)
    judgements = list(judgements)
    pairs = [j for j in judgements if j.verdict not in CORRECTIONS]
    reviewed = _latest(pairs, names)
    apart = {frozenset((a, b)) for (a, b), j in reviewed.items() if j.verdict == "different" and a != b}
    union = _Union()
    for k in keys.values():
        union.find(k)
    for (a, b), j in reviewed.items():
        if j.verdict == "same":
            union.join(a, b, apart)
    for j in machine:
        if j.verdict == "same":
            union.join(j.left, j.right, apart)
    reg = _assemble(records, keys, links, union, [*machine, *(j for j in reviewed.values())], gz)
    return corrected(reg, [j for j in judgements if j.verdict in CORRECTIONS])


def corrected(reg: Register, corrections: list[Judgement]) -> Register:
    """A reviewer's corrections of single actors, the latest of each kind per actor standing: a new
    name (the old one kept as an alias), a new kind, or the actor struck from the register (its
    names then find no actor; the statements keep the names they give) until it is restored."""
    latest: dict[tuple[str, str], Judgement] = {}
    for j in corrections:  # in the order recorded
        topic = "delete" if j.verdict in ("delete", "restore") else j.verdict
        latest.pop((j.left, topic), None)
        latest[(j.left, topic)] = j
    struck = {key for (key, topic), j in latest.items() if topic == "delete" and j.verdict == "delete"}
    for a in reg.actors:
        renamed = latest.get((a.id, "rename"))
        if renamed is not None and renamed.right.strip() and renamed.right != a.name:
            a.aliases = sorted({*a.aliases, a.name} - {renamed.right}, key=str.lower)
            a.name = renamed.right
            reg.by_name.setdefault(fold(a.name), a.id)
        rekind = latest.get((a.id, "kind"))
        if rekind is not None and rekind.right:
            a.kind = rekind.right
        a.judgements += [j for (key, _), j in latest.items() if key == a.id]
    if not struck:
        return reg
    kept = [a for a in reg.actors if a.id not in struck]
    by_name = {n: k for n, k in reg.by_name.items() if k not in struck}
    return Register(kept, reg.by_row, by_name, bases=reg.bases)


def _names(records: list[NameRecord], keys: dict[int, str]) -> dict[str, str]:
    """Folded name → key, for judgements given by name; the commonest key wins a shared name."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for r in records:
        for n in [r.name, *r.aliases]:
            votes[fold(n)][keys[r.row]] += 1 if n != r.name else 3
    return {n: c.most_common(1)[0][0] for n, c in votes.items()}


def _latest(judgements: Iterable[Judgement], names: dict[str, str]) -> dict[tuple[str, str], Judgement]:
    out: dict[tuple[str, str], Judgement] = {}
    for j in judgements:  # in the order recorded
        a, b = (names.get(fold(x), x) if ":" not in x else x for x in (j.left, j.right))
        pair = (a, b) if a <= b else (b, a)
        out.pop(pair, None)
        out[pair] = j
    return out


def _machine(records: list[NameRecord], keys: dict[int, str], gz: Gazetteer) -> list[Judgement]:
    """What the machine judges across documents: surnames with a shared title, titles to their holder."""
    full: dict[str, set[str]] = defaultdict(set)  # surname → full-name keys
    titles: dict[str, set[str]] = defaultdict(set)  # key → folded titles
    holders: dict[str, set[str]] = defaultdict(set)  # office key → person keys holding its head title
    for r in records:
        k = keys[r.row]
        titles[k] |= {fold(t) for t in r.titles}
        if k.startswith("p:"):
            full[k.split()[-1]].add(k)
            for t in r.titles:
                office = gz.office_of_title(t)
                if office is not None:
                    holders[office].add(k)
    gender: dict[str, str | None] = {}
    for r in records:
        g = _gender(r)
        if g is not None:
            gender.setdefault(keys[r.row], g)
    out: list[Judgement] = []
    for r in records:
        k = keys[r.row]
        if k.startswith("p1:"):
            word = k.rsplit(":", 1)[1]
            cands = sorted(full.get(word, set()))
            mine = gender.get(k)
            fits = [c for c in cands if mine is not None and gender.get(c) in (mine, None)]
            if len(cands) == 1 and titles[cands[0]] & titles[k]:
                out.append(_j(k, cands[0], "same", "surname with a shared title"))
            elif len(fits) == 1 and len(cands) > 1:
                out.append(_j(k, fits[0], "same", "surname, and Mr or Ms fits one of them only"))
            elif cands:
                out.extend(_j(k, c, "unsure", "shares only a surname") for c in cands)
        elif k.startswith("role:"):
            held = sorted(holders.get(k[5:], set()))
            if len(held) == 1:
                out.append(_j(k, held[0], "same", "the one person known to hold this title"))
            else:
                out.extend(_j(k, h, "unsure", "several people hold this title") for h in held)
    return list({(j.left, j.right, j.verdict): j for j in out}.values())


MINISTRY = re.compile(r"\b(\w+) ministry$")
MINISTER = re.compile(r"\b(\w+) minister\b")


def _ministries(rs: list[NameRecord], ministries: dict[tuple[int, str], str]) -> set[str | None]:
    """A minister heads the ministry of that name in the documents that name them both."""
    out: set[str | None] = set()
    for r in rs:
        if r.kind != "person":
            continue
        for t in [*r.titles, *r.aliases]:
            m = MINISTER.search(fold(t))
            if m is not None and (r.document, m.group(1)) in ministries:
                out.add(ministries[(r.document, m.group(1))])
    return out


FEMALE = frozenset({"ms", "mrs", "miss", "madam", "dame"})
MALE = frozenset({"mr", "sir"})


def _gender(r: NameRecord) -> str | None:
    """From an honorific among the names ("Ms Corvin"), else the first name of a full name."""
    for n in [r.name, *r.aliases]:
        first = fold(n).split(" ", 1)[0].rstrip(".")
        if first in FEMALE:
            return "f"
        if first in MALE:
            return "m"
    words = person_name(r.name)
    if len(words) >= 2:
        lex = lexicon()
        return "f" if words[0] in lex.female_names else "m" if words[0] in lex.male_names else None
    return None


def _j(a: str, b: str, verdict: str, note: str) -> Judgement:
    return Judgement(a, b, verdict, "machine", "vigil", "", note)  # type: ignore[arg-type]


def _assemble(
    records: list[NameRecord],
    keys: dict[int, str],
    links: dict[str, Link],
    union: _Union,
    judgements: list[Judgement],
    gz: Gazetteer,
) -> Register:
    groups: dict[str, list[NameRecord]] = defaultdict(list)
    ministries: dict[tuple[int, str], str] = {}  # (document, "interior") → its ministry's key
    for r in records:
        groups[union.find(keys[r.row])].append(r)
        m = MINISTRY.search(fold(r.name)) if r.kind != "person" else None
        if m is not None:
            ministries[(r.document, m.group(1))] = keys[r.row]
    actors: list[RegisterActor] = []
    for key, rs in groups.items():
        entry = gz.entries.get(key)
        counts = Counter(r.name for r in rs)
        name = entry.name if entry else max(counts, key=lambda n: (counts[n], len(n)))
        kinds = Counter(r.kind for r in rs)
        members = {keys[r.row] for r in rs}
        aliases = sorted({n for r in rs for n in [r.name, *r.aliases]} - {name}, key=str.lower)
        link_set = {(lk.key, lk.relation) for m in members if (lk := links.get(m)) is not None}
        offices = {gz.office_of_title(t) for r in rs if r.kind == "person" for t in r.titles}
        offices |= _ministries(rs, ministries)
        link_set |= {(o, "heads") for o in offices if o is not None}
        actors.append(
            RegisterActor(
                id=key,
                name=name,
                kind=entry.kind if entry else kinds.most_common(1)[0][0],
                aliases=aliases,
                titles=sorted({t for r in rs for t in r.titles}),
                rows=sorted(r.row for r in rs),
                documents=sorted({r.document for r in rs}),
                links=[Link(union.find(k), rel) for k, rel in sorted(link_set) if union.find(k) != key],
                judgements=[j for j in judgements if j.left in members or j.right in members],
            )
        )
    actors.sort(key=lambda a: (-len(a.documents), a.name.lower()))
    by_row = {r.row: union.find(keys[r.row]) for r in records}
    by_name: dict[str, str] = {}
    for a in actors:
        for n in [a.name, *a.aliases]:
            by_name.setdefault(fold(n), a.id)
    return Register(actors, by_row, by_name, bases=set(keys.values()))
