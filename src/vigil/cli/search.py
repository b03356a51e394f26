"""`vigil search`: stored statements found by words and filters, each with its sentence and source."""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from vigil.console import StatementRow, fail, out, statement_table
from vigil.errors import VigilError

if TYPE_CHECKING:
    from vigil.store.search import Hit

DATE_RX = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def search(
    query: Annotated[str, typer.Argument(help="Words to find in statements.")] = "",
    kind: Annotated[str | None, typer.Option(help="accuse, deny, demand, commit or assert.")] = None,
    speaker: Annotated[str | None, typer.Option(help="Part of the speaker's name.")] = None,
    target: Annotated[str | None, typer.Option(help="Part of the target's name.")] = None,
    since: Annotated[str | None, typer.Option(help="Earliest date, YYYY[-MM[-DD]].")] = None,
    until: Annotated[str | None, typer.Option(help="Latest date, YYYY[-MM[-DD]].")] = None,
    limit: Annotated[int, typer.Option(help="Most results.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Search statements, ranked, with the sentence and its source."""
    from vigil.model import KINDS
    from vigil.store.db import open_store
    from vigil.store.search import search as run

    if kind is not None and kind not in KINDS:
        fail(f"--kind must be one of {', '.join(KINDS)}")
    for name, value in (("--since", since), ("--until", until)):
        if value is not None and not DATE_RX.fullmatch(value):
            fail(f"{name} must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    try:
        store = open_store()
        with store.sessions() as session:
            hits = run(
                session,
                query,
                kind=kind,
                speaker=speaker,
                target=target,
                since=since,
                until=until,
                limit=limit,
            )
    except VigilError as exc:
        fail(str(exc))
    if as_json:
        for h in hits:
            sys.stdout.write(json.dumps(h.__dict__, ensure_ascii=False) + "\n")
        return
    out.print(statement_table([_row(h) for h in hits]))


def _row(h: Hit) -> StatementRow:
    """A hit as a card, its source (title, address, blob hash) under the sentence for checking."""
    source = "\n".join(x for x in (h.title, h.url, f"sha256 {h.blob_sha256[:12]}…") if x)
    return StatementRow(h.kind, h.speaker, h.target, h.date, h.text, source)
