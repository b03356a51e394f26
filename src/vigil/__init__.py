"""Vigil: monitor human rights through the news, with every claim tied to its source."""

__version__ = "0.1.0"
