"""Text in, an Extraction out: the whole core, with no I/O.

The same function serves the CLI, the web app and a Dask worker: it takes
bytes already read and returns dataclasses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Iterable, Iterator

from spacy.tokens import Doc

from vigil import __version__
from vigil.extract.actors import ActorIndex
from vigil.extract.budget import Budget
from vigil.extract.dates import find_dateline, parse_published
from vigil.extract.events import EventReader
from vigil.extract.nlp import parse, pipeline, tokenize
from vigil.extract.reader import read
from vigil.extract.statements import StatementReader
from vigil.extract.text import Article
from vigil.model import Extraction, Source


def publication(article: Article, given: str | None) -> tuple[dt.date | None, str | None]:
    """The publication date and where it came from: the argument, page metadata, or a dateline."""
    if given:
        return parse_published(given), "argument"
    meta = parse_published(article.published)
    if meta is not None:
        return meta, "metadata"
    head = article.removed[:40] + article.text.split("\n\n")[:3]
    found = find_dateline(head)
    if found is not None:
        return found, "text"
    return None, None


def extract_bytes(
    data: bytes, url: str | None = None, published: str | None = None, budget: Budget | None = None
) -> Extraction:
    """Read input bytes (text, HTML or PDF) and extract actors and statements.

    The whole of it, reading included, runs under one time budget
    (VIGIL_EXTRACT_SECONDS unless one is given); past it, InputError.
    """
    budget = budget or Budget()
    article = read(data, url=url, budget=budget)
    return extract_article(
        article, sha256=hashlib.sha256(data).hexdigest(), published=published, budget=budget
    )


def extract_article(
    article: Article, sha256: str, published: str | None = None, budget: Budget | None = None
) -> Extraction:
    """Extract from an article already read."""
    budget = budget or Budget()
    return _extract(article, sha256, published, parse(article.text, budget), budget)


def extract_many(
    items: Iterable[tuple[Article, str, str | None]], batch_size: int = 16
) -> Iterator[Extraction]:
    """Extract from many (article, sha256, published) at once, letting spaCy batch the parsing.

    Each item has its own budget, from its tokenizing on; a batch's parse is
    not interrupted, so it is checked when the item's own stages run.
    """
    staged = ((article, sha256, published, Budget()) for article, sha256, published in items)
    staged_a, staged_b = itertools.tee(staged)
    docs = pipeline().pipe((tokenize(a.text, b) for a, _, _, b in staged_a), batch_size=batch_size)
    for (article, sha256, published, budget), doc in zip(staged_b, docs, strict=True):
        yield _extract(article, sha256, published, doc, budget)


def _extract(article: Article, sha256: str, published: str | None, doc: Doc, budget: Budget) -> Extraction:
    budget.check()
    pub, pub_from = publication(article, published)
    index = ActorIndex(doc, budget)
    reader = StatementReader(doc, index, published=pub, publishers=article.authors, budget=budget)
    statements = reader.read()
    events = EventReader(reader).read()
    actors = index.finish(reader.taking_part)
    by_id = {a.id: a for a in actors}
    names = {c.key: (c.id, by_id[c.id].name) for c in index.clusters if c.id and c.id in by_id}
    for st in statements:
        st.speaker, st.speaker_name = names.get(st.speaker or "", (None, None))
        st.target, st.target_name = names.get(st.target or "", (None, None))
    for ev in events:
        ev.actor, ev.actor_name = names.get(ev.actor or "", (None, None))
    source = Source(
        sha256=sha256,
        text=article.text,
        url=article.url,
        title=article.title,
        subtitle=article.subtitle,
        published=pub.isoformat() if pub else None,
        published_from=pub_from if pub else None,
        authors=article.authors,
        captions=article.captions,
        removed=article.removed,
    )
    return Extraction(
        vigil_version=__version__, source=source, actors=actors, statements=statements, events=events
    )
