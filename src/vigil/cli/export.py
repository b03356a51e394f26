"""`vigil export`: a selection of the record as files other tools read (JSON lines, CSV, WARC, WACZ, FtM)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from vigil.console import fail, out
from vigil.errors import VigilError
from vigil.plural import counted


def export(
    fmt: Annotated[str, typer.Option("--format", help="jsonl, json, csv, warc, wacz or ftm.")] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (stdout if absent).")
    ] = None,
    query: Annotated[str, typer.Option(help="Only statements matching these words.")] = "",
    kind: Annotated[str | None, typer.Option(help="Only this kind.")] = None,
    speaker: Annotated[str | None, typer.Option(help="Only this speaker.")] = None,
    case: Annotated[
        str | None, typer.Option(help="Only this case's sources, with its reviews (statements and ftm).")
    ] = None,
) -> None:
    """Export a selection: statements as JSON lines, JSON or CSV, captures as WARC or validated WACZ, or
    actors, sources and statements as followthemoney entities (ftm, JSON lines).

    Statements have the workbench export's columns (statement, kind, speaker, target, date and its
    precision, sentence, quote, review status, reviewer, review time, source title, URL, SHA-256,
    capture time); with --case, as that case reviewed them, else with their latest review anywhere."""
    from vigil.store.db import open_store
    from vigil.store.export import export as run

    if fmt == "ftm":
        export_ftm(case, output)
        return
    if fmt not in ("jsonl", "json", "csv", "warc", "wacz"):
        fail("--format must be jsonl, json, csv, warc, wacz or ftm")
    if fmt in ("warc", "wacz") and output is None:
        fail(f"--format {fmt} needs --output FILE")
    try:
        store = open_store()
        case_id = case_id_of(store, case) if case is not None else None
        n = run(store, fmt, output, query=query, kind=kind, speaker=speaker, case_id=case_id)
    except VigilError as exc:
        fail(str(exc))
    if output is not None:
        out.print(f"exported {counted(n, 'record')} to {output}")


def case_id_of(store: Any, name: str) -> int:
    from vigil.cli.case import find_case

    with store.reads() as s:
        found = find_case(s, name)
    if found is None:
        fail(f"no such case: {name}")
    return int(found.id)


def export_ftm(case: str | None, output: Path | None) -> None:
    """`vigil export --format ftm`: the register, sources, statements and events as FtM entities."""
    from vigil.cli.monitor import load_monitor
    from vigil.connect.ftm import entities

    texts: dict[int, str] = {}
    m = load_monitor(case, texts)
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
