"""`vigil actors`: the actor register, and the judgements that merge or split its entries."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from vigil.capture import custody
from vigil.cli.case import open_or_fail
from vigil.cli.monitor import CaseOpt, JsonOpt, load_monitor, print_json
from vigil.console import fail, out


def actor_json(a: Any, said: dict[str, int]) -> dict[str, Any]:
    """One register entry as JSON: names, links and every judgement, so a merge can be traced."""
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
    m = load_monitor(case)
    said: dict[str, int] = {}
    for s in m.statements:
        if s.speaker:
            said[s.speaker] = said.get(s.speaker, 0) + 1
    if as_json:
        print_json([actor_json(a, said) for a in m.register.actors])
        return
    table = Table("id", "name", "kind", "documents", "statements", "also")
    for a in m.register.actors:
        table.add_row(
            a.id, a.name, a.kind, str(len(a.documents)), str(said.get(a.id, 0)), ", ".join(a.aliases[:6])
        )
    out.print(table)


def _judge(left: str, right: str, verdict: str, note: str) -> None:
    """Record the judgement in one transaction, with who made it."""
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
    """Both names checked against the register, the judgement recorded, and said so."""
    m = load_monitor(None)
    _judge(_known(m, first), _known(m, second), verdict, note)
    out.print(f"judged {'the same' if verdict == 'same' else 'different'}: {first}, {second}")


def actors_merge(first: First, second: Second, note: Note = "") -> None:
    """Judge two actors to be one (a recorded judgement; `split` undoes it)."""
    _judged(first, second, "same", note)


def actors_split(first: First, second: Second, note: Note = "") -> None:
    """Judge two names to be different actors (a recorded judgement, over any earlier one)."""
    _judged(first, second, "different", note)


def register(app: typer.Typer) -> None:
    """Add `vigil actors` (the list) with `merge` and `split` under it."""
    actors_app = typer.Typer(help="The actor register.", invoke_without_command=True)
    actors_app.callback()(actors_list)
    actors_app.command("merge")(actors_merge)
    actors_app.command("split")(actors_split)
    app.add_typer(actors_app, name="actors")
