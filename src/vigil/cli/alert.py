"""`vigil alert`: rules on a case's new statements, and the alerts they raised with their deliveries."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from vigil.capture import custody
from vigil.cli.case import case_id as _case_id
from vigil.cli.case import open_or_fail
from vigil.console import fail, out

KINDS = ("accuse", "deny", "demand", "commit", "assert")


def _rule(actor: str | None, kind: str | None, word: str | None, status: str | None) -> tuple[str, str]:
    """The one field a rule watches and its value; none or several is the one-line error."""
    from vigil.connect.tracker import STATUSES

    given = [
        (f, v) for f, v in (("actor", actor), ("kind", kind), ("word", word), ("tracker-status", status)) if v
    ]
    if len(given) != 1:
        fail("give exactly one of --actor, --kind, --word, --tracker-status")
    field, value = given[0]
    if field == "kind" and value not in KINDS:
        fail(f"--kind must be one of {', '.join(KINDS)}")
    if field == "tracker-status" and value not in STATUSES:
        fail(f"--tracker-status must be one of {', '.join(STATUSES)}")
    return field, value.strip()


def alert_add(
    case: Annotated[str, typer.Argument(help="The case whose new statements are watched.")],
    actor: Annotated[str | None, typer.Option(help="A speaker or target's name.")] = None,
    kind: Annotated[
        str | None, typer.Option(help="A statement kind: accuse, deny, demand, commit, assert.")
    ] = None,
    word: Annotated[str | None, typer.Option(help="A word or phrase in the statement.")] = None,
    tracker_status: Annotated[str | None, typer.Option(help="A tracker item turning to this status.")] = None,
    webhook: Annotated[str | None, typer.Option(help="POST each alert as JSON to this URL.")] = None,
    email: Annotated[
        str | None, typer.Option(help="E-mail each alert here (VIGIL_SMTP_HOST/PORT/FROM).")
    ] = None,
) -> None:
    """Add an alert rule to a case; alerts are always recorded, and sent where asked."""
    from vigil.store import watch as db

    field, value = _rule(actor, kind, word, tracker_status)
    if webhook is not None and not webhook.startswith(("http://", "https://")):
        fail(f"--webhook must be an http or https URL: {webhook}")
    if email is not None and "@" not in email:
        fail(f"--email is not an address: {email}")
    store = open_or_fail()
    case_id = _case_id(store, case)
    with store.sessions.begin() as s:
        r = db.add_rule(s, case_id, field, value, webhook, email, custody.collector())
    out.print(f"rule {r.id} on {case!r}: {field} {value}")


def alert_list(case: Annotated[str, typer.Argument(help="The case.")]) -> None:
    """A case's alert rules and the alerts they raised, with how each delivery went."""
    from vigil.store import watch as db

    store = open_or_fail()
    case_id = _case_id(store, case)
    with store.reads() as s:
        rules, raised = db.rules(s, case_id), db.alerts(s, case_id)
    for r in rules:
        to = ", ".join(x for x in (r.webhook, r.email) if x) or "recorded only"
        out.print(f"rule {r.id}: {r.describe()} → {to}", highlight=False)
    table = Table("id", "at", "rule", "subject", "deliveries")
    for a in raised:
        sent = "; ".join(
            f"{d['channel']} {'ok' if d['ok'] else 'FAILED ' + d['detail']}" for d in json.loads(a.deliveries)
        )
        table.add_row(str(a.id), a.at[:16].replace("T", " "), str(a.rule_id), a.subject, sent or "recorded")
    out.print(table if raised else "no alerts raised yet")


def register(app: typer.Typer) -> None:
    """Add `vigil alert` with `add` and `list`."""
    alert_app = typer.Typer(help="Alert rules on a case's new statements.", no_args_is_help=True)
    app.add_typer(alert_app, name="alert")
    alert_app.command("add")(alert_add)
    alert_app.command("list")(alert_list)
