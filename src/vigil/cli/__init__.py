"""The `vigil` command: one Typer app, one module a noun; each parses, calls the core, prints with rich."""

from __future__ import annotations

import sys

import typer

from vigil import __version__
from vigil.console import err, out

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Vigil: a sourced record of who said what.",
)


def version() -> None:
    """Print Vigil's version."""
    out.print(__version__)


def _register() -> None:
    """Add every noun's commands, in the order `vigil --help` has always listed them."""
    from vigil.cli import (
        actors,
        alert,
        audit,
        capture,
        case,
        export,
        extract,
        ingest,
        monitor,
        search,
        serve,
        user,
        verify,
        watch,
    )

    app.command()(extract.extract)
    app.command()(capture.capture)
    app.command()(extract.reextract)
    app.command()(search.search)
    app.command()(verify.verify)
    app.command()(verify.checkpoint)
    app.command()(export.export)
    case.register(app)
    monitor.register(app)
    actors.register(app)
    app.command()(audit.audit)
    user.register(app)
    app.command()(serve.serve)
    app.command()(ingest.ingest)
    watch.register(app)
    alert.register(app)
    app.command()(version)


_register()


def main() -> None:
    """The console script: any error the commands did not foresee is still one line, never a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted; whatever was stored before stays intact")
        sys.exit(130)
    except Exception as exc:  # the last line of defence
        err.print(
            f"[bold red]error:[/] unexpected {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''} (please report it)",
            highlight=False,
        )
        sys.exit(3)
