"""`vigil serve` and `vigil user add`: the workbench and its accounts."""

from __future__ import annotations

import secrets
import sys
from typing import Annotated

import typer

from vigil.console import fail, out
from vigil.errors import VigilError


def register(app: typer.Typer) -> None:
    """Add the workbench's commands to the `vigil` app."""
    user_app = typer.Typer(help="Accounts of the workbench.", no_args_is_help=True)
    app.add_typer(user_app, name="user")

    @user_app.command("add")
    def user_add(
        name: Annotated[str, typer.Argument(help="The account's name.")],
        role: Annotated[str, typer.Option(help="admin, editor or viewer.")] = "editor",
        password_stdin: Annotated[
            bool, typer.Option("--password-stdin", help="Read the password from stdin.")
        ] = False,
    ) -> None:
        """Create an account; prints a generated password unless one comes on standard input."""
        from vigil.store.db import open_store
        from vigil.web.auth import add_user

        password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(12)
        try:
            store = open_store()
            with store.sessions.begin() as s:
                add_user(s, name, password, role)
        except VigilError as exc:
            fail(str(exc))
        out.print(f"user {name} ({role}) created")
        if not password_stdin:
            out.print(f"password: {password}")

    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        allow_private: Annotated[
            bool, typer.Option(help="Let captures fetch private addresses (a lab).")
        ] = False,
    ) -> None:
        """Serve the workbench."""
        import uvicorn

        from vigil.store.db import open_store
        from vigil.web.app import create_app

        try:
            store = open_store()
        except VigilError as exc:
            fail(str(exc))
        out.print(f"Vigil workbench on http://{host}:{port}  (data: {store.root})")
        uvicorn.run(create_app(store, allow_private=allow_private), host=host, port=port, log_level="warning")
