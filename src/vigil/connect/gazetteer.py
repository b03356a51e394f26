"""The shipped gazetteer (`data/gazetteer.yaml`): states, international bodies and NGOs by every name.

It turns "Beijing", "PRC", "the Chinese government" and "China" into one key,
and "OHCHR" and "the UN human rights office" into another, so the register
does not depend on how one outlet names an actor. A state's ministries,
police or mission are not the state: `institution` gives them their own key,
linked to it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from vigil.extract.actors import fold as actor_key
from vigil.extract.resources import load_yaml

INSTITUTIONS = (
    "foreign ministry",
    "ministry of foreign affairs",
    "interior ministry",
    "ministry of the interior",
    "justice ministry",
    "ministry of justice",
    "defence ministry",
    "defense ministry",
    "ministry of defence",
    "ministry of defense",
    "ministry",
    "embassy",
    "mission",
    "consulate",
    "police",
    "army",
    "military",
    "armed forces",
    "security forces",
    "parliament",
    "supreme court",
    "court",
    "state media",
    "foreign office",
    "state department",
    "cabinet",
    "prosecutor's office",
    "prosecutors",
    "navy",
    "air force",
    "border guards",
    "intelligence service",
)
GOVERNMENT = ("government", "authorities", "administration", "regime", "state")
POSSESSIVE = re.compile(r"(?:'s|’s|s'|s’)$")


def fold(name: str) -> str:
    """Extraction's matching key (`extract.actors.fold`), accents dropped as well: across outlets
    "Médecins Sans Frontières" and "Medecins Sans Frontieres" are one name."""
    s = unicodedata.normalize("NFKD", name)
    return actor_key("".join(c for c in s if not unicodedata.combining(c)))


@dataclass
class Entry:
    key: str
    name: str
    kind: str
    part_of: str | None = None
    head_titles: list[str] = field(default_factory=list)


@dataclass
class Gazetteer:
    entries: dict[str, Entry]
    names: dict[str, str]  # folded name → key
    state_words: dict[str, str]  # folded state name, demonym or capital → state key
    titles: dict[str, str]  # folded head title → org key

    def lookup(self, name: str) -> str | None:
        return self.names.get(fold(name))

    def institution(self, name: str, states: dict[str, str] | None = None) -> tuple[str, str] | None:
        """("gz:CN", "foreign ministry") for "China's foreign ministry" or "the Chinese Foreign Ministry".

        `states` adds states the gazetteer does not know (folded name → key), from the documents."""
        f = fold(name)
        for inst in INSTITUTIONS:
            if f.endswith(" " + inst):
                owner = POSSESSIVE.sub("", f[: -len(inst) - 1].strip())
            elif f.startswith(inst + " of "):
                owner = f[len(inst) + 4 :]
            else:
                continue
            state = self.state_words.get(owner.strip()) or (states or {}).get(owner.strip())
            if state is not None:
                return state, inst
        return None

    def office_of_title(self, title: str) -> str | None:
        """The body whose head bears this title ("U.N. High Commissioner for Human Rights and …")."""
        f = fold(title)
        if f in self.titles:
            return self.titles[f]
        best = max(
            (t for t in self.titles if f.startswith(t + " ") or f.endswith(" " + t)), key=len, default=None
        )
        return self.titles[best] if best else None


def _state(
    d: dict[str, Any], names: dict[str, str], words: dict[str, str], entries: dict[str, Entry]
) -> None:
    key = f"gz:{d['id']}"
    entries[key] = Entry(key, str(d["name"]), "state")
    own = [d["name"], d.get("official"), *d.get("aliases", [])]
    for n in filter(None, own):
        words[fold(str(n))] = key
        names[fold(str(n))] = key
    adjectives = [str(d["demonym"])] if d.get("demonym") else []
    for w in adjectives + ([str(d["capital"])] if d.get("capital") else []):
        words.setdefault(fold(w), key)
    if d.get("capital"):
        names.setdefault(fold(str(d["capital"])), key)  # "Beijing said": the capital as metonym
    for n in filter(None, own):
        for g in GOVERNMENT:
            names.setdefault(fold(f"{n} {g}"), key)
            names.setdefault(fold(f"{n}'s {g}"), key)
            names.setdefault(fold(f"{g} of {n}"), key)
    for adj in adjectives:
        for g in GOVERNMENT:
            names.setdefault(fold(f"{adj} {g}"), key)
    for n in d.get("government") or []:
        names[fold(str(n))] = key


@cache
def gazetteer() -> Gazetteer:
    d: dict[str, Any] = load_yaml("gazetteer.yaml")
    entries: dict[str, Entry] = {}
    names: dict[str, str] = {}
    words: dict[str, str] = {}
    titles: dict[str, str] = {}
    for st in d.get("states") or []:
        _state(st, names, words, entries)
    for o in d.get("orgs") or []:
        key = f"gz:{o['id']}"
        part = f"gz:{o['part_of']}" if o.get("part_of") else None
        entries[key] = Entry(key, str(o["name"]), str(o.get("kind") or "organization"), part)
        for n in [o["name"], *(o.get("acronyms") or []), *(o.get("aliases") or [])]:
            names.setdefault(fold(str(n)), key)
        for t in o.get("head_titles") or []:
            titles.setdefault(fold(str(t)), key)
            entries[key].head_titles.append(str(t))
    return Gazetteer(entries, names, words, titles)
