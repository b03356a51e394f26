"""The terminal: one console for output, one for errors, and the one-line failure every command uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

out = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True, markup=True)
    raise typer.Exit(code)


KIND_STYLE = {"accuse": "red", "deny": "yellow", "demand": "magenta", "commit": "green", "assert": "cyan"}


@dataclass(frozen=True)
class StatementRow:
    """One statement as a terminal row: who said what kind of thing, the sentence, and where from."""

    kind: str
    speaker: str | None
    target: str | None
    date: str | None
    text: str
    source: str | None = None


def statement_table(rows: list[StatementRow]) -> Table:
    """Who-and-what stacked in one narrow column, so the sentence keeps the width even at 80 columns.

    Five side-by-side columns left the sentence one to three characters wide
    in an ordinary terminal; stacked, a row reads like a card.
    """
    word = "statement" if len(rows) == 1 else "statements"
    table = Table(title=f"{len(rows)} {word}", show_lines=True, expand=True)
    table.add_column("who · kind · when", min_width=18, max_width=26, overflow="fold")
    table.add_column("sentence", ratio=3, min_width=30, overflow="fold")
    for r in rows:
        who = [f"[{KIND_STYLE.get(r.kind, '')}]{r.kind}[/]", escape(r.speaker or "?")]
        if r.target:
            who.append(f"→ {escape(r.target)}")
        if r.date:
            who.append(f"[dim]{r.date}[/]")
        text = escape(r.text)
        if r.source:
            text += f"\n[dim]{escape(r.source)}[/]"
        table.add_row("\n".join(who), text)
    return table
