"""`vigil export`: a selection of the record as files other tools read (JSON lines, CSV, WARC, WACZ, FtM)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from vigil.console import fail, out
from vigil.errors import VigilError


def export(
    fmt: Annotated[str, typer.Option("--format", help="jsonl, csv, warc, wacz or ftm.")] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (stdout if absent).")
    ] = None,
    query: Annotated[str, typer.Option(help="Only statements matching these words.")] = "",
    kind: Annotated[str | None, typer.Option(help="Only this kind.")] = None,
    speaker: Annotated[str | None, typer.Option(help="Only this speaker.")] = None,
    case: Annotated[str | None, typer.Option(help="With --format ftm: only this case's sources.")] = None,
) -> None:
    """Export a selection: statements as JSON lines or CSV, captures as WARC or validated WACZ, or
    actors, sources and statements as followthemoney entities (ftm, JSON lines)."""
    from vigil.store.db import open_store
    from vigil.store.export import export as run

    if fmt == "ftm":
        export_ftm(case, output)
        return
    if fmt not in ("jsonl", "csv", "warc", "wacz"):
        fail("--format must be jsonl, csv, warc, wacz or ftm")
    if fmt in ("warc", "wacz") and output is None:
        fail(f"--format {fmt} needs --output FILE")
    try:
        store = open_store()
        n = run(store, fmt, output, query=query, kind=kind, speaker=speaker)
    except VigilError as exc:
        fail(str(exc))
    if output is not None:
        out.print(f"exported {n} records to {output}")


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
