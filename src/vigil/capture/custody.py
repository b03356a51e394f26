"""Who collected what, when and how: the facts a capture records (Berkeley Protocol, paras 155-167)."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import platform
import socket
from datetime import UTC, datetime
from typing import Any

from vigil import __version__

TOOL = "vigil"


def now() -> str:
    """UTC time with microseconds, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def collector() -> str:
    """The account capturing: VIGIL_COLLECTOR, else the operating-system user."""
    if os.environ.get("VIGIL_COLLECTOR"):
        return os.environ["VIGIL_COLLECTOR"]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def machine() -> dict[str, str]:
    """The collecting machine (SWGDE 21-F-001 §7.5: host, address, local time zone)."""
    host = socket.gethostname()
    try:
        addr = socket.gethostbyname(host)
    except OSError:
        addr = ""
    return {
        "hostname": host,
        "ip": addr,
        "platform": platform.platform(),
        "timezone": datetime.now().astimezone().tzname() or "",
    }


def tool() -> dict[str, str]:
    return {"name": TOOL, "version": __version__}


def canonical(obj: Any) -> bytes:
    """The bytes a record's hash is computed over: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def chain_hash(prev: str, content: Any) -> str:
    """Each record hashes the one before it, so any edit or deletion breaks the chain."""
    return hashlib.sha256(prev.encode() + b"\n" + canonical(content)).hexdigest()
