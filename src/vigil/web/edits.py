"""What a person may type into a statement: validated by type, length and full-match format.

Every value that reaches a review record passes here, so a list where a name belongs, a date with
a trailing newline or a megabyte of speaker can never be stored and break a page later.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import HTTPException

from vigil.model import KINDS

DATE_RX = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?|--\d{2}(?:-\d{2})?")
MAX_NAME = 300
MAX_SPAN = 5000
FIELDS = ("kind", "speaker", "target", "date")


def clean(changes: dict[str, Any]) -> dict[str, str | None]:
    """The edit as stored: known fields only, strings only; an empty speaker/target/date clears it."""
    out: dict[str, str | None] = {}
    for key in FIELDS:
        if key not in changes or changes[key] is None:
            continue
        value = changes[key]
        if not isinstance(value, str):
            raise HTTPException(422, f"{key} must be text")
        if key != "date":
            value = value.strip()
        if key == "kind":
            if value:
                if value not in KINDS:
                    raise HTTPException(422, f"kind must be one of {', '.join(KINDS)}")
                out[key] = value
        elif key == "date":
            if value and not DATE_RX.fullmatch(value):
                raise HTTPException(422, "date must be YYYY, YYYY-MM, YYYY-MM-DD, --MM or --MM-DD")
            out[key] = value or None
        else:
            if len(value) > MAX_NAME or any(ord(c) < 32 for c in value):
                raise HTTPException(422, f"{key} must be one line of at most {MAX_NAME} characters")
            out[key] = value or None
    return out
