"""A workbench served for real on 127.0.0.1, a fresh store, and accounts to use it with."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from vigil.store.db import Store, open_store
from vigil.web.app import create_app
from vigil.web.auth import add_user

PASSWORD = "correct horse battery"


@dataclass
class Served:
    url: str
    store: Store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    store = open_store(tmp_path / "home", f"sqlite:///{tmp_path / 'home' / 'vigil.db'}")
    with store.sessions.begin() as s:
        for name, role in (("alice", "editor"), ("bob", "editor"), ("vera", "viewer"), ("root", "admin")):
            add_user(s, name, PASSWORD, role)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(store, allow_private=True), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield Served(f"http://127.0.0.1:{port}", store)
    server.should_exit = True
    t.join(timeout=10)


def job_of(location: str) -> int:
    """The job a capture form started, from where it sent the browser (`/cases/N?job=J#jobs`)."""
    assert "?job=" in location, location
    return int(location.split("?job=")[1].split("#")[0])


def finished_job(get: Any, case_id: int, job_id: int, seconds: float = 300) -> dict[str, Any]:
    """Poll the job API (`get`: a client's get) until the job is done or failed; its JSON."""
    deadline = time.monotonic() + seconds
    while True:
        job: dict[str, Any] = get(f"/api/cases/{case_id}/jobs/{job_id}").json()
        if job["state"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def signed_in_page(browser: Any, url: str, width: int, height: int) -> Any:
    """A Chromium page signed in as alice through the sign-in form (Playwright objects)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url + "/login")
    page.fill("input[name=name]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign in')")
    return page
