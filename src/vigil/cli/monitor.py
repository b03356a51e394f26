"""`vigil tracker`, `contested`, `claims`: the record across sources, JSON first."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Annotated, Any

import typer
from rich.table import Table

from vigil.cli.case import find_case, open_or_fail
from vigil.console import fail, out

CaseOpt = Annotated[str | None, typer.Option("--case", help="Only this case's sources (default: all).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV, one row per item (or per side).")]


def tracker_row(d: dict[str, Any]) -> dict[str, Any]:
    """A tracker item as one flat CSV row, its latest evidence spelled out for checking."""
    last = next((e for e in reversed(d["evidence"])), None)
    src = (last or {}).get("source") or {}
    return {
        "id": d["id"],
        "kind": d["kind"],
        "by": "; ".join(d["by"]),
        "of": d["of"],
        "what": d["what"],
        "opened": d["opened"],
        "deadline": d["deadline"],
        "status": d["status"],
        "status_date": d["status_date"],
        "proposed": d["proposed"],
        "sources": len(d["statements"]),
        "first_sentence": d["statements"][0]["sentence"] if d["statements"] else None,
        "evidence_sentence": (last or {}).get("sentence"),
        "evidence_origin": (last or {}).get("origin"),
        "evidence_url": src.get("url"),
        "evidence_sha256": src.get("sha256"),
    }


def contested_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """A contested claim as CSV rows, one per accusation or response, so both sides sort together."""
    out = []
    for side, rows in (("accusation", d["accusations"]), ("response", d["responses"])):
        for r in rows:
            src = r.get("source") or {}
            out.append(
                {
                    "claim": d["id"],
                    "topic": d["topic"],
                    "accused": d["accused"],
                    "side": side,
                    "speaker": r["speaker"],
                    "kind": r.get("kind", "accuse"),
                    "date": r["date"],
                    "sentence": r["sentence"],
                    "url": src.get("url"),
                    "sha256": src.get("sha256"),
                    "published": src.get("published"),
                }
            )
    return out


def load_monitor(case: str | None, texts: dict[int, str] | None = None) -> Any:
    """The record across one case's sources (or all), read in one go; a missing case is the one-line error."""
    from vigil.connect.monitor import assemble
    from vigil.store import monitor

    store = open_or_fail()
    with store.reads() as s:
        case_id = None
        if case is not None:
            c = find_case(s, case)
            if c is None:
                fail(f"no such case: {case}")
            case_id = c.id
        rec = monitor.load(s, monitor.case_documents(s, case_id), case_id)
    if texts is not None:  # read once with the rest, for exports that carry the article text
        texts.update(rec.texts)
    return assemble(rec.names, rec.statements, rec.events, rec.judgements, rec.decisions)


def print_json(data: Any) -> None:
    """Indented JSON, non-ASCII kept: what the --json of every monitor command prints."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def print_csv(rows: list[dict[str, Any]]) -> None:
    """Flat rows, each cell made inert for spreadsheets (as every CSV export of Vigil)."""
    from vigil.store.export import csv_row

    buf = io.StringIO()
    if rows:
        w = csv.DictWriter(buf, fieldnames=list(rows[0]))
        w.writeheader()
        for r in rows:
            w.writerow(csv_row(r))
    typer.echo(buf.getvalue(), nl=False)


def tracker(
    case: CaseOpt = None,
    status: Annotated[str | None, typer.Option(help="Only items with this status.")] = None,
    as_of: Annotated[str | None, typer.Option(help="Judge deadlines as of this day (default today).")] = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Demands and commitments followed across sources: open, met, partly-met, refused, overdue, withdrawn."""
    from vigil.connect import tracker as tr

    if status is not None and status not in tr.STATUSES:
        fail(f"status must be one of {', '.join(tr.STATUSES)}")
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        fail(f"--as-of: {as_of!r} is not a date (YYYY-MM-DD)")
    items = [i for i in load_monitor(case).tracker(day) if status is None or i.status == status]
    if as_json:
        print_json([tr.to_json(i) for i in items])
        return
    if as_csv:
        print_csv([tracker_row(tr.to_json(i)) for i in items])
        return
    table = Table("status", "kind", "by", "of", "what", "opened", "deadline", "evidence")
    for i in items:
        last = i.history[-1]
        table.add_row(
            i.status,
            i.kind,
            "; ".join(i.by),
            i.of or "",
            i.what,
            i.opened or "",
            i.deadline or "",
            last.sentence[:90] if last.status != "open" else "",
        )
    out.print(table if items else "no demands or commitments found")


def contested(case: CaseOpt = None, as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """Allegations and the accused party's denials or counter-accounts, side by side."""
    from vigil.connect import contested as ct

    found = load_monitor(case).contested()
    if as_json:
        print_json([ct.to_json(c) for c in found])
        return
    if as_csv:
        print_csv([row for c in found for row in contested_rows(ct.to_json(c))])
        return
    for c in found:
        out.print(f"[bold]{c.accused_name}[/]: {c.topic}")
        for s in c.accusations:
            out.print(f"  [red]accuse[/] {s.speaker_name} ({s.source.published or '?'}): {s.text[:120]}")
        for s in c.responses:
            out.print(f"  [yellow]{s.kind}[/] {s.speaker_name} ({s.source.published or '?'}): {s.text[:120]}")
    if not found:
        out.print("no contested claims found")


def claims(case: CaseOpt = None, as_json: JsonOpt = False) -> None:
    """One speaker's statement reported by several sources, grouped."""
    from vigil.connect import claims as cl

    found = load_monitor(case).claims()
    if as_json:
        print_json([cl.to_json(c) for c in found])
        return
    table = Table("speaker", "kind", "sources", "first seen", "last seen", "statement")
    for c in found:
        d = cl.to_json(c)
        table.add_row(
            c.speaker_name or "",
            c.kind,
            str(len(c.documents)),
            d["first_seen"] or "",
            d["last_seen"] or "",
            c.statements[0].text[:90],
        )
    out.print(table if found else "no claim is reported by more than one source")


def register(app: typer.Typer) -> None:
    """Add `vigil tracker`, `contested` and `claims`."""
    app.command()(tracker)
    app.command()(contested)
    app.command()(claims)
