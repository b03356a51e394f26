"""Data files shipped with the package (patterns, cue lexicons, capitals)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load_yaml(name: str) -> Any:
    """Parse `vigil/data/NAME` once per process."""
    text = resources.files("vigil").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)
