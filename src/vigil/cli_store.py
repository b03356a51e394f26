"""`vigil capture`, `reextract`, `search`, `verify`, `export`: the evidence store from the command line."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from vigil.cli_cases import into_case
from vigil.console import StatementRow, fail, out, statement_table
from vigil.errors import VigilError


def register(app: typer.Typer) -> None:
    """Add the store's commands to the `vigil` app."""

    @app.command()
    def capture(
        items: Annotated[
            list[str] | None, typer.Argument(help="URLs, files, directories, or - for standard input.")
        ] = None,
        note: Annotated[str | None, typer.Option(help="A note kept in the custody record.")] = None,
        from_file: Annotated[
            Path | None, typer.Option("--from-file", help="A file of URLs or paths, one a line.")
        ] = None,
        allow_private: Annotated[
            bool, typer.Option(help="Allow private and loopback addresses (a lab).")
        ] = False,
        allow_address: Annotated[
            list[str] | None, typer.Option(help="Allow one private address.", hidden=True)
        ] = None,
        max_bytes: Annotated[int, typer.Option(help="Largest response or file, in bytes.")] = 25
        * 1024
        * 1024,
        timeout: Annotated[float, typer.Option(help="Seconds allowed for each fetch.")] = 30.0,
        screenshot: Annotated[bool, typer.Option(help="Add a full-page PNG from headless Chromium.")] = False,
        timestamp: Annotated[str | None, typer.Option(help="RFC 3161 time-stamp authority URL.")] = None,
        tsa_chain: Annotated[
            Path | None, typer.Option(help="PEM chain (root last) to trust the TSA.")
        ] = None,
        no_extract: Annotated[bool, typer.Option("--no-extract", help="Keep the bytes only.")] = False,
        published: Annotated[
            str | None, typer.Option(help="Publication date, YYYY-MM-DD (a list line may give its own).")
        ] = None,
        case: Annotated[
            str | None, typer.Option(help="Add the captures to this case (created when missing).")
        ] = None,
        owner: Annotated[
            str | None, typer.Option(help="The account that owns a new case (default: the only admin).")
        ] = None,
    ) -> None:
        """Capture sources as evidence: exact bytes, WARC, custody record, and extraction."""

        from vigil.capture.intake import Options, capture_file, capture_stdin, capture_url, is_url
        from vigil.store.db import open_store

        tsa, chain = _tsa(timestamp, tsa_chain)
        published = _date_option(published)
        opts = Options(
            note=note,
            allow_private=allow_private,
            allowed=frozenset(allow_address or []),
            max_bytes=max_bytes,
            timeout=timeout,
            screenshot=screenshot,
            tsa_url=tsa,
            tsa_chain=chain,
            extract=not no_extract,
            published=published,
        )
        listed = list(items or [])
        dated: dict[str, str] = {}
        batch = None
        if from_file is not None:
            try:
                lines = from_file.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                fail(f"cannot read {from_file}: {exc}")
            extra = [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]
            batch = hashlib.sha256("\n".join(extra).encode()).hexdigest()
            for ln in extra:
                item, _, day = ln.partition("\t")
                listed.append(item.strip())
                if day.strip():
                    dated[item.strip()] = _date_option(day.strip(), f"{from_file}: {item.strip()}") or ""
        if not listed:
            fail("give URLs, files, directories or - (or --from-file with a list)")
        work: list[tuple[str, Path | None, bool]] = []  # (item, file, resumable)
        for item in listed:
            if item == "-" or is_url(item):
                work.append((item, None, batch is not None))
                continue
            p = Path(item)
            if p.is_dir():
                files = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
                work += [(str(f), f, True) for f in files]
            elif p.exists():
                work.append((item, p, batch is not None))
            else:
                fail(f"no such file, directory or URL: {item}")
        try:
            store = open_store()
        except VigilError as exc:
            fail(str(exc))
        failures: list[str] = []
        kept: list[int] = []  # capture ids for the case
        done = skipped = statements = 0
        bulk = len(work) > 1
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=out,
            transient=True,
            disable=not bulk or not sys.stderr.isatty(),
        ) as progress:
            task = progress.add_task("capturing", total=len(work))
            for item, path, resumable in work:
                progress.update(task, description=f"capturing {Path(item).name[:40]}")
                one = replace(opts, published=dated[item]) if item in dated else opts
                try:
                    if item == "-":
                        got = capture_stdin(store, one)
                    elif path is None:
                        if resumable and _captured_in_batch(store, item, batch):
                            skipped += 1
                            progress.advance(task)
                            continue
                        got = capture_url(store, item, one, batch=batch)
                    else:
                        got2 = capture_file(store, path, one, batch=batch, resume=resumable)
                        if got2 is None:
                            skipped += 1
                            progress.advance(task)
                            continue
                        got = got2
                    done += 1
                    kept.append(got.capture.id)
                    statements += got.statements
                    if got.error:
                        failures.append(
                            f"{item}: recorded as capture {got.capture.id}, not a source: {got.error}"
                        )
                    if not bulk:
                        c = got.capture
                        out.print(
                            f"captured {item}\n  capture {c.id}  sha256 {c.page_sha256}  {c.size:,} bytes  "
                            f"{c.media_type}\n  warc    {c.warc_sha256}"
                        )
                        if got.error:
                            out.print(f"  [yellow]not a source:[/] {got.error}")
                        elif got.document is not None and got.statements:
                            out.print(f"  document {got.document.id}: {got.statements} statements extracted")
                        elif got.document is not None:
                            out.print(f"  document {got.document.id}: these bytes were extracted before")
                except VigilError as exc:
                    failures.append(f"{item}: {exc}")
                except OSError as exc:
                    failures.append(f"{item}: {exc.strerror or exc}")
                progress.advance(task)
        if not bulk and skipped:
            out.print("already captured from this list or path with the same bytes; skipped")
        if bulk:
            out.print(
                f"captured {done}, skipped {skipped} already captured, failed {len(failures)}; "
                f"{statements} statements extracted"
            )
        if case is not None and kept:
            name, added = into_case(store, case, owner, kept)
            out.print(f"case {name!r}: {added} source{'s' if added != 1 else ''} added")
        for f in failures:
            typer.echo(f"error: {f}", err=True)
        if failures:
            raise typer.Exit(1)

    @app.command()
    def reextract(
        everything: Annotated[bool, typer.Option("--all", help="Re-run on every current document.")] = False,
    ) -> None:
        """Re-run extraction with this version; older results stay, marked superseded."""
        from vigil.store.db import open_store
        from vigil.store.records import reextract as run

        try:
            store = open_store()
            done, skipped = run(store, everything=everything)
        except VigilError as exc:
            fail(str(exc))
        out.print(f"re-extracted {done} documents; {skipped} could not be read as articles")

    @app.command()
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
        import re

        from vigil.model import KINDS
        from vigil.store.db import open_store
        from vigil.store.search import search as run

        if kind is not None and kind not in KINDS:
            fail(f"--kind must be one of {', '.join(KINDS)}")
        for name, value in (("--since", since), ("--until", until)):
            if value is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
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
        rows = [
            StatementRow(
                h.kind,
                h.speaker,
                h.target,
                h.date,
                h.text,
                "\n".join(x for x in (h.title, h.url, f"sha256 {h.blob_sha256[:12]}…") if x),
            )
            for h in hits
        ]
        out.print(statement_table(rows))

    @app.command()
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
            typer.echo(f"{len(problems)} problems found", err=True)
            raise typer.Exit(1)
        out.print("verified: every blob, WARC record, chained row and timestamp is intact")

    @app.command()
    def checkpoint(
        timestamp: Annotated[str | None, typer.Option(help="RFC 3161 time-stamp authority URL.")] = None,
        tsa_chain: Annotated[
            Path | None, typer.Option(help="PEM chain (root last) to trust the TSA.")
        ] = None,
    ) -> None:
        """Show the newest checkpoint (it covers every chain); with a TSA, have its hash time-stamped."""
        from vigil.store import checkpoint as cp
        from vigil.store.db import open_store
        from vigil.store.records import stamp_checkpoint

        tsa, chain = _tsa(timestamp, tsa_chain)
        try:
            store = open_store()
            if tsa is None:
                head = cp.read_head(store.root)
                if head is None:
                    fail("no checkpoint is recorded yet")
                out.print(f"checkpoint {head[0]}  {head[1]}")
                return
            cp_id, cp_hash = stamp_checkpoint(store, tsa, chain)
        except VigilError as exc:
            fail(str(exc))
        out.print(f"checkpoint {cp_id}  {cp_hash}\n  time-stamped by {tsa}")

    @app.command()
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
            from vigil.cli_monitor import export_ftm

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


def _date_option(value: str | None, where: str = "--published") -> str | None:
    """A publication date as the collector gives it: YYYY-MM-DD, checked, else a one-line error."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        fail(f"{where}: {value!r} is not a date (YYYY-MM-DD)")


def _tsa(url: str | None, chain_path: Path | None) -> tuple[str | None, bytes | None]:
    """The time-stamp authority and its trusted chain, from the options or VIGIL_TSA_URL/VIGIL_TSA_CHAIN."""
    import os

    tsa = url or os.environ.get("VIGIL_TSA_URL") or None
    path = chain_path or (Path(os.environ["VIGIL_TSA_CHAIN"]) if os.environ.get("VIGIL_TSA_CHAIN") else None)
    if path is None:
        return tsa, None
    try:
        return tsa, path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")


def _captured_in_batch(store: object, url: str, batch: str | None) -> bool:
    from sqlalchemy import select

    from vigil.store.db import Store
    from vigil.store.tables import Capture

    assert isinstance(store, Store)
    if batch is None:
        return False
    with store.sessions() as session:
        return (
            session.scalar(
                select(Capture.id).where(Capture.requested_url == url, Capture.batch == batch).limit(1)
            )
            is not None
        )
