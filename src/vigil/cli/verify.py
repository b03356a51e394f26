"""`vigil verify` and `vigil checkpoint`: proof that the evidence store is as it was written."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vigil.cli.options import tsa
from vigil.console import fail, out
from vigil.errors import VigilError
from vigil.plural import counted


def verify() -> None:
    """Re-hash blobs, check WARC digests, row hash chains and timestamps; non-zero on any mismatch."""
    from vigil.store.db import open_store
    from vigil.store.verify import record_verification
    from vigil.store.verify import verify as run

    try:
        store = open_store()
        problems = list(run(store))
        record_verification(store, problems)
    except VigilError as exc:
        fail(str(exc))
    if problems:
        for p in problems:
            typer.echo(f"MISMATCH {p}", err=True)
        typer.echo(f"{counted(len(problems), 'problem')} found", err=True)
        raise typer.Exit(1)
    out.print("verified: every blob, WARC record, chained row and timestamp is intact")


def checkpoint(
    timestamp: Annotated[str | None, typer.Option(help="RFC 3161 time-stamp authority URL.")] = None,
    tsa_chain: Annotated[Path | None, typer.Option(help="PEM chain (root last) to trust the TSA.")] = None,
) -> None:
    """Show the newest checkpoint (it covers every chain); with a TSA, have its hash time-stamped."""
    from vigil.store import checkpoint as cp
    from vigil.store.db import open_store
    from vigil.store.records import stamp_checkpoint

    authority, chain = tsa(timestamp, tsa_chain)
    try:
        store = open_store()
        if authority is None:
            head = cp.read_head(store.root)
            if head is None:
                fail("no checkpoint is recorded yet")
            out.print(f"checkpoint {head[0]}  {head[1]}")
            return
        cp_id, cp_hash = stamp_checkpoint(store, authority, chain)
    except VigilError as exc:
        fail(str(exc))
    out.print(f"checkpoint {cp_id}  {cp_hash}\n  time-stamped by {authority}")
