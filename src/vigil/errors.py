"""Errors whose message is fit to show a user as one line."""


class VigilError(Exception):
    """Base class: the CLI prints the message and exits non-zero, never a traceback."""


class InputError(VigilError):
    """The input is not something Vigil can read (binary, bad encoding, empty, too large)."""


class ExtractionError(VigilError):
    """The input was readable but holds no article."""
