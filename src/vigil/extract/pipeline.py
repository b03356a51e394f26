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
from vigil.extract.dates import find_dateline, parse_published
from vigil.extract.nlp import pipeline
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


def extract_bytes(data: bytes, url: str | None = None, published: str | None = None) -> Extraction:
    """Read input bytes (text, HTML or PDF) and extract actors and statements."""
    article = read(data, url=url)
    return extract_article(article, sha256=hashlib.sha256(data).hexdigest(), published=published)


def extract_article(article: Article, sha256: str, published: str | None = None) -> Extraction:
    """Extract from an article already read."""
    return _extract(article, sha256, published, pipeline()(article.text))


def extract_many(
    items: Iterable[tuple[Article, str, str | None]], batch_size: int = 16
) -> Iterator[Extraction]:
    """Extract from many (article, sha256, published) at once, letting spaCy batch the parsing."""
    items_a, items_b = itertools.tee(items)
    docs = pipeline().pipe((a.text for a, _, _ in items_a), batch_size=batch_size)
    for (article, sha256, published), doc in zip(items_b, docs, strict=True):
        yield _extract(article, sha256, published, doc)


def _extract(article: Article, sha256: str, published: str | None, doc: Doc) -> Extraction:
    pub, pub_from = publication(article, published)
    index = ActorIndex(doc)
    reader = StatementReader(doc, index, published=pub, publishers=article.authors)
    statements = reader.read()
    actors = index.finish(reader.taking_part)
    names = {c.key: (c.id, a.name) for c in index.clusters for a in actors if a.id == c.id and c.id}
    for st in statements:
        st.speaker, st.speaker_name = names.get(st.speaker or "", (None, None))
        st.target, st.target_name = names.get(st.target or "", (None, None))
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
    return Extraction(vigil_version=__version__, source=source, actors=actors, statements=statements)
