"""`vigil extract` (one article, nothing stored) and `vigil reextract` (every stored document again)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vigil.console import StatementRow, fail, out, statement_table
from vigil.errors import VigilError
from vigil.model import Extraction
from vigil.plural import counted


def _read_input(path: str, allow_private: bool = False) -> tuple[bytes, str | None]:
    """The input's bytes, and the final URL when it was fetched."""
    from vigil.extract.reader import max_bytes

    if path == "-":
        data = sys.stdin.buffer.read(max_bytes() + 1)
        return data, None
    if path.startswith(("http://", "https://")):
        return _fetch(path, allow_private, max_bytes())
    p = Path(path)
    if not p.exists():
        fail(f"no such file: {path}")
    if p.is_dir():
        fail(f"{path} is a directory; give a file")
    size = p.stat().st_size
    if size > max_bytes():
        fail(f"{path} is {size:,} bytes; the limit is {max_bytes():,} (VIGIL_MAX_BYTES)")
    try:
        return p.read_bytes(), None
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")


def _fetch(url: str, allow_private: bool, limit: int) -> tuple[bytes, str | None]:
    """A URL's body and final address; a refused or failed fetch is the one-line error, not a page."""
    from vigil.capture.fetch import fetch

    try:
        got = fetch(url, allow_private=allow_private, max_bytes=limit)
    except VigilError as exc:
        fail(str(exc))
    if got.status >= 400:
        fail(f"{url} answered HTTP {got.status}")
    return got.body, got.final_url


def _extract(data: bytes, url: str | None, published: str | None) -> Extraction:
    """The pipeline's result; whatever goes wrong inside is one line and an exit status, never a traceback."""
    from vigil.extract.pipeline import extract_bytes

    try:
        return extract_bytes(data, url=url, published=published)
    except VigilError as exc:
        fail(str(exc))
    except RecursionError:
        fail("input is nested too deeply to parse")
    except MemoryError:
        fail("input is too large to process in memory")
    except Exception as exc:  # one line, never a traceback; the type names the bug to report
        fail(f"extraction failed unexpectedly ({exc.__class__.__name__}: {exc}); please report it", code=3)


def extract(
    path: Annotated[str, typer.Argument(help="A text, HTML or PDF file, a URL, or - for standard input.")],
    published: Annotated[str | None, typer.Option(help="Publication date, YYYY-MM-DD.")] = None,
    url: Annotated[str | None, typer.Option(help="The page's address, recorded in the output.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the JSON contract instead of tables.")
    ] = False,
    allow_private: Annotated[
        bool, typer.Option(help="Allow fetching private and loopback addresses.")
    ] = False,
) -> None:
    """Extract actors and attributed statements from one article."""
    from vigil.extract.dates import parse_published

    if published is not None and (len(published) != 10 or parse_published(published) is None):
        fail(f"--published must be a real date as YYYY-MM-DD, not {published!r}")
    data, fetched_url = _read_input(path, allow_private)
    result = _extract(data, url or fetched_url, published)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n")
        return
    show(result)


def show(result: Extraction) -> None:
    """The article's header, its statements as cards, and its actors: what a reader checks first."""
    src = result.source
    out.print(f"[bold]{src.title or '(untitled)'}[/]")
    meta = [
        f"published {src.published} ({src.published_from})" if src.published else "publication date unknown"
    ]
    if src.authors:
        meta.append("by " + ", ".join(src.authors))
    out.print("  " + " · ".join(meta), style="dim")
    rows = [
        StatementRow(st.kind, st.speaker_name, st.target_name, st.date, st.text) for st in result.statements
    ]
    out.print(statement_table(rows))
    actors = Table(title=counted(len(result.actors), "actor"), expand=True)
    for col in ("id", "name", "kind", "aliases", "titles"):
        actors.add_column(col)
    for a in result.actors:
        actors.add_row(a.id, a.name, a.kind, ", ".join(a.aliases), "; ".join(a.titles))
    out.print(actors)


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
