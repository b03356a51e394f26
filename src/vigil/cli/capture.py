"""`vigil capture`: sources kept as evidence, one by one or from a list, optionally into a case.

The command only parses and reports; the helpers below read the list, expand
directories, capture each item (a failure is recorded and the rest go on) and
print the summary, so that each step can be read on its own.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from vigil.cli.case import into_case, open_or_fail
from vigil.cli.options import CaseOption, OwnerOption, date_option, tsa
from vigil.console import fail, out
from vigil.errors import VigilError
from vigil.plural import counted

if TYPE_CHECKING:
    from vigil.capture.intake import Options
    from vigil.store.db import Store
    from vigil.store.records import Captured


class _Work(NamedTuple):
    """One thing to capture: as given, the file when it is one, and whether a re-run may skip it."""

    item: str
    path: Path | None
    resumable: bool


@dataclass
class _Tally:
    """What a run did, for the summary line, the case and the exit status."""

    done: int = 0
    skipped: int = 0
    statements: int = 0
    failures: list[str] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)  # capture ids for the case


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
    max_bytes: Annotated[int, typer.Option(help="Largest response or file, in bytes.")] = 25 * 1024 * 1024,
    timeout: Annotated[float, typer.Option(help="Seconds allowed for each fetch.")] = 30.0,
    screenshot: Annotated[bool, typer.Option(help="Add a full-page PNG from headless Chromium.")] = False,
    timestamp: Annotated[str | None, typer.Option(help="RFC 3161 time-stamp authority URL.")] = None,
    tsa_chain: Annotated[Path | None, typer.Option(help="PEM chain (root last) to trust the TSA.")] = None,
    no_extract: Annotated[bool, typer.Option("--no-extract", help="Keep the bytes only.")] = False,
    published: Annotated[
        str | None, typer.Option(help="Publication date, YYYY-MM-DD (a list line may give its own).")
    ] = None,
    case: CaseOption = None,
    owner: OwnerOption = None,
) -> None:
    """Capture sources as evidence: exact bytes, WARC, custody record, and extraction."""
    authority, chain = tsa(timestamp, tsa_chain)
    opts = _options(
        note,
        allow_private=allow_private,
        allowed=frozenset(allow_address or []),
        max_bytes=max_bytes,
        timeout=timeout,
        screenshot=screenshot,
        tsa=(authority, chain),
        extract=not no_extract,
        published=date_option(published),
    )
    listed, dated, batch = _listed(items, from_file)
    work = _expand(listed, batch)
    store = open_or_fail()
    tally = _capture_all(store, work, opts, dated, batch)
    _summary(store, tally, len(work) > 1, case, owner)


def _options(
    note: str | None,
    *,
    allow_private: bool,
    allowed: frozenset[str],
    max_bytes: int,
    timeout: float,
    screenshot: bool,
    tsa: tuple[str | None, bytes | None],
    extract: bool,
    published: str | None,
) -> Options:
    """The capture options every item shares (a list line may still give its own date)."""
    from vigil.capture.intake import Options

    return Options(
        note=note,
        allow_private=allow_private,
        allowed=allowed,
        max_bytes=max_bytes,
        timeout=timeout,
        screenshot=screenshot,
        tsa_url=tsa[0],
        tsa_chain=tsa[1],
        extract=extract,
        published=published,
    )


def _listed(items: list[str] | None, from_file: Path | None) -> tuple[list[str], dict[str, str], str | None]:
    """The items as given, each list line's own date, and the list's hash (so a re-run can resume it)."""
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
                dated[item.strip()] = date_option(day.strip(), f"{from_file}: {item.strip()}") or ""
    if not listed:
        fail("give URLs, files, directories or - (or --from-file with a list)")
    return listed, dated, batch


def _expand(listed: list[str], batch: str | None) -> list[_Work]:
    """Each item as work, a directory as its visible files; a missing path stops the run before any work."""
    from vigil.capture.intake import is_url

    work: list[_Work] = []
    for item in listed:
        if item == "-" or is_url(item):
            work.append(_Work(item, None, batch is not None))
            continue
        p = Path(item)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            work += [_Work(str(f), f, True) for f in files]
        elif p.exists():
            work.append(_Work(item, p, batch is not None))
        else:
            fail(f"no such file, directory or URL: {item}")
    return work


def _progress(bulk: bool) -> Progress:
    """A bar for a run of several items on a terminal; nothing for one item or when piped."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=out,
        transient=True,
        disable=not bulk or not sys.stderr.isatty(),
    )


