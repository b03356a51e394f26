"""`vigil audit`: who read or changed what in the workbench, newest first."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

import typer
from rich.table import Table

from vigil.console import fail, out
from vigil.errors import VigilError

SINCE_RX = re.compile(r"\d{4}(-\d{2}(-\d{2}(T[0-9:]{2,8}Z?)?)?)?")


def audit(
    user: Annotated[str | None, typer.Option(help="Only this account's events.")] = None,
    case: Annotated[int | None, typer.Option(help="Only events in this case (its id).")] = None,
    since: Annotated[str | None, typer.Option(help="From this UTC date or time (YYYY-MM-DD…).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many events.", min=1, max=1_000_000)] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """The audit log of the workbench: every read and change of case data, and every sign-in."""
    from vigil.store import audit as log
    from vigil.store.db import open_store

    if since is not None and not SINCE_RX.fullmatch(since):
        fail("--since takes a UTC date or time: YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ")
    try:
        store = open_store()
        with store.reads() as s:
            rows = [log.as_dict(e) for e in log.events(s, user=user, case_id=case, since=since, limit=limit)]
    except VigilError as exc:
        fail(str(exc))
    if as_json:
        for r in rows:
            typer.echo(json.dumps(r, ensure_ascii=False, sort_keys=True))
        return
    _print_table(rows)


def _print_table(rows: list[dict[str, Any]]) -> None:
    """The events as a table, long record lists cut to one line (--json has them whole)."""
    table = Table("id", "at (UTC)", "user", "from", "request", "case", "records", "status")
    for r in rows:
        records = json.dumps(r["records"], ensure_ascii=False, sort_keys=True)
        table.add_row(
            str(r["id"]),
            r["at"],
            r["user"] or "",
            r["address"] or "",
            f"{r['method']} {r['route']}",
            str(r["case_id"] or ""),
            records if len(records) <= 80 else records[:79] + "…",
            str(r["status"]),
        )
    out.print(table)
    out.print(f"{len(rows)} event{'s' if len(rows) != 1 else ''}")
