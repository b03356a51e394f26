"""`vigil watch`: feeds and sitemaps polled, each new article captured into a case."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from vigil.capture import custody
from vigil.cli.case import case_id as _case_id
from vigil.cli.case import into_case, open_or_fail
from vigil.console import fail, out
from vigil.plural import counted

PrivateOpt = Annotated[
    bool, typer.Option(help="Allow private and loopback addresses for feeds, articles and webhooks (a lab).")
]


def watch_add(
    case: Annotated[str, typer.Argument(help="The case the articles go into (created when missing).")],
    url: Annotated[str, typer.Argument(help="The feed's or sitemap's URL.")],
    kind: Annotated[str, typer.Option(help="feed (RSS or Atom) or sitemap.")] = "feed",
    every: Annotated[int, typer.Option(help="Minutes between polls.", min=1)] = 60,
    owner: Annotated[str | None, typer.Option(help="The account that owns a new case.")] = None,
) -> None:
    """Watch a feed or sitemap: each new article is captured into the case."""
    from vigil.capture.watch import KINDS as WATCHED
    from vigil.capture.watch import normalise
    from vigil.store import watch as db

    if kind not in WATCHED:
        fail(f"--kind must be one of {', '.join(WATCHED)}")
    target = normalise(url)
    if target is None:
        fail(f"not an http or https URL: {url}")
    store = open_or_fail()
    into_case(store, case, owner, [])
    case_id = _case_id(store, case)
    with store.sessions.begin() as s:
        w = db.add_watch(s, case_id, target, kind, every, custody.collector())
    out.print(f"watch {w.id}: {kind} {target} into {case!r} every {every} min")


def watch_list() -> None:
    """The watches, their cases, schedules and last polls (removed ones marked)."""
    from vigil.store import watch as db
    from vigil.store.tables import Case, WatchState

    store = open_or_fail()
    table = Table("id", "case", "kind", "url", "every", "last poll", "state")
    with store.reads() as s:
        gone = db.removed_ids(s)
        rows = db.watches(s, active_only=False)
        for w in rows:
            c, st = s.get(Case, w.case_id), s.get(WatchState, w.id)
            last = (st.polled_at or "")[:16].replace("T", " ") if st else ""
            state = "removed" if w.id in gone else "active"
            table.add_row(
                str(w.id), c.name if c else "?", w.kind, w.url, f"{w.every_minutes} min", last, state
            )
    out.print(table if rows else "no watches: add one with `vigil watch add CASE URL`")


def watch_run(
    once: Annotated[bool, typer.Option("--once", help="Poll every active watch now, then exit.")] = False,
    due_only: Annotated[bool, typer.Option("--due-only", help="With --once: only watches due.")] = False,
    allow_private: PrivateOpt = False,
    timeout: Annotated[float, typer.Option(help="Seconds allowed for each fetch.")] = 30.0,
) -> None:
    """Poll the watches: with --once a single round, else on their schedules until Ctrl-C."""
    from vigil.capture.intake import Options
    from vigil.capture.watch import Polled, run

    def report(p: Polled) -> None:
        answer = "not modified" if p.status == 304 else f"HTTP {p.status}" if p.status else "no answer"
        out.print(
            f"watch {p.watch}: {answer}, {p.links} links, {len(p.captured)} captured "
            f"({counted(p.statements, 'statement')}), {len(p.duplicates)} duplicate, "
            f"{counted(len(p.alerts), 'alert')}"
        )
        for a in p.alerts:
            out.print(f"  [bold]alert[/] {a}", highlight=False)
        for f in p.failures + p.undelivered:
            typer.echo(f"  error: {f}", err=True)

    store = open_or_fail()
    opts = Options(allow_private=allow_private, timeout=timeout)
    polls = run(store, opts, once=once, every_watch=once and not due_only, report=report)
    if once and not polls:
        out.print("no watch to poll")


def watch_remove(
    watch_id: Annotated[int, typer.Argument(help="The watch's id (see `vigil watch list`).")],
) -> None:
    """Stop a watch: recorded as a removal event, the watch and its polls kept."""
    from vigil.store import watch as db
    from vigil.store.tables import Watch

    store = open_or_fail()
    with store.sessions.begin() as s:
        if s.get(Watch, watch_id) is None or watch_id in db.removed_ids(s):
            fail(f"no active watch {watch_id}")
        db.log(s, watch_id, "removed", {}, custody.collector())
    out.print(f"watch {watch_id} removed")


def register(app: typer.Typer) -> None:
    """Add `vigil watch` with `add`, `list`, `run` and `remove`."""
    watch_app = typer.Typer(help="Feeds and sitemaps polled for new articles.", no_args_is_help=True)
    app.add_typer(watch_app, name="watch")
    watch_app.command("add")(watch_add)
    watch_app.command("list")(watch_list)
    watch_app.command("run")(watch_run)
    watch_app.command("remove")(watch_remove)
