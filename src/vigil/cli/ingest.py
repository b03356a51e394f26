"""`vigil ingest`: bulk capture of directories, URL lists, WARC/WACZ archives and JSON-lines dumps."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from vigil.cli.case import find_case, into_case, open_or_fail
from vigil.cli.options import CaseOption, OwnerOption
from vigil.console import fail, out
from vigil.errors import VigilError
from vigil.plural import counted


class RateColumn(ProgressColumn):
    """Items a second, as the bar has measured them."""

    def render(self, task: Any) -> Text:
        return Text(f"{task.speed:.1f}/s" if task.speed else "…/s", style="progress.data.speed")


def ingest(
    items: Annotated[
        list[str] | None,
        typer.Argument(help="URLs, files, directories, .warc/.warc.gz, .wacz or .jsonl dumps."),
    ] = None,
    from_file: Annotated[
        Path | None, typer.Option("--from-file", help="A list of URLs or paths, one a line (TAB date).")
    ] = None,
    published: Annotated[str | None, typer.Option(help="Publication date where none is given.")] = None,
    allow_private: Annotated[
        bool, typer.Option(help="Allow private and loopback addresses (a lab).")
    ] = False,
    workers: Annotated[int | None, typer.Option(help="Local Dask workers (default: CPU count).")] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="An existing Dask scheduler, tcp://HOST:PORT.")
    ] = None,
    batch_size: Annotated[int, typer.Option(help="Captures committed per transaction.")] = 20,
    threads: Annotated[
        bool, typer.Option(help="Local workers as threads of this process (small runs).")
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds allowed for each fetch.")] = 30.0,
    case: CaseOption = None,
    owner: OwnerOption = None,
) -> None:
    """Capture many sources as evidence, extracting on a Dask cluster; re-run to resume."""
    from vigil.capture.ingest import Settings

    if batch_size < 1 or (workers is not None and workers < 1):
        fail("--batch-size and --workers must be at least 1")
    if workers is not None and scheduler is not None:
        fail("give --workers (a local cluster) or --scheduler (an existing one), not both")
    inputs, default = _inputs(items, from_file, published)
    store = open_or_fail()
    target = _case(store, case, owner)
    settings = Settings(allow_private=allow_private, timeout=timeout, batch_size=batch_size, case=target)
    summary = _run(store, inputs, default, settings, (workers, scheduler, threads))
    _report(summary)


def _inputs(
    items: list[str] | None, from_file: Path | None, published: str | None
) -> tuple[list[tuple[str, str | None]], str | None]:
    """Every input with its own date (or None), and the default date; all checked before any work."""
    from vigil.capture import sources

    try:
        default = sources.check_date(published, "--published")
        inputs: list[tuple[str, str | None]] = [(i, None) for i in items or []]
        inputs += sources.read_list(from_file) if from_file is not None else []
        sources.check_inputs(inputs)
    except VigilError as exc:
        fail(str(exc))
    if not inputs:
        fail("give URLs, files, directories, archives or dumps (or --from-file with a list)")
    return inputs, default


def _case(store: Any, name: str | None, owner: str | None) -> Any:
    """The case to add to, created now (owner checked) so that a bad --owner stops before any work."""
    if name is None:
        return None
    from vigil.capture import custody
    from vigil.capture.writer import CaseTarget

    into_case(store, name, owner, [])
    with store.reads() as s:
        found = find_case(s, name)
        assert found is not None  # just created
        return CaseTarget(found.id, found.created_by, custody.collector())


def _run(store: Any, inputs: Any, default: str | None, settings: Any, where: tuple[Any, ...]) -> Any:
    """Ingest on the cluster `where` names, the bar counting items as they are stored."""
    from vigil.capture import sources
    from vigil.capture.ingest import cluster, ingest

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        console=out,
        transient=True,
        disable=not sys.stdout.isatty(),
    ) as progress:
        task = progress.add_task("counting", total=sources.count(inputs))
        progress.update(task, description="ingesting")
        try:
            with cluster(*where) as client:
                return ingest(
                    store,
                    sources.entries(inputs, default),
                    client,
                    settings,
                    lambda _label: progress.advance(task),
                )
        except VigilError as exc:
            fail(str(exc))


def _report(summary: Any) -> None:
    """The counts, failures grouped by kind on stderr (three examples each), and exit 1 if any."""
    failed = len(summary.failures)
    over = f"; {summary.passed_over} archive records passed over (not pages)" if summary.passed_over else ""
    out.print(
        f"captured {summary.captured}, skipped {summary.skipped} (already stored), failed {failed}; "
        f"{counted(summary.statements, 'statement')} extracted{over}",
        highlight=False,
    )
    for kind, n in summary.reasons():
        named = [item for item, why in summary.failures if _kind(why) == kind]
        more = ", …" if len(named) > 3 else ""
        typer.echo(f"{n} failed: {kind} ({', '.join(named[:3])}{more})", err=True)
    if failed:
        raise typer.Exit(1)


def _kind(reason: str) -> str:
    """The kind of a failure reason, as the summary groups them."""
    from vigil.capture.ingest import reason_kind

    return reason_kind(reason)
