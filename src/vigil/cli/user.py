"""`vigil user …`: the workbench's accounts.

Every account command is one transaction; an unknown user or bad input is one
line on standard error and exit status 2. Whatever changes what an account may
do (password, role, disabling, a new second factor) ends its sessions.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.table import Table

from vigil.console import fail, out
from vigil.errors import VigilError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vigil.store.tables import User

T = TypeVar("T")
Name = Annotated[str, typer.Argument(help="The account's name (any spelling that folds to it).")]
PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")]


def _on_user(name: str, change: Callable[[Session, User], T]) -> tuple[str, T]:
    """Run `change` on the named account in one transaction; its name as stored, and what it gave."""
    from vigil.store.db import open_store
    from vigil.web.auth import find_user

    try:
        store = open_store()
        with store.sessions.begin() as s:
            user = find_user(s, name)
            if user is None:
                raise VigilError(f"no user named {name!r}")
            done = change(s, user)
            _audit(s, user.name)
            return user.name, done
    except VigilError as exc:
        fail(str(exc))


def _audit(s: Session, account: str) -> None:
    """A change to an account from the command line is audited like one from the workbench."""
    from vigil.capture import custody
    from vigil.store import audit

    command = " ".join(["vigil", *(a for a in sys.argv[1:3] if not a.startswith("-"))])
    entry = audit.Entry(custody.collector(), None, "CLI", command, None, {"account": account}, 0)
    audit.record(s, entry)


def _password(name: str, from_stdin: bool) -> str:
    """The password given on stdin (one line), else a generated one the command prints once."""
    from vigil.web.auth import new_password

    return sys.stdin.readline().rstrip("\r\n") if from_stdin else new_password(name)


def user_add(
    name: Name,
    role: Annotated[str, typer.Option(help="admin, editor or viewer.")] = "editor",
    password_stdin: PasswordStdin = False,
    require_2fa: Annotated[
        bool, typer.Option("--require-2fa", help="Refuse a session until a second factor is enrolled.")
    ] = False,
) -> None:
    """Create an account; prints a generated password unless one comes on standard input."""
    from vigil.store.db import open_store
    from vigil.web.auth import add_user

    password = _password(name, password_stdin)
    try:
        store = open_store()
        with store.sessions.begin() as s:
            shown = add_user(s, name, password, role, require_2fa=require_2fa).name
            _audit(s, shown)
    except VigilError as exc:
        fail(str(exc))
    out.print(f"user {shown} ({role}) created", highlight=False)
    if not password_stdin:
        out.print(f"password: {password}", highlight=False)


def user_list() -> None:
    """List the accounts: role, whether disabled, second factor, lock."""
    from sqlalchemy import select

    from vigil.store.db import open_store
    from vigil.store.tables import User
    from vigil.web.auth import locked

    try:
        store = open_store()
        with store.sessions() as s:
            users = list(s.scalars(select(User).order_by(User.name_key)))
    except VigilError as exc:
        fail(str(exc))
    table = Table("name", "role", "disabled", "2fa", "locked")
    for u in users:
        factor = ("on" if u.totp_secret else "off") + (" (required)" if u.require_2fa else "")
        until = f"until {u.locked_until[:16].replace('T', ' ')} UTC" if locked(u) and u.locked_until else "no"
        table.add_row(u.name, u.role, "yes" if u.disabled else "no", factor, until)
    out.print(table)


def user_passwd(name: Name, password_stdin: PasswordStdin = False) -> None:
    """Set a new password (generated and printed unless given on standard input); ends its sessions."""
    from vigil.web.auth import set_password

    password = _password(name, password_stdin)
    shown, _ = _on_user(name, lambda s, u: set_password(s, u, password))
    out.print(f"password of {shown} changed; its sessions are ended", highlight=False)
    if not password_stdin:
        out.print(f"password: {password}", highlight=False)


def user_unlock(name: Name) -> None:
    """Lift a lock left by failed sign-ins."""
    from vigil.web.auth import unlock

    shown, _ = _on_user(name, lambda s, u: unlock(u))
    out.print(f"user {shown} unlocked", highlight=False)


def user_disable(name: Name) -> None:
    """Refuse every sign-in of the account and end its sessions."""
    from vigil.web.auth import set_disabled

    shown, _ = _on_user(name, lambda s, u: set_disabled(s, u, True))
    out.print(f"user {shown} disabled; its sessions are ended", highlight=False)


def user_enable(name: Name) -> None:
    """Let a disabled account sign in again."""
    from vigil.web.auth import set_disabled

    shown, _ = _on_user(name, lambda s, u: set_disabled(s, u, False))
    out.print(f"user {shown} enabled", highlight=False)


def user_role(name: Name, role: Annotated[str, typer.Argument(help="admin, editor or viewer.")]) -> None:
    """Change the account's global role; ends its sessions."""
    from vigil.web.auth import set_role

    shown, _ = _on_user(name, lambda s, u: set_role(s, u, role))
    out.print(f"user {shown} is now {role}; its sessions are ended", highlight=False)


def user_2fa(name: Name) -> None:
    """Enrol a second factor (a new secret replaces an old one); prints the secret and recovery codes once."""
    from vigil.web.auth import enrol_totp

    shown, got = _on_user(name, enrol_totp)
    out.print(f"second factor of {shown} enrolled; its sessions are ended", highlight=False)
    out.print(f"secret: {got.secret}", highlight=False)
    out.print(f"uri: {got.uri}", highlight=False, soft_wrap=True)
    out.print("recovery codes (each works once; they are not shown again):", highlight=False)
    for code in got.codes:
        out.print(f"  {code}", highlight=False)


def user_require_2fa(
    name: Name, off: Annotated[bool, typer.Option("--off", help="No longer require it.")] = False
) -> None:
    """Require a second factor of the account: it gets no session until one is enrolled."""

    def change(s: Session, user: User) -> None:
        user.require_2fa = not off

    shown, _ = _on_user(name, change)
    out.print(f"user {shown}: second factor {'not ' if off else ''}required", highlight=False)


USER_COMMANDS: dict[str, Callable[..., None]] = {
    "add": user_add,
    "list": user_list,
    "passwd": user_passwd,
    "unlock": user_unlock,
    "disable": user_disable,
    "enable": user_enable,
    "role": user_role,
    "2fa": user_2fa,
    "require-2fa": user_require_2fa,
}


def register(app: typer.Typer) -> None:
    """Add `vigil user` and its commands, in the order of USER_COMMANDS."""
    user_app = typer.Typer(help="Accounts of the workbench.", no_args_is_help=True)
    app.add_typer(user_app, name="user")
    for name, command in USER_COMMANDS.items():
        user_app.command(name)(command)
