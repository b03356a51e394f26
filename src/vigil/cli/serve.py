"""`vigil serve`: the workbench over HTTP, on this machine's store."""

from __future__ import annotations

import os
import socket
from typing import Annotated

import typer

from vigil.console import fail, out
from vigil.errors import VigilError


def free_port(host: str, wanted: int) -> int | None:
    """`wanted` if nothing listens there, else the next free port above it (None: none in 100)."""
    for port in range(wanted, min(wanted + 100, 65536)):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return port
    return None


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (PostgreSQL, or SQLite in WAL mode).")
    ] = 1,
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

    found = free_port(host, port)
    if found != port:
        hint = f"; port {found} is free: vigil serve --port {found}" if found else ""
        fail(f"port {port} on {host} is already in use{hint}")
    try:
        store = open_store()  # migrated once here, before any worker starts
    except VigilError as exc:
        fail(str(exc))
    if allow_private:
        os.environ["VIGIL_ALLOW_PRIVATE"] = "1"
    if require_2fa:
        os.environ["VIGIL_REQUIRE_2FA"] = "1"
    store.engine.dispose()
    out.print(f"Vigil workbench on http://{host}:{port}  (data: {store.root}, {workers} worker(s))")
    uvicorn.run(
        "vigil.web.app:from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )
