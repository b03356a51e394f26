"""`python -m vigil` runs the CLI."""

from vigil.cli import main

main()
