"""A time limit for one extraction, checked between stages.

One upload must not hold a worker for ever. The limit is cooperative: the
stages (reading, tokenizing, each spaCy component, each sentence) look at
the clock between steps and stop with a one-line error, so no signal or
thread is needed and nothing is left half-written. Before the parse, which
cannot be interrupted, a long document is timed on a sample and refused if
the forecast alone would overrun.
"""

from __future__ import annotations

import math
import os
import time

from vigil.errors import InputError

DEFAULT_SECONDS = 120.0
ENV = "VIGIL_EXTRACT_SECONDS"


def limit_seconds() -> float:
    """The limit, `VIGIL_EXTRACT_SECONDS` or 120 s; a value that is not a positive number is ignored."""
    try:
        value = float(os.environ.get(ENV, DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS
    return value if value > 0 and math.isfinite(value) else DEFAULT_SECONDS


class Budget:
    """The clock of one extraction: started when the extraction starts."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = limit_seconds() if seconds is None else seconds
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def left(self) -> float:
        return self.seconds - self.elapsed()

    def check(self) -> None:
        """Stop if the limit has passed; cheap enough to call once a sentence."""
        if self.elapsed() > self.seconds:
            raise InputError(f"extraction stopped after {self.seconds:g} s ({ENV})")

    def expect(self, seconds: float, what: str) -> None:
        """Stop now if `what`, forecast to take `seconds`, would end past the limit."""
        self.check()
        if seconds > self.left():
            raise InputError(
                f"extraction stopped: {what} would take about {seconds:.0f} s,"
                f" past the {self.seconds:g} s limit ({ENV})"
            )
