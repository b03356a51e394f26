"""`vigil tracker`, `contested`, `claims`, `actors`: the record across sources, JSON first."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from vigil.capture import custody
from vigil.cli_cases import find_case, open_or_fail
from vigil.console import fail, out

CaseOpt = Annotated[str | None, typer.Option("--case", help="Only this case's sources (default: all).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV, one row per item (or per side).")]


def tracker_row(d: dict[str, Any]) -> dict[str, Any]:
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


def _monitor(case: str | None, texts: dict[int, str] | None = None) -> Any:
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


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _print_csv(rows: list[dict[str, Any]]) -> None:
    """Flat rows, each cell made inert for spreadsheets (as every CSV export of Vigil)."""
    from vigil.store.export import csv_row

    buf = io.StringIO()
    if rows:
        w = csv.DictWriter(buf, fieldnames=list(rows[0]))
        w.writeheader()
        for r in rows:
            w.writerow(csv_row(r))
    typer.echo(buf.getvalue(), nl=False)


def export_ftm(case: str | None, output: Path | None) -> None:
    """`vigil export --format ftm`: the register, sources, statements and events as FtM entities."""
    from vigil.connect.ftm import entities

    texts: dict[int, str] = {}
    m = _monitor(case, texts)
    lines = [json.dumps(e, ensure_ascii=False, sort_keys=True) for e in entities(m, texts)]
    data = "".join(line + "\n" for line in lines)
    if output is None:
        typer.echo(data, nl=False)
        return
    try:
        output.write_text(data, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
    out.print(f"exported {len(lines)} entities to {output}")


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
    items = [i for i in _monitor(case).tracker(day) if status is None or i.status == status]
    if as_json:
        _print_json([tr.to_json(i) for i in items])
        return
    if as_csv:
        _print_csv([tracker_row(tr.to_json(i)) for i in items])
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

    found = _monitor(case).contested()
    if as_json:
        _print_json([ct.to_json(c) for c in found])
        return
    if as_csv:
        _print_csv([row for c in found for row in contested_rows(ct.to_json(c))])
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

    found = _monitor(case).claims()
    if as_json:
        _print_json([cl.to_json(c) for c in found])
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


def actor_json(a: Any, said: dict[str, int]) -> dict[str, Any]:
    return {
        "id": a.id,
        "name": a.name,
        "kind": a.kind,
        "aliases": a.aliases,
        "titles": a.titles,
        "documents": len(a.documents),
        "statements": said.get(a.id, 0),
        "links": [{"id": lk.key, "relation": lk.relation} for lk in a.links],
        "judgements": [
            {
                "left": j.left,
                "right": j.right,
                "verdict": j.verdict,
                "origin": j.origin,
                "by": j.by,
                "at": j.at or None,
                "note": j.note,
            }
            for j in a.judgements
        ],
    }


def actors_list(ctx: typer.Context, case: CaseOpt = None, as_json: JsonOpt = False) -> None:
    """The actor register: one entry per real-world actor, with every name it goes by."""
    if ctx.invoked_subcommand is not None:
        return
    m = _monitor(case)
    said: dict[str, int] = {}
    for s in m.statements:
        if s.speaker:
            said[s.speaker] = said.get(s.speaker, 0) + 1
    if as_json:
        _print_json([actor_json(a, said) for a in m.register.actors])
        return
    table = Table("id", "name", "kind", "documents", "statements", "also")
    for a in m.register.actors:
        table.add_row(
            a.id, a.name, a.kind, str(len(a.documents)), str(said.get(a.id, 0)), ", ".join(a.aliases[:6])
        )
    out.print(table)


def _judge(left: str, right: str, verdict: str, note: str) -> None:
    from vigil.store.monitor import record_judgement

    store = open_or_fail()
    with store.sessions.begin() as s:
        record_judgement(s, left, right, verdict, custody.collector(), note)


def _known(m: Any, ref: str) -> str:
    """A register id, or a name the register knows, as the key a judgement records."""
    if m.register.get(ref) is not None or ref in m.register.bases:
        return ref
    key = m.register.key_of_name(ref)
    if key is None:
        fail(f"no actor is called {ref!r} (see vigil actors)")
    return ref


First = Annotated[str, typer.Argument(help="An actor's id or name.")]
Second = Annotated[str, typer.Argument(help="Another actor's id or name.")]
Note = Annotated[str, typer.Option(help="Why (kept with the judgement).")]


def _judged(first: str, second: str, verdict: str, note: str) -> None:
    m = _monitor(None)
    _judge(_known(m, first), _known(m, second), verdict, note)
    out.print(f"judged {'the same' if verdict == 'same' else 'different'}: {first}, {second}")


def actors_merge(first: First, second: Second, note: Note = "") -> None:
    """Judge two actors to be one (a recorded judgement; `split` undoes it)."""
    _judged(first, second, "same", note)


def actors_split(first: First, second: Second, note: Note = "") -> None:
    """Judge two names to be different actors (a recorded judgement, over any earlier one)."""
    _judged(first, second, "different", note)


def register(app: typer.Typer) -> None:
    app.command()(tracker)
    app.command()(contested)
    app.command()(claims)
    actors_app = typer.Typer(help="The actor register.", invoke_without_command=True)
    actors_app.callback()(actors_list)
    actors_app.command("merge")(actors_merge)
    actors_app.command("split")(actors_split)
    app.add_typer(actors_app, name="actors")
