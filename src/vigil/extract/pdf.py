"""PDF files: their text layer through pypdf, then the plain-text rules."""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader

from vigil.errors import ExtractionError, VigilError
from vigil.extract.budget import Budget
from vigil.extract.text import Article, structure


def from_pdf(data: bytes, budget: Budget | None = None) -> Article:
    """Read the text layer of a PDF; a scanned PDF without one is an error, not an empty article."""
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [_page_text(page, budget) for page in reader.pages]
    except VigilError:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken files
        raise ExtractionError(f"cannot read PDF: {exc.__class__.__name__}") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text.strip():
        raise ExtractionError("the PDF has no text layer (scanned image?)")
    art = structure(text, budget=budget)
    meta = reader.metadata
    if meta is not None and meta.title and not art.title:
        art.title = str(meta.title)
    return art


def _page_text(page: PageObject, budget: Budget | None) -> str:
    """One page's text, the clock read first: a PDF of many pages is read page by page."""
    if budget is not None:
        budget.check()
    return page.extract_text() or ""
