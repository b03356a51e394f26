"""`vigil case`: cases from the command line, and the case a `capture --case` (or ingest, watch) joins."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vigil.capture import custody
from vigil.console import fail, out
from vigil.errors import VigilError
from vigil.store import cases
from vigil.store.db import Store, open_store
from vigil.store.tables import Case, CaseCapture, CaseMember, User

# The account that owns cases made from the command line before any account exists. It cannot sign
# in (disabled, no password); `vigil case member` gives people access.
SYSTEM_ACCOUNT = "vigil-cli"


def _owner(s: Session, name: str | None) -> User:
    """The owner of a case made now: the named account, else the only admin, else the system account."""
    if name is not None:
        user = s.scalars(select(User).where(User.name == name)).first()
        if user is None:
            fail(f"no such account: {name}")
        return user
    admins = list(s.scalars(select(User).where(User.role == "admin", User.disabled.is_(False))))
    if len(admins) == 1:
        return admins[0]
    if len(admins) > 1:
        fail("several admin accounts: say which owns the new case with --owner NAME")
    system = s.scalars(select(User).where(User.name == SYSTEM_ACCOUNT)).first()
    if system is None:
        from vigil.web.auth import name_key

        system = User(
            name=SYSTEM_ACCOUNT,
            name_key=name_key(SYSTEM_ACCOUNT),
            password_hash="!",  # matches no password
            role="viewer",
            disabled=True,
            created_at=custody.now(),
        )
        s.add(system)
        s.flush()
    return system


def find_case(s: Session, name: str) -> Case | None:
    """The case of this name (the oldest, should names repeat), or None."""
    return s.scalars(select(Case).where(Case.name == name).order_by(Case.id)).first()


def into_case(store: Store, name: str, owner: str | None, capture_ids: list[int]) -> tuple[str, int]:
    """Add captures to the case of this name, creating it (owned by `owner`) when missing."""
    who = custody.collector()
    with store.sessions.begin() as s:
        case = find_case(s, name)
        if case is None:
            user = _owner(s, owner)
            case = cases.create(s, name, "", user.id, who)
        adder = case.created_by
        added = sum(cases.add_source(s, case.id, cid, adder, who) for cid in dict.fromkeys(capture_ids))
        return case.name, added


def case_list() -> None:
    """The cases, their sources and members."""
    store = open_or_fail()
    with store.reads() as s:
        rows = s.execute(select(Case.id, Case.name, Case.created_at).order_by(Case.id)).all()
        table = Table("id", "case", "sources", "members", "created")
        for cid, name, created in rows:
            n_src = s.scalar(select(func.count()).select_from(CaseCapture).where(CaseCapture.case_id == cid))
            n_mem = s.scalar(select(func.count()).select_from(CaseMember).where(CaseMember.case_id == cid))
            table.add_row(str(cid), name, str(n_src), str(n_mem), created[:16].replace("T", " "))
    out.print(table if rows else "no cases yet: capture with --case NAME, or create one in the workbench")


def case_member(
    case: Annotated[str, typer.Argument(help="The case's name.")],
    user: Annotated[str, typer.Argument(help="The account.")],
    role: Annotated[str, typer.Argument(help="owner, editor or viewer.")] = "editor",
) -> None:
    """Give an account a role in a case (recorded as a case event)."""
    if role not in cases.ROLES:
        fail(f"role must be one of {', '.join(cases.ROLES)}")
    store = open_or_fail()
    with store.sessions.begin() as s:
        c = find_case(s, case)
        u = s.scalars(select(User).where(User.name == user)).first()
        if c is None or u is None:
            fail(f"no such {'case' if c is None else 'account'}: {case if c is None else user}")
        cases.set_member(s, c.id, u.id, role, custody.collector())
    out.print(f"{user} is {role} of {case!r}")


def open_or_fail() -> Store:
    """The store, or its one-line error and exit 2."""
    try:
        return open_store()
    except VigilError as exc:
        fail(str(exc))


def case_id(store: Store, name: str) -> int:
    """The id of an existing case; a missing one is the one-line error, before any work is done."""
    with store.reads() as s:
        c = find_case(s, name)
        if c is None:
            fail(f"no such case: {name}")
        return c.id


def register(app: typer.Typer) -> None:
    """Add `vigil case list` and `vigil case member`."""
    case_app = typer.Typer(help="Cases: investigations with their sources and members.", no_args_is_help=True)
    app.add_typer(case_app, name="case")
    case_app.command("list")(case_list)
    case_app.command("member")(case_member)