def _capture_all(
    store: Store, work: list[_Work], opts: Options, dated: dict[str, str], batch: str | None
) -> _Tally:
    """Capture every item; one that fails is noted and the run goes on."""
    tally = _Tally()
    bulk = len(work) > 1
    with _progress(bulk) as progress:
        task = progress.add_task("capturing", total=len(work))
        for w in work:
            progress.update(task, description=f"capturing {Path(w.item).name[:40]}")
            one = replace(opts, published=dated[w.item]) if w.item in dated else opts
            try:
                got = _capture_one(store, w, one, batch)
                if got is None:
                    tally.skipped += 1
                else:
                    _count(tally, w.item, got, bulk)
            except VigilError as exc:
                tally.failures.append(f"{w.item}: {exc}")
            except OSError as exc:
                tally.failures.append(f"{w.item}: {exc.strerror or exc}")
            progress.advance(task)
    return tally


def _capture_one(store: Store, w: _Work, opts: Options, batch: str | None) -> Captured | None:
    """One item captured, or None when a resumed list or path already holds it."""
    from vigil.capture.intake import capture_file, capture_stdin, capture_url

    if w.item == "-":
        return capture_stdin(store, opts)
    if w.path is None:
        if w.resumable and _captured_in_batch(store, w.item, batch):
            return None
        return capture_url(store, w.item, opts, batch=batch)
    return capture_file(store, w.path, opts, batch=batch, resume=w.resumable)


def _count(tally: _Tally, item: str, got: Captured, bulk: bool) -> None:
    """Add one capture to the tally; a single item is described in full at once."""
    tally.done += 1
    tally.kept.append(got.capture.id)
    tally.statements += got.statements
    if got.error:
        tally.failures.append(f"{item}: recorded as capture {got.capture.id}, not a source: {got.error}")
    if not bulk:
        _print_one(item, got)


def _print_one(item: str, got: Captured) -> None:
    """The capture's hashes and size, and what extraction made of it."""
    c = got.capture
    out.print(
        f"captured {item}\n  capture {c.id}  sha256 {c.page_sha256}  {c.size:,} bytes  "
        f"{c.media_type}\n  warc    {c.warc_sha256}"
    )
    if got.error:
        out.print(f"  [yellow]not a source:[/] {got.error}")
    elif got.document is not None and got.statements:
        out.print(f"  document {got.document.id}: {counted(got.statements, 'statement')} extracted")
    elif got.document is not None:
        out.print(f"  document {got.document.id}: these bytes were extracted before")


def _summary(store: Store, tally: _Tally, bulk: bool, case: str | None, owner: str | None) -> None:
    """The run's counts, the case the captures joined, each failure on stderr, and exit 1 if any."""
    if not bulk and tally.skipped:
        out.print("already captured from this list or path with the same bytes; skipped")
    if bulk:
        out.print(
            f"captured {tally.done}, skipped {tally.skipped} already captured, failed {len(tally.failures)}; "
            f"{counted(tally.statements, 'statement')} extracted"
        )
    if case is not None and tally.kept:
        name, added = into_case(store, case, owner, tally.kept)
        out.print(f"case {name!r}: {added} source{'s' if added != 1 else ''} added")
    for f in tally.failures:
        typer.echo(f"error: {f}", err=True)
    if tally.failures:
        raise typer.Exit(1)


def _captured_in_batch(store: Store, url: str, batch: str | None) -> bool:
    """Whether this list (by its hash) already captured the URL: a re-run of the list resumes."""
    from sqlalchemy import select

    from vigil.store.tables import Capture

    if batch is None:
        return False
    with store.sessions() as session:
        return (
            session.scalar(
                select(Capture.id).where(Capture.requested_url == url, Capture.batch == batch).limit(1)
            )
            is not None
        )
