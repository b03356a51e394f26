"""The record as followthemoney entities, using the library's own schemata, for Aleph and friends.

Actors become Person, Organization, PublicBody (states and their institutions) or
LegalEntity (groups); sources become Article; statements and narrated events
become Event (the speaker or actor as organizer, the target as involved, the
article as proof); an institution's place in its state is a Membership and a
head of an office a Directorship. Places that do not act are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy

from vigil.connect.monitor import Monitor
from vigil.model import SourceRef

SCHEMA = {"person": "Person", "organization": "Organization", "state": "PublicBody", "group": "LegalEntity"}
NS = "vigil"


def _entity(schema: str, *keys: object) -> EntityProxy:
    e = model.make_entity(schema)
    e.make_id(NS, schema, *[str(k) for k in keys])
    return e


def _article(src: SourceRef, text: str | None) -> EntityProxy:
    a = _entity("Article", src.sha256)
    a.add("title", src.title or src.url or src.sha256)
    a.add("contentHash", src.sha256)
    a.add("sourceUrl", src.url)
    a.add("publishedAt", src.published)
    a.add("bodyText", text)
    return a


def entities(m: Monitor, texts: dict[int, str] | None = None) -> Iterator[dict[str, Any]]:
    """Every entity once, as followthemoney's dicts (`id`, `schema`, `properties`)."""
    texts = texts or {}
    actors: dict[str, EntityProxy] = {}
    for a in m.register.actors:
        if a.kind not in SCHEMA:
            continue
        schema = "PublicBody" if a.id.startswith("inst:") else SCHEMA[a.kind]
        e = _entity(schema, a.id)
        e.add("name", a.name)
        e.add("alias", [n for n in a.aliases if n != a.name])
        if a.id.startswith("gz:") and len(a.id) == 5 and a.kind == "state":
            e.add("country", a.id[3:].lower(), quiet=True)
        if a.titles and schema == "Person":
            e.add("position", a.titles)
        actors[a.id] = e
    for proxy in actors.values():
        yield proxy.to_dict()
    for a in m.register.actors:
        for lk in a.links:
            if a.id in actors and lk.key in actors:
                yield _link(actors[a.id], actors[lk.key], lk.relation).to_dict()
    sources: dict[int, SourceRef] = {s.source.document: s.source for s in m.statements}
    sources.update({n.source.document: n.source for n in m.events})
    articles = {d: _article(src, texts.get(d)) for d, src in sources.items()}
    yield from (a.to_dict() for a in articles.values())
    for s in m.statements:
        ev = _entity("Event", "statement", s.id)
        ev.add("name", f"{s.kind}: {s.text[:120]}")
        ev.add("summary", s.text)
        ev.add("keywords", [s.kind])
        ev.add("date", s.date if s.date and not s.date.startswith("--") else None, quiet=True)
        ev.add("proof", articles[s.source.document].id)
        _involve(ev, actors, s.speaker, s.target)
        yield ev.to_dict()
    for n in m.events:
        ev = _entity("Event", "event", n.id)
        ev.add("name", f"{n.action}: {n.text[:120]}")
        ev.add("summary", n.text)
        ev.add("keywords", [n.action, "negated" if n.negated else "narrated"])
        ev.add("date", n.date if n.date and not n.date.startswith("--") else None, quiet=True)
        ev.add("proof", articles[n.source.document].id)
        _involve(ev, actors, n.actor, None)
        yield ev.to_dict()


def _involve(ev: EntityProxy, actors: dict[str, EntityProxy], doer: str | None, other: str | None) -> None:
    if doer in actors:
        ev.add("organizer", actors[doer].id)
    if other in actors:
        ev.add("involved", actors[other].id)


def _link(a: EntityProxy, b: EntityProxy, relation: str) -> EntityProxy:
    if relation == "heads":
        d = _entity("Directorship", a.id, b.id)
        d.add("director", a.id)
        d.add("organization", b.id)
        d.add("role", "head")
        return d
    ms = _entity("Membership", a.id, b.id)
    ms.add("member", a.id)
    ms.add("organization", b.id)
    ms.add("role", "part of")
    return ms
