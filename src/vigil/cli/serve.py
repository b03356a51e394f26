"""`vigil serve`: the workbench over HTTP, on this machine's store."""

from __future__ import annotations

from typing import Annotated

import typer

from vigil.console import fail, out
from vigil.errors import VigilError


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    allow_private: Annotated[
        bool, typer.Option(help="Let captures fetch private addresses (a lab).")
    ] = False,
    require_2fa: Annotated[
        bool,
        typer.Option("--require-2fa", help="Every account needs a second factor (or VIGIL_REQUIRE_2FA=1)."),
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
    app = create_app(store, allow_private=allow_private)
    app.state.require_2fa = require_2fa
    out.print(f"Vigil workbench on http://{host}:{port}  (data: {store.root})")
    uvicorn.run(app, host=host, port=port, log_level="warning")
