"""Options more than one command reads the same way: a publication date, and a time-stamp authority."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

import typer

from vigil.console import fail

# the case a command's captures join, and who owns it when the command creates it
CaseOption = Annotated[str | None, typer.Option(help="Add the captures to this case (created when missing).")]
OwnerOption = Annotated[
    str | None, typer.Option(help="The account that owns a new case (default: the only admin).")
]


def date_option(value: str | None, where: str = "--published") -> str | None:
    """A publication date as the collector gives it: YYYY-MM-DD, checked, else a one-line error."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        fail(f"{where}: {value!r} is not a date (YYYY-MM-DD)")


def tsa(url: str | None, chain_path: Path | None) -> tuple[str | None, bytes | None]:
    """The time-stamp authority and its trusted chain, from the options or VIGIL_TSA_URL/VIGIL_TSA_CHAIN."""
    authority = url or os.environ.get("VIGIL_TSA_URL") or None
    path = chain_path or (Path(os.environ["VIGIL_TSA_CHAIN"]) if os.environ.get("VIGIL_TSA_CHAIN") else None)
    if path is None:
        return authority, None
    try:
        return authority, path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
